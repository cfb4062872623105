"""Claim adjudication (医保结算), scalar reference: one person's claims, one claim at a time.

This is the readable statement of the rule; :mod:`yigai.policy.vectorised` must
equal it to the fen on every claim. For each claim, in claim order (event date, then
encounter id; on one day the source of a referral before its target, :func:`settling_order`),
within the person's calendar year:

1. **政策范围内费用** eligible = total − out-of-policy-scope items; 0 at a level outside the
   scheme's scope for the care type (:meth:`Scheme.covers`).
2. **起付线** deductible: inpatient — per admission, by level, the lower 2nd+-admission
   deductible where the scheme has one; an admission continuing an in-community referral
   owes only the rest (:mod:`yigai.policy.referral_deductible`). A stay with no eligible
   cost (total 0, or wholly out of scope) is not counted as an admission: it pays no
   deductible, does not make the next stay the year's 2nd (the lower later-admission
   deductible spares a patient who has already borne one this year, and this one bore
   none) and no stay continues it. Outpatient/emergency — the
   annual outpatient-pooling deductible, consumed cumulatively. Never more than eligible.
3. **统筹基金** fund = (eligible − deductible) × ratio(care type, level; less the cut for
   out-of-county care without referral), rounded half up; then outpatient claims are held to
   the outpatient-pooling annual cap and every claim to the annual cap (年度最高支付限额),
   both cumulative: a claim gets at most what is left under each cap.
4. **大病保险** critical: the year's cumulative eligible out-of-pocket (eligible − fund) above
   the critical-illness deductible, paid by tiers, each tier's share rounded half up, capped
   at the annual critical cap; a claim gets the increase of that amount over the previous
   claim's. (So a year's total critical payment is exactly the tier formula of the year's
   cumulative out-of-pocket, whatever the claim order.)
5. **医疗救助** assistance: for a person in an assistance group (the most generous one if
   several), (eligible − fund − critical) × the group's ratio, rounded half up, held to the
   group's annual cap cumulatively.
6. **个人负担** patient = total − fund − critical − assistance (includes out-of-scope items).

Rounding: every ratio multiplication rounds half up to the fen (:func:`yigai.policy.money.share`);
caps and cumulative differences are exact integer arithmetic. Hence, per claim,
``fund + critical + assistance + patient == total`` and nothing is negative.

A person's population groups are a property of the person: all claims of a person-year must
carry the same groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from yigai.policy.money import share
from yigai.policy.referral_deductible import continued_deductible, sources_first
from yigai.policy.scheme import CARE_TYPES, LEVELS, Scheme, SchemeBook


class ClaimError(ValueError):
    """A claim that cannot be adjudicated; names the encounter and the column."""

    def __init__(self, encounter_id: str, column: str, zh: str, en: str) -> None:
        self.encounter_id, self.column, self.zh, self.en = encounter_id, column, zh, en
        super().__init__(
            f"就诊 {encounter_id} 字段 {column}：{zh} / encounter {encounter_id}, column {column}: {en}"
        )


@dataclass(frozen=True)
class ClaimInput:
    """One claim to adjudicate (an encounter with its person's groups and referral links)."""

    encounter_id: str
    person_id: str
    event_date: dt.date
    care_type: str  # outpatient | emergency | inpatient
    level: str  # policy level, or "out_of_county"
    in_county: bool
    cost_total_fen: int
    out_of_scope_fen: int = 0
    referred: bool = False  # came with a referral (转诊) — spares the out-of-county cut
    referred_from: str | None = None  # encounter referred from (continues that stay)
    referral_in_community: bool = False  # both ends in the same community on the day
    groups: frozenset[str] = field(default_factory=frozenset)

    def validate(self) -> None:
        if self.care_type not in CARE_TYPES:
            raise ClaimError(
                self.encounter_id,
                "care_type",
                f"未知就诊类型 {self.care_type!r}",
                f"unknown care type {self.care_type!r}",
            )
        if self.level not in LEVELS:
            raise ClaimError(
                self.encounter_id,
                "level",
                f"未知级别 {self.level!r}",
                f"unknown level {self.level!r}",
            )
        for column in ("cost_total_fen", "out_of_scope_fen"):
            if getattr(self, column) < 0:
                raise ClaimError(
                    self.encounter_id, column, "费用不能为负", "costs must not be negative"
                )
        if self.out_of_scope_fen > self.cost_total_fen:
            raise ClaimError(
                self.encounter_id,
                "out_of_scope_fen",
                "政策范围外费用大于总费用",
                "out-of-scope cost exceeds total",
            )


@dataclass(frozen=True)
class ClaimResult:
    """The adjudicated split of one claim, with the person-year trackers after it."""

    encounter_id: str
    person_id: str
    event_date: dt.date
    scheme_version: str
    cost_total_fen: int
    eligible_fen: int
    deductible_fen: int
    ratio: Decimal
    fund_fen: int
    critical_fen: int
    assistance_fen: int
    patient_fen: int
    admission_no: int  # ordinal of the stay in the year (0 for outpatient)
    cum_fund_fen: int
    cum_outpatient_fund_fen: int
    cum_oop_fen: int  # cumulative eligible out-of-pocket (the critical-illness base)
    cum_critical_fen: int
    cum_assistance_fen: int


#: The split of a claim (理赔分解), the columns both implementations must agree on to the fen.
SPLIT_COLUMNS = (
    "eligible_fen",
    "deductible_fen",
    "fund_fen",
    "critical_fen",
    "assistance_fen",
    "patient_fen",
)


def claim_order(claim: ClaimInput) -> tuple[dt.date, str]:
    """Claims are settled by event date, then encounter id (but see :func:`settling_order`)."""
    return claim.event_date, claim.encounter_id


def settling_order(claims: Iterable[ClaimInput]) -> list[ClaimInput]:
    """One person's claims in claim order: by event date, then encounter id, except that on
    one day a claim comes after the inpatient claim it was referred from
    (:func:`yigai.policy.referral_deductible.sources_first`): a same-day up-referral whose
    source id sorts later still continues its source's stay."""
    out: list[ClaimInput] = []
    for _, same_day in groupby(sorted(claims, key=claim_order), key=lambda c: c.event_date):
        run = list(same_day)
        if len(run) > 1:
            stays = {c.encounter_id for c in run if c.care_type == "inpatient"}
            sources = [c.referred_from if c.referred_from in stays else None for c in run]
            run = [run[i] for i in sources_first([c.encounter_id for c in run], sources)]
        out.extend(run)
    return out


@dataclass
class PersonYear:
    """Running totals (trackers) of one person-year: what the rules carry from one claim to
    the next. The batch paths and settlement at discharge (:mod:`yigai.policy.discharge`)
    both advance it through :func:`adjudicate_next`."""

    admissions: int = 0
    outpatient_deductible: int = 0
    outpatient_fund: int = 0
    fund: int = 0
    oop: int = 0
    critical: int = 0
    assistance: int = 0
    groups: frozenset[str] | None = None
    # inpatient claims seen: encounter id → stay root id; stay root → [ordinal, highest
    # nominal deductible, deductible paid] of the stay
    stay_of: dict[str, str] = field(default_factory=dict)
    stays: dict[str, list[int]] = field(default_factory=dict)


def adjudicate_person(
    claims: Iterable[ClaimInput], scheme: Scheme | SchemeBook
) -> list[ClaimResult]:
    """Adjudicate one person's claims (any order in; results in claim order)."""
    ordered = settling_order(_unique(claims))
    results: list[ClaimResult] = []
    years: dict[int, PersonYear] = {}
    person = ordered[0].person_id if ordered else None
    for claim in ordered:
        if claim.person_id != person:
            raise ClaimError(
                claim.encounter_id,
                "person_id",
                "不是同一个人的就诊",
                "claims of more than one person",
            )
        year = years.setdefault(claim.event_date.year, PersonYear())
        results.append(adjudicate_next(claim, scheme, year))
    return results


def adjudicate_next(
    claim: ClaimInput, scheme: Scheme | SchemeBook, year: PersonYear
) -> ClaimResult:
    """Adjudicate the next claim (in claim order) of the person-year whose trackers are
    ``year``, and advance them. The caller keeps one :class:`PersonYear` per person-year."""
    claim.validate()
    s = scheme if isinstance(scheme, Scheme) else scheme.at(claim.event_date)
    if year.groups is None:
        year.groups = claim.groups
    elif year.groups != claim.groups:
        raise ClaimError(
            claim.encounter_id,
            "groups",
            "同一年度内人群分类不一致",
            "groups differ within the person-year",
        )
    return _adjudicate_claim(claim, s, year)


def _adjudicate_claim(claim: ClaimInput, s: Scheme, year: PersonYear) -> ClaimResult:
    inpatient = claim.care_type == "inpatient"
    covered = s.covers(claim.care_type, claim.level)
    eligible = claim.cost_total_fen - claim.out_of_scope_fen if covered else 0

    # 起付线
    deductible, admission_no = 0, 0
    if covered and inpatient and eligible > 0:  # a stay with nothing eligible is no admission
        deductible, admission_no = _admission_deductible(claim, s, year, eligible)
    elif covered:
        left = max(0, s.outpatient_deductible_fen - year.outpatient_deductible)
        deductible = min(eligible, left)
        year.outpatient_deductible += deductible

    # 统筹基金
    ratio = s.ratio(
        claim.care_type, claim.level, in_county=claim.in_county, referred=claim.referred
    )
    fund = share(eligible - deductible, ratio) if covered else 0
    if not inpatient:
        fund = min(fund, max(0, s.outpatient_cap_fen - year.outpatient_fund))
        year.outpatient_fund += fund
    fund = min(fund, max(0, s.annual_cap_fen - year.fund))
    year.fund += fund

    # 大病保险
    year.oop += eligible - fund
    critical_total = s.critical_payable(year.oop)
    critical = critical_total - year.critical
    year.critical = critical_total

    # 医疗救助
    assistance = 0
    group = s.assistance_group(claim.groups)
    if group is not None:
        assistance = share(eligible - fund - critical, s.assistance_ratio[group])
        assistance = min(assistance, max(0, s.assistance_cap_fen[group] - year.assistance))
        year.assistance += assistance

    return ClaimResult(
        encounter_id=claim.encounter_id,
        person_id=claim.person_id,
        event_date=claim.event_date,
        scheme_version=s.version,
        cost_total_fen=claim.cost_total_fen,
        eligible_fen=eligible,
        deductible_fen=deductible,
        ratio=ratio if covered else Decimal(0),
        fund_fen=fund,
        critical_fen=critical,
        assistance_fen=assistance,
        patient_fen=claim.cost_total_fen - fund - critical - assistance,
        admission_no=admission_no,
        cum_fund_fen=year.fund,
        cum_outpatient_fund_fen=year.outpatient_fund,
        cum_oop_fen=year.oop,
        cum_critical_fen=year.critical,
        cum_assistance_fen=year.assistance,
    )


def _admission_deductible(
    claim: ClaimInput, s: Scheme, year: PersonYear, eligible: int
) -> tuple[int, int]:
    """起付线 of a covered admission and its ordinal in the year; advances the stays."""
    root = year.stay_of.get(claim.referred_from or "") if claim.referral_in_community else None
    if root is None:  # a new stay
        year.admissions += 1
        root = claim.encounter_id
        nominal = s.admission_deductible(claim.level, year.admissions)
        year.stays[root] = [year.admissions, nominal, 0]
        owed = nominal
    else:  # continues an in-community stay (:mod:`yigai.policy.referral_deductible`)
        ordinal, stay_max, paid = year.stays[root]
        nominal = s.admission_deductible(claim.level, ordinal)
        as_new = s.admission_deductible(claim.level, year.admissions + 1)
        counted = paid if s.referral_top_up_from_paid else stay_max
        owed = continued_deductible(nominal, counted, as_new)
        year.stays[root][1] = max(stay_max, nominal)
    year.stay_of[claim.encounter_id] = root
    deductible = min(eligible, owed)
    year.stays[root][2] += deductible
    return deductible, year.stays[root][0]


def _unique(claims: Iterable[ClaimInput]) -> list[ClaimInput]:
    """The claims, refusing an encounter id given twice (on any day, of anyone): one
    encounter is settled once."""
    out, seen = list(claims), set()
    for claim in out:
        if claim.encounter_id in seen:
            raise ClaimError(
                claim.encounter_id, "encounter_id", "就诊流水号重复", "duplicate encounter ids"
            )
        seen.add(claim.encounter_id)
    return out


def adjudicate(claims: Iterable[ClaimInput], scheme: Scheme | SchemeBook) -> list[ClaimResult]:
    """Adjudicate claims of many people, person by person (results grouped by person)."""
    by_person: dict[str, list[ClaimInput]] = {}
    for claim in _unique(claims):
        by_person.setdefault(claim.person_id, []).append(claim)
    out: list[ClaimResult] = []
    for person in sorted(by_person):
        out.extend(adjudicate_person(by_person[person], scheme))
    return out
