"""Chinese names of coded values (代码的中文名称): the one table import and docs read.

Each mapping is code → the Chinese name a HIS or Excel export writes. The record sets attach
them to their enum fields (``Field.labels``); an import accepts the code (any letter case) or
the name, and stores the code. Org vocabularies take their names from :mod:`yigai.orgs.model`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yigai.orgs.model import KIND_ZH, LEVEL_ZH, TYPE_ZH, Ownership


def _by_code(names: Mapping[Any, str]) -> dict[str, str]:  # enum member → code → name
    return {str(code): name for code, name in names.items()}


ORG_KIND = _by_code(KIND_ZH)
INSTITUTION_TYPE = _by_code(TYPE_ZH)
POLICY_LEVEL = _by_code(LEVEL_ZH)
OWNERSHIP = {Ownership.PUBLIC.value: "公立", Ownership.PRIVATE.value: "非公立"}

MEMBER_ROLE = {"lead": "牵头单位", "member": "成员单位"}
SEX = {"M": "男", "F": "女"}
SCHEME = {"resident": "城乡居民医保", "employee": "职工医保", "none": "未参保"}

PROFESSION = {
    "doctor": "执业（助理）医师",
    "nurse": "注册护士",
    "pharmacist": "药师",
    "technician": "技师",
    "village_doctor": "乡村医生",
    "public_health": "公共卫生人员",
    "management": "管理人员",
    "worker": "工勤技能人员",
    "other": "其他",
}
TITLE = {
    "none": "无职称",
    "junior": "初级",
    "intermediate": "中级",
    "associate_senior": "副高级",
    "senior": "正高级",
}
EDUCATION = {
    "secondary": "中专及以下",
    "junior_college": "大专",
    "bachelor": "本科",
    "master": "硕士研究生",
    "doctorate": "博士研究生",
}
POST_TYPE = {"professional": "专业技术岗位", "management": "管理岗位", "worker": "工勤技能岗位"}

CARE_TYPE = {"outpatient": "门诊", "emergency": "急诊", "inpatient": "住院"}
BOOKING = {"walk_in": "现场挂号", "appointment": "预约挂号", "referral": "转诊挂号"}
DIRECTION = {"up": "上转", "down": "下转"}
REFERRAL_STATUS = {
    "requested": "已申请",
    "accepted": "已接收",
    "arrived": "已到达",
    "completed": "已完成",
    "rejected": "已拒绝",
    "cancelled": "已取消",
    "expired": "已过期",
}
PACKAGE = {"basic": "基础包", "personalised": "个性化包"}
DISEASE = {"hypertension": "高血压", "diabetes": "糖尿病"}
#: Diseases a managed case may have: follow-up readings are recorded for DISEASE only; severe
#: mental disorder and tuberculosis patients are registered and managed (issue 14 §4).
CASE_DISEASE = DISEASE | {"severe_mental": "严重精神障碍", "tuberculosis": "肺结核"}
FOLLOWUP_MODE = {"clinic": "门诊随访", "home": "家庭随访", "phone": "电话随访"}
CLASSIFICATION = {
    "controlled": "控制满意",
    "uncontrolled": "控制不满意",
    "adverse_reaction": "不良反应",
    "complication": "并发症",
}
FOLLOWUP_ACTION = {"continue": "维持原方案", "adjust": "调整方案", "refer": "转诊"}
#: 健康体检 kinds: the elderly's yearly health management (国家基本公共卫生服务规范第三版
#: 老年人健康管理: 体检 + 评估) is what 老年人健康管理率 counts; other check-ups are recorded
#: but counted by no indicator yet.
CHECKUP_KIND = {"elderly_annual": "老年人年度健康管理", "periodic": "居民定期体检"}
