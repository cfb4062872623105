"""Vocabulary of the org hierarchy: kinds of unit, institution types and policy levels.

The values are the codes stored in the warehouse; the Chinese names are what users read.
"""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """Kind of org unit (机构层级)."""

    PROVINCE = "province"  # 省
    CITY = "city"  # 市
    COUNTY = "county"  # 县（市、区）
    COMMUNITY = "community"  # 县域医共体
    INSTITUTION = "institution"  # 医疗卫生机构


class InstitutionType(StrEnum):
    """Institution type (机构类别)."""

    COUNTY_GENERAL = "county_general"  # 县级综合医院（人民医院）
    COUNTY_TCM = "county_tcm"  # 县级中医医院
    COUNTY_MCH = "county_mch"  # 县妇幼保健院
    COUNTY_CDC = "county_cdc"  # 县疾控中心（专业公共卫生机构）
    TOWNSHIP_CENTRE = "township_centre"  # 乡镇卫生院
    COMMUNITY_CENTRE = "community_centre"  # 社区卫生服务中心
    COMMUNITY_STATION = "community_station"  # 社区卫生服务站
    VILLAGE_CLINIC = "village_clinic"  # 村卫生室（站）
    PRIVATE = "private"  # 社会办医疗机构
    CITY_HOSPITAL = "city_hospital"  # 市级医院
    PROVINCE_HOSPITAL = "province_hospital"  # 省级及以上医院


class PolicyLevel(StrEnum):
    """Level that drives insurance policy (医保支付级别)."""

    VILLAGE = "village"  # 村级
    TOWNSHIP = "township"  # 乡镇（社区）级
    COUNTY = "county"  # 县级
    CITY = "city"  # 市级
    PROVINCE = "province"  # 省级及以上


class Ownership(StrEnum):
    PUBLIC = "public"  # 公立
    PRIVATE = "private"  # 非公立


#: 基层医疗卫生机构: the primary level used by 基层就诊率 and workforce indicators.
PRIMARY_TYPES: frozenset[InstitutionType] = frozenset(
    {
        InstitutionType.TOWNSHIP_CENTRE,
        InstitutionType.COMMUNITY_CENTRE,
        InstitutionType.COMMUNITY_STATION,
        InstitutionType.VILLAGE_CLINIC,
    }
)

KIND_ZH = {
    OrgKind.PROVINCE: "省",
    OrgKind.CITY: "市",
    OrgKind.COUNTY: "县",
    OrgKind.COMMUNITY: "医共体",
    OrgKind.INSTITUTION: "机构",
}

TYPE_ZH = {
    InstitutionType.COUNTY_GENERAL: "县级综合医院",
    InstitutionType.COUNTY_TCM: "县级中医医院",
    InstitutionType.COUNTY_MCH: "县妇幼保健院",
    InstitutionType.COUNTY_CDC: "县疾控中心",
    InstitutionType.TOWNSHIP_CENTRE: "乡镇卫生院",
    InstitutionType.COMMUNITY_CENTRE: "社区卫生服务中心",
    InstitutionType.COMMUNITY_STATION: "社区卫生服务站",
    InstitutionType.VILLAGE_CLINIC: "村卫生室",
    InstitutionType.PRIVATE: "社会办医疗机构",
    InstitutionType.CITY_HOSPITAL: "市级医院",
    InstitutionType.PROVINCE_HOSPITAL: "省级医院",
}

LEVEL_ZH = {
    PolicyLevel.VILLAGE: "村级",
    PolicyLevel.TOWNSHIP: "乡镇级",
    PolicyLevel.COUNTY: "县级",
    PolicyLevel.CITY: "市级",
    PolicyLevel.PROVINCE: "省级",
}
