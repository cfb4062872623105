"""慢病管理 (chronic care): registration, follow-ups, control classification, next due date.

Rules of the national basic public-health service specification (国家基本公共卫生服务规范
（第三版）, 2017; /work/shared/domain/README.md §3), every threshold a dated parameter:

- urgent referral: SBP ≥ 180 or DBP ≥ 110 mmHg (both diseases), danger signs; diabetes also
  fasting glucose ≥ 16.7 or ≤ 3.9 mmol/L → an urgent up-referral proposal is created at once
  (state ``requested``, ``urgent``) and the patient is followed up within 2 weeks;
- controlled: hypertension SBP < 140 and DBP < 90; diabetes fasting glucose < 7.0 (the
  indicator catalogue's own threshold files) — with no new complaints, next follow-up in
  3 months;
- first uncontrolled reading (or a drug reaction, or new complaints) → adjust, review within
  2 weeks; uncontrolled at two consecutive visits, or a complication → refer (a non-urgent
  proposal), review within 2 weeks.

Severe mental disorder and tuberculosis are registered and followed up too (the key groups the
catalogue counts), but their schedule depends on stability and treatment phase, which the
service does not model: the doctor gives the classification and the next due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai.community import params
from yigai.community._common import add_months, in_scope, local_day, write
from yigai.community.contracts import team_in_scope
from yigai.community.referrals import active_contract, request_referral
from yigai.errors import Conflict, Invalid
from yigai.records.labels import CLASSIFICATION, FOLLOWUP_MODE
from yigai.store.models_community import ChronicCase, Followup, Referral

if TYPE_CHECKING:
    from yigai.auth.principal import Principal
    from yigai.community.directory import ResidentDirectory

WRITE, READ = "chronic.write", "chronic.read"
#: Managed diseases → the ICD-10 code a referral proposal carries.
DISEASES = {"hypertension": "I10", "diabetes": "E11", "severe_mental": "F20", "tuberculosis": "A15"}
MEASURED = ("hypertension", "diabetes")


@dataclass(frozen=True)
class Assessment:
    classification: str
    action: str  # continue / adjust / refer
    urgent: bool
    next_due: dt.date


def register_case(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    *,
    person_id: str,
    disease: str,
    institution_id: str,
    confirmed_on: dt.date,
    screened_on: dt.date | None = None,
    team_id: int | None = None,
    today: dt.date,
) -> ChronicCase:
    """Register a resident for management of ``disease`` (from screening or diagnosis)."""
    actor.require(WRITE)
    resident = directory.resident(actor, person_id)
    actor.require_unit(institution_id, "机构 / institution")
    if disease not in DISEASES:
        raise Invalid(
            f"病种 {disease!r} 不在管理范围（{'、'.join(DISEASES)}）",
            f"disease {disease!r} is not managed (one of {', '.join(DISEASES)})",
        )
    if confirmed_on > today or (screened_on is not None and screened_on > confirmed_on):
        raise Invalid(
            "确诊日期不能晚于今天或早于筛查日期", "confirmed_on must be between screening and today"
        )
    open_case = db.scalar(
        select(ChronicCase.id).where(
            ChronicCase.person_id == person_id,
            ChronicCase.disease == disease,
            ChronicCase.closed_on.is_(None),
        )
    )
    if open_case is not None:
        raise Conflict(
            f"该居民已有在管的{disease}档案（{open_case}）",
            f"the resident already has an open {disease} case ({open_case})",
        )
    if team_id is not None:
        team_in_scope(db, actor, team_id)
    else:  # the resident's family-doctor team, so the team's worklist shows the case
        contract = active_contract(db, person_id, today)
        team_id = contract.team_id if contract is not None else None
    months = params.whole("followup_controlled_interval_months", today)
    case = ChronicCase(
        person_id=person_id,
        home_unit_id=resident.home_unit_id,
        disease=disease,
        institution_id=institution_id,
        doctor=actor.username,
        team_id=team_id,
        screened_on=screened_on,
        confirmed_on=confirmed_on,
        managed_from=today,
        next_due=add_months(today, months),
        uncontrolled_streak=0,
    )
    db.add(case)
    db.flush()
    write(
        db,
        actor.username,
        f"chronic_case:{case.id}",
        institution_id,
        f"person_id={person_id} register {disease}",
    )
    return case


def is_urgent(
    disease: str, day: dt.date, sbp: int | None, dbp: int | None, glucose: Decimal | None
) -> bool:
    """The urgent-referral criteria on the readings (inclusive bounds, as the spec words them)."""
    if sbp is not None and sbp >= params.value("hypertension_sbp_urgent_at_least", day):
        return True
    if dbp is not None and dbp >= params.value("hypertension_dbp_urgent_at_least", day):
        return True
    if disease == "diabetes" and glucose is not None:
        return glucose >= params.value(
            "diabetes_glucose_urgent_at_least", day
        ) or glucose <= params.value("diabetes_glucose_urgent_at_most", day)
    return False


def is_controlled(
    disease: str, day: dt.date, sbp: int | None, dbp: int | None, glucose: Decimal | None
) -> bool:
    """控制满意: below the catalogue's thresholds (strictly)."""
    if disease == "hypertension":
        assert sbp is not None and dbp is not None
        return sbp < params.value("hypertension_sbp_controlled_below", day) and dbp < params.value(
            "hypertension_dbp_controlled_below", day
        )
    assert glucose is not None
    return glucose < params.value("diabetes_glucose_controlled_below", day)


