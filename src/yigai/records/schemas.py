"""The record sets yigai holds, as declarative schemas.

Registries (no partition): ``org_units``, ``community_members``, ``residents``, ``staff``,
``resources``; ``org_units``, ``residents``, ``staff``, ``resources`` and ``contracts`` are
corrected by dated versions
(:mod:`yigai.records.versions`).
Records of care and work (partitioned by month of a date field): ``encounters``,
``referrals``, ``contracts``, ``chronic_cases``, ``followups``, ``health_checkups``,
``drug_purchases``.

Personal information never reaches the warehouse in clear: identity numbers arrive as
``id_number`` and are stored as ``person_id`` (a keyed hash, 假名化) plus ``id_masked`` (last
two characters); of the birth date only the year-month is kept (``birth_ym``, a date on the
1st of the month); names are stored masked. See :mod:`yigai.people.identity` and
docs/PRIVACY.md.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from yigai.orgs.model import OrgKind
from yigai.policy.claims import CLAIMS
from yigai.policy.statements.record import STATEMENTS
from yigai.records import labels
from yigai.records.fields import RETIRED_REASON, VERSION_FROM, Field, Kind, RecordSet, RowCheck

S, E, N, M, F, B, D, T = (
    Kind.STRING,
    Kind.ENUM,
    Kind.INT,
    Kind.MONEY,
    Kind.FLOAT,
    Kind.BOOL,
    Kind.DATE,
    Kind.TIMESTAMP,
)


def _later_than(later: str, earlier: str) -> RowCheck:
    return RowCheck(
        later,
        f"{later} 早于 {earlier}",
        f"{later} is before {earlier}",
        lambda t: pc.fill_null(pc.less(t[later], t[earlier]), False),
    )


# ---------------------------------------------------------------- registries

#: The columns of a versioned registry (see :mod:`yigai.records.versions`): a correction is a
#: new version of the row from a later date, never an edit of a stored one.
VERSION_FIELDS = (
    Field(VERSION_FROM, D, "版本生效日期", "version valid from", required=False),
    Field(RETIRED_REASON, S, "注销原因", "retired: reason", required=False),
)

ORG_UNITS = RecordSet(
    name="org_units",
    zh="组织机构",
    en="org units",
    fields=(
        Field("org_id", S, "机构编码", "org unit id"),
        Field("parent_id", S, "上级编码", "parent id", required=False),
        Field("kind", E, "层级", "kind", labels=labels.ORG_KIND),
        Field("name", S, "名称", "name"),
        Field(
            "inst_type", E, "机构类别", "institution type", False, labels=labels.INSTITUTION_TYPE
        ),
        Field("level", E, "医保支付级别", "policy level", False, labels=labels.POLICY_LEVEL),
        Field("ownership", E, "举办主体", "ownership", False, labels=labels.OWNERSHIP),
        Field("division_code", S, "行政区划代码", "division code", required=False),
        Field("beds", N, "编制床位", "beds", required=False, min=0),
        Field("agri_population", N, "农业人口", "agricultural population", False, min=0),
        # 乡村一体化 (seed 003 二（五）): a village clinic's township centre; dated by versions
        Field("centre_id", S, "所属卫生院编码", "township centre id", required=False),
        *VERSION_FIELDS,
    ),
    key=("org_id",),
    versioned=True,
    checks=(
        RowCheck(
            "inst_type",
            "机构必须填写机构类别、医保支付级别和举办主体",
            "an institution needs inst_type, level and ownership",
            lambda t: pc.and_(
                pc.equal(t["kind"], OrgKind.INSTITUTION.value),
                pc.or_(
                    pc.or_(pc.is_null(t["inst_type"]), pc.is_null(t["level"])),
                    pc.is_null(t["ownership"]),
                ),
            ),
        ),
    ),
)

COMMUNITY_MEMBERS = RecordSet(
    name="community_members",
    zh="医共体成员单位",
    en="community membership",
    fields=(
        Field("community_id", S, "医共体编码", "community id"),
        Field("institution_id", S, "成员机构编码", "institution id"),
        Field("role", E, "角色", "role", labels=labels.MEMBER_ROLE),
        Field("valid_from", D, "加入日期", "joined on", planned=True),
        Field("valid_to", D, "退出日期", "left on", required=False, planned=True),
    ),
    key=("community_id", "institution_id", "valid_from"),
    checks=(_later_than("valid_to", "valid_from"),),
    references=(("community_id", "org_units"), ("institution_id", "org_units")),
)

POPULATION_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("hypertension", "高血压患者", "hypertension"),
    ("diabetes", "2型糖尿病患者", "type-2 diabetes"),
    ("severe_mental", "严重精神障碍患者", "severe mental disorder"),
    ("tuberculosis", "肺结核患者", "tuberculosis"),
    ("disabled", "残疾人", "disabled"),
    ("poverty", "建档立卡贫困人口", "registered poor"),
    ("special_family", "计划生育特殊家庭", "special family-planning family"),
    ("pregnant", "孕产妇", "pregnant or postpartum"),
)

RESIDENTS = RecordSet(
    name="residents",
    zh="居民",
    en="residents",
    fields=(
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("id_masked", S, "身份证号（脱敏）", "identity number (masked)", personal=True),
        Field("name_masked", S, "姓名（脱敏）", "name (masked)", False, personal=True),
        Field("sex", E, "性别", "sex", labels=labels.SEX),
        Field("birth_ym", D, "出生年月", "birth year-month (1st of the month)"),
        Field("home_unit_id", S, "属地机构", "home institution (catchment)"),
        Field("scheme", E, "参保类型", "insurance scheme", labels=labels.SCHEME),
        Field("registered_on", D, "常住登记日期", "resident since"),
        Field("left_on", D, "迁出/死亡日期", "left or died on", required=False),
        Field("health_record_on", D, "建档日期", "health record opened", required=False),
        Field("health_record_electronic", B, "电子健康档案", "electronic health record", False),
        *(Field(f"grp_{code}", B, zh, en, required=False) for code, zh, en in POPULATION_GROUPS),
        *VERSION_FIELDS,
    ),
    key=("person_id",),
    versioned=True,
    checks=(_later_than("left_on", "registered_on"),),
    references=(("home_unit_id", "org_units"),),
)

STAFF = RecordSet(
    name="staff",
    zh="卫生人员",
    en="staff",
    fields=(
        Field("staff_id", S, "人员编码", "staff id"),
        Field("institution_id", S, "所在机构", "institution"),
        Field(
            "profession",
            E,
            "专业类别",
            "profession",
            labels=labels.PROFESSION,
        ),
        Field("is_gp", B, "全科医生", "general practitioner"),
        Field(
            "title",
            E,
            "职称",
            "title",
            labels=labels.TITLE,
        ),
        Field(
            "education",
            E,
            "学历",
            "education",
            labels=labels.EDUCATION,
        ),
        Field(
            "post_type",
            E,
            "岗位类别",
            "post type",
            labels=labels.POST_TYPE,
        ),
        Field("established", B, "在编", "in establishment (编制)"),
        Field("joined_on", D, "入职日期", "joined on"),
        Field("left_on", D, "离职日期", "left on", required=False),
        *VERSION_FIELDS,
    ),
    key=("staff_id",),
    versioned=True,
    checks=(_later_than("left_on", "joined_on"),),
    references=(("institution_id", "org_units"),),
)

#: 机构资源登记 (issue 14 §4): what an institution has, dated by versions (a bed count that
#: changes, a 中医馆 opened, a clinic passing the standard are new versions). Ownership and
#: type stay in ``org_units`` and staff in ``staff`` (one place each); ``beds`` here is the
#: beds open (实有床位), where ``org_units.beds`` is the approved number (编制床位).
RESOURCES = RecordSet(
    name="resources",
    zh="机构资源登记",
    en="institution resources",
    fields=(
        Field("org_id", S, "机构编码", "institution id"),
        Field("beds", N, "实有床位", "beds open", min=0),
        Field("posts", N, "核定编制", "approved posts (编制)", required=False, min=0),
        Field("tcm_clinic", B, "设有中医馆", "has a TCM clinic (中医馆)", required=False),
        Field(
            "standard_clinic", B, "标准化村卫生室", "standardised village clinic", required=False
        ),
        Field("upgraded_centre", B, "升级卫生院", "upgraded township centre", required=False),
        # 村卫生室配备使用国家基本药物 (seed 003 第五篇; seed 004): dated like the other flags
        Field(
            "essential_drugs", B, "配备使用国家基本药物", "national essential drugs in use", False
        ),
        *VERSION_FIELDS,
    ),
    key=("org_id",),
    versioned=True,
    references=(("org_id", "org_units"),),
)

# ---------------------------------------------------------------- records of care

COST_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("cost_drug_western_fen", "西药费", "western drugs"),
    ("cost_drug_patent_fen", "中成药费", "Chinese patent medicines"),
    ("cost_herbal_fen", "中药饮片费", "herbal pieces"),
    ("cost_material_fen", "卫生材料费", "medical materials"),
    ("cost_exam_fen", "检查费", "examinations"),
    ("cost_lab_fen", "化验费", "laboratory tests"),
    ("cost_treatment_fen", "治疗及手术费", "treatment and surgery"),
    ("cost_service_fen", "诊察护理费", "consultation and nursing"),
    ("cost_bed_fen", "床位费", "beds"),
    ("cost_other_fen", "其他费", "other"),
)


def _cost_total_mismatch(t: pa.Table) -> pa.Array:
    parts = [t[name] for name, _, _ in COST_FIELDS]
    total = parts[0]
    for part in parts[1:]:
        total = pc.add(total, part)
    return pc.fill_null(pc.not_equal(total, t["cost_total_fen"]), True)


ENCOUNTERS = RecordSet(
    name="encounters",
    zh="就诊记录",
    en="encounters",
    fields=(
        Field("encounter_id", S, "就诊流水号", "encounter id"),
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("institution_id", S, "就诊机构", "institution"),
        Field(
            "care_type",
            E,
            "就诊类型",
            "care type",
            labels=labels.CARE_TYPE,
        ),
        Field("visit_date", D, "就诊/入院日期", "visit or admission date"),
        Field("discharge_date", D, "出院日期", "discharge date", required=False),
        Field("event_date", D, "统计日期（门诊为就诊日，住院为出院日）", "statistics date"),
        Field("diagnosis_code", S, "主要诊断（ICD-10）", "principal diagnosis (ICD-10)"),
        Field("procedure_code", S, "主要手术操作（ICD-9-CM-3）", "principal procedure", False),
        Field("department", S, "科室", "department", required=False),
        Field("is_tcm", B, "中医诊疗", "TCM service"),
        Field("booking", E, "挂号方式", "booking", labels=labels.BOOKING),
        Field("referral_id", S, "转诊单号", "referral id", required=False),
        *(Field(name, M, zh, en, min=0) for name, zh, en in COST_FIELDS),
        Field("cost_total_fen", M, "医疗总费用", "total cost", min=0),
        Field("out_of_scope_fen", M, "政策范围外费用", "out-of-policy-scope cost", min=0),
    ),
    key=("encounter_id",),
    partition_by="event_date",
    checks=(
        RowCheck(
            "cost_total_fen",
            "总费用不等于各分项之和",
            "total is not the sum of cost lines",
            _cost_total_mismatch,
        ),
        RowCheck(
            "out_of_scope_fen",
            "政策范围外费用大于总费用",
            "out-of-scope cost exceeds total",
            lambda t: pc.fill_null(pc.greater(t["out_of_scope_fen"], t["cost_total_fen"]), True),
        ),
        RowCheck(
            "discharge_date",
            "住院记录缺少出院日期",
            "an inpatient record needs a discharge date",
            lambda t: pc.and_(
                pc.equal(t["care_type"], "inpatient"), pc.is_null(t["discharge_date"])
            ),
        ),
        _later_than("discharge_date", "visit_date"),
        RowCheck(
            "event_date",
            "统计日期应为门诊就诊日或住院出院日",
            "event_date must be the visit date (outpatient) or the discharge date (inpatient)",
            lambda t: pc.fill_null(
                pc.not_equal(
                    t["event_date"],
                    pc.if_else(
                        pc.equal(t["care_type"], "inpatient"), t["discharge_date"], t["visit_date"]
                    ),
                ),
                True,
            ),
        ),
    ),
    references=(("person_id", "residents"), ("institution_id", "org_units")),
)

REFERRAL_STATES = (
    "requested",
    "accepted",
    "arrived",
    "completed",
    "rejected",
    "cancelled",
    "expired",
)

REFERRALS = RecordSet(
    name="referrals",
    zh="双向转诊",
    en="referrals",
    fields=(
        Field("referral_id", S, "转诊单号", "referral id"),
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("direction", E, "转诊方向", "direction", labels=labels.DIRECTION),
        Field("from_institution_id", S, "转出机构", "from institution"),
        Field("to_institution_id", S, "转入机构", "to institution"),
        # names the stay a transfer leaves (医保结算 links the admission to it, policy.settle)
        Field("from_encounter_id", S, "转出住院流水号", "encounter referred from", required=False),
        Field("reason", S, "转诊原因", "reason", required=False),
        Field("green_channel", B, "绿色通道（签约居民）", "green channel"),
        Field("by_family_doctor", B, "家庭医生团队转诊", "referred by family-doctor team"),
        Field("requested_on", D, "申请日期", "requested on"),
        Field(
            "status", E, "状态", "status", choices=REFERRAL_STATES, labels=labels.REFERRAL_STATUS
        ),
        Field("accepted_on", D, "接收日期", "accepted on", required=False),
        Field("arrived_on", D, "到达日期", "arrived on", required=False),
        Field("completed_on", D, "完成日期", "completed on", required=False),
    ),
    key=("referral_id",),
    partition_by="requested_on",
    checks=(
        _later_than("accepted_on", "requested_on"),
        _later_than("completed_on", "requested_on"),
    ),
    references=(
        ("person_id", "residents"),
        ("from_institution_id", "org_units"),
        ("to_institution_id", "org_units"),
    ),
)

CONTRACTS = RecordSet(
    name="contracts",
    zh="家庭医生签约",
    en="family-doctor contracts",
    fields=(
        Field("contract_id", S, "签约协议号", "contract id"),
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("institution_id", S, "签约机构", "contracting institution"),
        Field("team_id", S, "家庭医生团队", "family-doctor team"),
        Field("package", E, "服务包", "service package", labels=labels.PACKAGE),
        Field("signed_on", D, "签约日期", "signed on"),
        Field("valid_from", D, "生效日期", "valid from", planned=True),
        Field("valid_to", D, "到期日期", "valid to", planned=True),
        *VERSION_FIELDS,  # a contract ended early: a version with the new valid_to
    ),
    key=("contract_id",),
    versioned=True,
    partition_by="signed_on",
    checks=(_later_than("valid_to", "valid_from"),),
    references=(("person_id", "residents"), ("institution_id", "org_units")),
)

CHRONIC_CASES = RecordSet(
    name="chronic_cases",
    zh="慢病管理档案",
    en="chronic-disease cases",
    fields=(
        Field("case_id", S, "管理档案号", "case id"),
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("disease", E, "病种", "disease", labels=labels.CASE_DISEASE),
        Field("institution_id", S, "管理机构", "managing institution"),
        Field("screened_on", D, "筛查日期", "screened on", required=False),
        Field("confirmed_on", D, "确诊日期", "confirmed on"),
        Field("managed_from", D, "纳入管理日期", "under management from"),
        Field("closed_on", D, "结案日期", "closed on", required=False),
    ),
    key=("case_id",),
    partition_by="managed_from",
    checks=(_later_than("closed_on", "managed_from"),),
    references=(("person_id", "residents"), ("institution_id", "org_units")),
)

FOLLOWUPS = RecordSet(
    name="followups",
    zh="慢病随访",
    en="chronic-disease follow-ups",
    fields=(
        Field("followup_id", S, "随访编号", "follow-up id"),
        Field("case_id", S, "管理档案号", "case id"),
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("disease", E, "病种", "disease", labels=labels.DISEASE),
        Field("institution_id", S, "随访机构", "institution"),
        Field("followup_date", D, "随访日期", "follow-up date"),
        Field("mode", E, "随访方式", "mode", labels=labels.FOLLOWUP_MODE),
        Field("sbp", N, "收缩压 mmHg", "systolic BP mmHg", required=False, min=40, max=300),
        Field("dbp", N, "舒张压 mmHg", "diastolic BP mmHg", required=False, min=20, max=200),
        Field(
            "fasting_glucose",
            F,
            "空腹血糖 mmol/L",
            "fasting glucose mmol/L",
            False,
            min=0.5,
            max=40,
        ),
        Field(
            "classification",
            E,
            "此次随访分类",
            "classification",
            labels=labels.CLASSIFICATION,
        ),
        Field("action", E, "处置", "action", labels=labels.FOLLOWUP_ACTION),
        Field("next_due", D, "下次随访日期", "next follow-up due", required=False, planned=True),
    ),
    key=("followup_id",),
    partition_by="followup_date",
    references=(("person_id", "residents"), ("institution_id", "org_units")),
)

#: 健康体检 (issue 14 §4): one row per check-up or yearly health-management service of a
#: resident; the 老年人健康管理率 counts the ``elderly_annual`` ones.
HEALTH_CHECKUPS = RecordSet(
    name="health_checkups",
    zh="健康体检",
    en="health check-ups",
    fields=(
        Field("checkup_id", S, "体检编号", "check-up id"),
        Field("person_id", S, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("institution_id", S, "体检机构", "institution"),
        Field("kind", E, "体检类别", "kind", labels=labels.CHECKUP_KIND),
        Field("checkup_date", D, "体检日期", "check-up date"),
    ),
    key=("checkup_id",),
    partition_by="checkup_date",
    references=(("person_id", "residents"), ("institution_id", "org_units")),
)

#: 药品网上集中采购 (issue 14 §4, seed 003 第四篇): one row per order of an institution, with
#: the amount delivered so far (实际配送到位); the 药品配送率 is delivered ÷ purchased.
DRUG_PURCHASES = RecordSet(
    name="drug_purchases",
    zh="药品网上集中采购",
    en="online centralised drug purchases",
    fields=(
        Field("order_id", S, "采购订单号", "order id"),
        Field("institution_id", S, "采购机构", "purchasing institution"),
        Field("order_date", D, "订单日期", "order date"),
        Field("purchased_fen", M, "采购金额", "amount purchased", min=0),
        Field("delivered_fen", M, "配送到位金额", "amount delivered", min=0),
    ),
    key=("order_id",),
    partition_by="order_date",
    checks=(
        RowCheck(
            "delivered_fen",
            "配送到位金额大于采购金额",
            "amount delivered exceeds amount purchased",
            lambda t: pc.fill_null(pc.greater(t["delivered_fen"], t["purchased_fen"]), True),
        ),
    ),
    references=(("institution_id", "org_units"),),
)

ALL: tuple[RecordSet, ...] = (
    ORG_UNITS,
    COMMUNITY_MEMBERS,
    RESIDENTS,
    STAFF,
    RESOURCES,
    ENCOUNTERS,
    REFERRALS,
    CONTRACTS,
    CHRONIC_CASES,
    FOLLOWUPS,
    HEALTH_CHECKUPS,
    DRUG_PURCHASES,
    STATEMENTS,  # settlement statements, defined by yigai.policy.statements.record
    CLAIMS,  # adjudicated claims, defined by yigai.policy.claims
)

BY_NAME: dict[str, RecordSet] = {rs.name: rs for rs in ALL}


def get(name: str) -> RecordSet:
    """The record set called ``name``; a bilingual error lists the known names."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise KeyError(
            f"未知的记录集 {name!r}（可选：{known}） / unknown record set {name!r}"
        ) from None
