"""Settlement at discharge (出院即时结算): one claim, with the person's year-to-date trackers.

At the desk a patient pays only their share. The split of the discharging encounter is the
one the year's batch adjudication (``yigai settle``) gives that claim, to the fen: the same
rules (:func:`yigai.policy.adjudication.adjudicate_next`, including the in-community
referral deductible of :mod:`yigai.policy.referral_deductible`) advance the same trackers
(:class:`yigai.policy.adjudication.PersonYear`: admissions, outpatient-pooling deductible
and fund, fund toward the annual cap, cumulative out-of-pocket and critical illness,
assistance) over the claims of the person-year already settled, in claim order, then over
this one.

The trackers are rebuilt from the settled claims' inputs, and each settled claim's split as
recomputed must equal its split as stored (what the fund paid): if the parameters changed
under a settled claim, the desk cannot carry the year on consistently and refuses
(:class:`yigai.errors.Conflict`) rather than pay a different total than the batch will.

A discharge settles after every claim of the person-year already settled (claim order: event
date, then encounter id); an encounter that would come earlier would change what was already
paid, and is refused (:class:`yigai.errors.Invalid`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from yigai.errors import Conflict, Invalid
from yigai.policy.adjudication import (
    SPLIT_COLUMNS,
    ClaimError,
    ClaimInput,
    ClaimResult,
    PersonYear,
    adjudicate_next,
    settling_order,
)
from yigai.policy.commands import yuan
from yigai.policy.scheme import LEVEL_ZH, Scheme, SchemeBook

CARE_ZH = {"outpatient": "门诊", "emergency": "急诊", "inpatient": "住院"}


def invalid(encounter_id: str, column: str, zh: str, en: str) -> Invalid:
    """The bilingual refusal of a claim, naming the encounter and the column."""
    return Invalid(
        f"就诊 {encounter_id} 字段 {column}：{zh}",
        f"encounter {encounter_id}, column {column}: {en}",
    )


@dataclass(frozen=True)
class CostLine:
    """One line of the discharge bill (费用明细): its amount and whether it is inside the
    scheme's policy scope (政策范围内)."""

    item: str
    amount_fen: int
    in_scope: bool = True


@dataclass(frozen=True)
class DischargeEncounter:
    """One encounter at the desk: who, where, when, what it cost, and its referral links.

    ``level`` is the policy level the claim is paid at (``out_of_county`` for a local-level
    institution of another county), ``in_county`` whether the institution is in the
    person's home county, as :mod:`yigai.policy.settle` defines them for the batch."""

    encounter_id: str
    person_id: str
    institution_id: str
    care_type: str
    level: str
    in_county: bool
    admission_date: dt.date
    discharge_date: dt.date
    cost_lines: tuple[CostLine, ...]
    region: str
    referred: bool = False
    referred_from: str | None = None
    referral_in_community: bool = False
    groups: frozenset[str] = field(default_factory=frozenset)

    def claim(self) -> ClaimInput:
        """The claim to adjudicate; the bill's lines must be non-negative amounts."""
        for i, line in enumerate(self.cost_lines):
            if not isinstance(line.amount_fen, int) or line.amount_fen < 0:
                raise invalid(
                    self.encounter_id,
                    f"cost_lines[{i}].amount_fen",
                    f"费用 {line.amount_fen!r} 不是非负整数（分）",
                    f"amount {line.amount_fen!r} is not a non-negative integer of fen",
                )
        if self.discharge_date < self.admission_date:
            raise invalid(
                self.encounter_id,
                "discharge_date",
                f"出院日期 {self.discharge_date} 早于入院日期 {self.admission_date}",
                f"discharge {self.discharge_date} is before admission {self.admission_date}",
            )
        return ClaimInput(
            encounter_id=self.encounter_id,
            person_id=self.person_id,
            event_date=self.discharge_date,  # the statistics date: the day of discharge
            care_type=self.care_type,
            level=self.level,
            in_county=self.in_county,
            cost_total_fen=sum(line.amount_fen for line in self.cost_lines),
            out_of_scope_fen=sum(line.amount_fen for line in self.cost_lines if not line.in_scope),
            referred=self.referred,
            referred_from=self.referred_from,
            referral_in_community=self.referral_in_community,
            groups=self.groups,
        )