def assess(
    case: ChronicCase,
    day: dt.date,
    *,
    sbp: int | None,
    dbp: int | None,
    glucose: Decimal | None,
    new_symptoms: bool = False,
    adverse_reaction: bool = False,
    complication: bool = False,
    danger_signs: bool = False,
) -> Assessment:
    """Classify one follow-up of a hypertension or diabetes case and date the next one."""
    review = day + dt.timedelta(days=params.whole("followup_review_days", day))
    if danger_signs or is_urgent(case.disease, day, sbp, dbp, glucose):
        return Assessment("complication" if complication else "uncontrolled", "refer", True, review)
    controlled = is_controlled(case.disease, day, sbp, dbp, glucose)
    if complication:
        return Assessment("complication", "refer", False, review)
    if adverse_reaction:
        return Assessment("adverse_reaction", "adjust", False, review)
    if controlled and not new_symptoms:
        months = params.whole("followup_controlled_interval_months", day)
        return Assessment("controlled", "continue", False, add_months(day, months))
    if not controlled and case.uncontrolled_streak >= 1:
        return Assessment("uncontrolled", "refer", False, review)
    return Assessment("controlled" if controlled else "uncontrolled", "adjust", False, review)


def _readings(case: ChronicCase, sbp: int | None, dbp: int | None, glucose: Decimal | None) -> None:
    if case.disease == "hypertension" and (sbp is None or dbp is None):
        raise Invalid(
            "高血压随访须录入收缩压和舒张压", "a hypertension follow-up needs SBP and DBP"
        )
    if case.disease == "diabetes" and glucose is None:
        raise Invalid("糖尿病随访须录入空腹血糖", "a diabetes follow-up needs fasting glucose")
    if (sbp is not None and not 40 <= sbp <= 300) or (dbp is not None and not 20 <= dbp <= 200):
        raise Invalid(
            "血压读数超出可能范围（收缩压40–300，舒张压20–200）", "BP reading out of range"
        )
    if glucose is not None and not Decimal("0.5") <= glucose <= 40:
        raise Invalid("空腹血糖超出可能范围（0.5–40 mmol/L）", "fasting glucose out of range")


def record_followup(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    case_id: int,
    *,
    followup_date: dt.date,
    mode: str = "clinic",
    sbp: int | None = None,
    dbp: int | None = None,
    fasting_glucose: Decimal | None = None,
    new_symptoms: bool = False,
    adverse_reaction: bool = False,
    complication: bool = False,
    danger_signs: bool = False,
    classification: str | None = None,
    next_due: dt.date | None = None,
    now: dt.datetime,
) -> Followup:
    """Record a follow-up; a reading meeting the urgent criteria proposes an urgent referral."""
    actor.require(WRITE)
    case = in_scope(db, actor, ChronicCase, case_id, "慢病档案 / chronic case")
    if case.closed_on is not None:
        raise Conflict(f"慢病档案 {case.id} 已结案", f"chronic case {case.id} is closed")
    if mode not in FOLLOWUP_MODE:
        raise Invalid(f"随访方式 {mode!r} 无效", f"unknown follow-up mode {mode!r}")
    if followup_date > local_day(now) or followup_date < case.managed_from:
        raise Invalid("随访日期应在纳入管理之后、不晚于今天", "follow-up date out of range")
    if case.disease in MEASURED:
        _readings(case, sbp, dbp, fasting_glucose)
        result = assess(
            case,
            followup_date,
            sbp=sbp,
            dbp=dbp,
            glucose=fasting_glucose,
            new_symptoms=new_symptoms,
            adverse_reaction=adverse_reaction,
            complication=complication,
            danger_signs=danger_signs,
        )
    else:
        if classification not in CLASSIFICATION or next_due is None or next_due <= followup_date:
            raise Invalid(
                "此病种须由医生给出随访分类和下次随访日期",
                "this disease needs the doctor's classification and a later next due date",
            )
        action = "continue" if classification == "controlled" else "adjust"
        result = Assessment(classification, action, danger_signs, next_due)
    followup = Followup(
        case_id=case.id,
        person_id=case.person_id,
        disease=case.disease,
        institution_id=case.institution_id,
        followup_date=followup_date,
        mode=mode,
        sbp=sbp,
        dbp=dbp,
        fasting_glucose=fasting_glucose,
        new_symptoms=new_symptoms,
        classification=result.classification,
        action=result.action,
        next_due=result.next_due,
        recorded_by=actor.username,
        rev=1,
        exported_rev=0,
    )
    if result.action == "refer":
        followup.referral_id = _propose(db, actor, directory, case, result, now).id
    case.next_due = result.next_due
    case.uncontrolled_streak = (
        0 if result.classification == "controlled" else case.uncontrolled_streak + 1
    )
    db.add(followup)
    db.flush()
    write(
        db,
        actor.username,
        f"followup:{followup.id}",
        case.institution_id,
        f"person_id={case.person_id} {case.disease} {result.classification} {result.action}",
    )
    return followup


def _propose(
    db: Session,
    actor: Principal,
    directory: ResidentDirectory,
    case: ChronicCase,
    result: Assessment,
    now: dt.datetime,
) -> Referral:
    """The referral proposal of a follow-up: up to the lead hospital, at once."""
    why = "随访达到紧急转诊标准" if result.urgent else "随访发现需转诊（连续控制不满意或并发症）"
    why_en = (
        "urgent criteria met at follow-up"
        if result.urgent
        else "uncontrolled twice or complication"
    )
    return request_referral(
        db,
        actor,
        directory,
        person_id=case.person_id,
        direction="up",
        from_institution_id=case.institution_id,
        reason=f"{why} / {why_en}",
        diagnosis_code=DISEASES[case.disease],
        summary=f"慢病档案 {case.id}：{result.classification}",
        urgent=result.urgent,
        now=now,
    )