@dataclass(frozen=True)
class SettledClaim:
    """A claim of the person-year already settled: its inputs and its split as stored
    (:data:`yigai.policy.adjudication.SPLIT_COLUMNS`), from the warehouse or the desk."""

    claim: ClaimInput
    split: dict[str, int]
    source: str  # "warehouse" | "desk"


@dataclass(frozen=True)
class Trackers:
    """The person-year's trackers at one point (年度累计)."""

    admissions: int
    outpatient_deductible_fen: int
    outpatient_fund_fen: int
    fund_fen: int
    oop_fen: int
    critical_fen: int
    assistance_fen: int

    @classmethod
    def of(cls, year: PersonYear) -> Trackers:
        return cls(
            admissions=year.admissions,
            outpatient_deductible_fen=year.outpatient_deductible,
            outpatient_fund_fen=year.outpatient_fund,
            fund_fen=year.fund,
            oop_fen=year.oop,
            critical_fen=year.critical,
            assistance_fen=year.assistance,
        )


@dataclass(frozen=True)
class DeskResult:
    """The split of the discharging claim, the trackers before and after it, and the rules
    that made it, in words."""

    result: ClaimResult
    before: Trackers
    after: Trackers
    explanation: tuple[str, ...]


def settle_next(history: Sequence[SettledClaim], claim: ClaimInput, book: SchemeBook) -> DeskResult:
    """Adjudicate ``claim`` after the person-year's settled ``history`` (any order in)."""
    year = PersonYear()
    # the batch's order (a same-day referral's source before its target, whatever the ids)
    ordered = settling_order([*(h.claim for h in history), claim])
    after = {c.encounter_id for c in ordered[ordered.index(claim) + 1 :]}
    of = {id(h.claim): h for h in history}
    settled = [of[id(c)] for c in ordered if c is not claim]
    for past in settled:
        _check_same_year(past.claim, claim)
        if past.claim.encounter_id in after or past.claim.encounter_id == claim.encounter_id:
            raise invalid(
                claim.encounter_id,
                "event_date",
                f"结算日期 {claim.event_date} 早于已结算的就诊 {past.claim.encounter_id}"
                f"（{past.claim.event_date}），会改变已支付的金额",
                f"settles before the settled encounter {past.claim.encounter_id} "
                f"({past.claim.event_date}), which would change what was already paid",
            )
        _check_stored(_adjudicate(past.claim, book, year), past)
    before = Trackers.of(year)
    result = _adjudicate(claim, book, year)
    scheme = book.at(claim.event_date)
    return DeskResult(result, before, Trackers.of(year), explain(claim, result, scheme, before))


def _adjudicate(claim: ClaimInput, book: SchemeBook, year: PersonYear) -> ClaimResult:
    try:
        return adjudicate_next(claim, book, year)
    except ClaimError as e:
        raise invalid(e.encounter_id, e.column, e.zh, e.en) from None


def _check_same_year(past: ClaimInput, claim: ClaimInput) -> None:
    if past.person_id != claim.person_id or past.event_date.year != claim.event_date.year:
        raise invalid(
            past.encounter_id,
            "person_id",
            f"不是居民 {claim.person_id} {claim.event_date.year} 年度的已结算就诊",
            f"not a settled claim of person {claim.person_id} in {claim.event_date.year}",
        )


def _check_stored(again: ClaimResult, past: SettledClaim) -> None:
    """A settled claim recomputed must be what was paid, or the year cannot carry on."""
    for column in SPLIT_COLUMNS:
        stored, now = past.split[column], getattr(again, column)
        if stored != now:
            eid = past.claim.encounter_id
            raise Conflict(
                f"已结算就诊 {eid} 的 {column} 记为 {yuan(stored)} 元，按现行待遇方案应为 "
                f"{yuan(now)} 元：年度累计无法接续，请先核对结算记录",
                f"settled encounter {eid} has {column} {yuan(stored)} yuan stored but "
                f"{yuan(now)} yuan under the scheme in force: the year's trackers cannot carry "
                "on; reconcile the settled claims first",
            )


def explain(claim: ClaimInput, r: ClaimResult, s: Scheme, before: Trackers) -> tuple[str, ...]:
    """The rules behind the split, one bilingual line per step (amounts in yuan)."""
    care = f"{LEVEL_ZH[claim.level]}{CARE_ZH[claim.care_type]}"
    lines = []
    if s.covers(claim.care_type, claim.level):
        lines.append(
            f"政策范围内费用 {yuan(r.eligible_fen)} 元 = 总费用 {yuan(claim.cost_total_fen)} 元"
            f" − 政策范围外 {yuan(claim.out_of_scope_fen)} 元 / eligible {yuan(r.eligible_fen)}"
            f" = total {yuan(claim.cost_total_fen)} − out of scope {yuan(claim.out_of_scope_fen)}"
        )
    else:
        lines.append(
            f"{care}不在待遇范围内，政策范围内费用为 0 / {claim.care_type} at level "
            f"{claim.level} is outside the scheme: nothing is eligible"
        )
    if claim.care_type == "inpatient" and r.admission_no:
        # a stay that did not add to the year's admissions continued an earlier one
        continued = r.admission_no <= before.admissions
        lines.append(
            f"住院起付线 {yuan(r.deductible_fen)} 元（本年第 {r.admission_no} 次住院"
            + ("，医共体内转诊连续计算" if continued else "")
            + f"） / admission deductible {yuan(r.deductible_fen)} (stay {r.admission_no} of "
            + ("the year, continued across an in-community referral)" if continued else "the year)")
        )
    elif r.eligible_fen:
        lines.append(
            f"门诊统筹年度起付线：本次 {yuan(r.deductible_fen)} 元，此前已付 "
            f"{yuan(before.outpatient_deductible_fen)} 元（共 {yuan(s.outpatient_deductible_fen)}"
            f" 元） / annual outpatient deductible: {yuan(r.deductible_fen)} now, "
            f"{yuan(before.outpatient_deductible_fen)} before (of "
            f"{yuan(s.outpatient_deductible_fen)})"
        )
    lines.append(
        f"统筹基金 {yuan(r.fund_fen)} 元：({yuan(r.eligible_fen)} − {yuan(r.deductible_fen)})"
        f" × {r.ratio * 100:.2f}%，以各限额为限，年度累计 {yuan(r.cum_fund_fen)} 元（限额 "
        f"{yuan(s.annual_cap_fen)} 元） / basic fund {yuan(r.fund_fen)}: (eligible − "
        f"deductible) × ratio, held to the caps; year to date {yuan(r.cum_fund_fen)} of "
        f"{yuan(s.annual_cap_fen)}"
    )
    lines.append(
        f"大病保险 {yuan(r.critical_fen)} 元：年度累计政策范围内自付 {yuan(r.cum_oop_fen)} 元，"
        f"起付线 {yuan(s.critical_deductible_fen)} 元 / critical illness {yuan(r.critical_fen)}"
        f": year-to-date eligible out-of-pocket {yuan(r.cum_oop_fen)}, deductible "
        f"{yuan(s.critical_deductible_fen)}"
    )
    if r.assistance_fen or s.assistance_group(claim.groups) is not None:
        lines.append(
            f"医疗救助 {yuan(r.assistance_fen)} 元，年度累计 {yuan(r.cum_assistance_fen)} 元 / "
            f"medical assistance {yuan(r.assistance_fen)}, year to date "
            f"{yuan(r.cum_assistance_fen)}"
        )
    lines.append(
        f"个人负担 {yuan(r.patient_fen)} 元 = 总费用 − 统筹基金 − 大病保险 − 医疗救助 / "
        f"patient pays {yuan(r.patient_fen)} = total − fund − critical − assistance"
    )
    return tuple(lines)
