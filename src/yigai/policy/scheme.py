"""The urban–rural resident scheme (城乡居民基本医疗保险) as typed values in force on a date.

A :class:`Scheme` gathers one region's dated parameters (see :mod:`yigai.policy.params`) into
the numbers adjudication needs. Parameter names a region folder must provide:

============================================  =======  ===========================================
name                                          unit     meaning
============================================  =======  ===========================================
``inpatient.deductible``                      yuan     住院起付线 per admission, by policy level
``inpatient.deductible_repeat`` (optional)    yuan     起付线 for the 2nd+ admission of the year
``inpatient.ratio``                           ratio    住院报销比例 by level
``inpatient.referral_episode_days`` (opt.)    count    同一次住院 window: a referred admission
                                                       continues a stay that ended at most this
                                                       many days before it (default 1)
``inpatient.referral_top_up_from_paid`` (opt.)  bool   补足起付线 reading: true — the stay's
                                                       standard minus the deductible actually
                                                       paid in it; false (default) — the
                                                       difference of the standards
``outpatient.deductible``                     yuan     门诊统筹年度起付线 (annual)
``outpatient.ratio``                          ratio    门诊统筹报销比例 by level
``outpatient.annual_cap``                     yuan     门诊统筹年度最高支付限额
``annual_cap``                                yuan     统筹基金年度最高支付限额 (all care)
``out_of_county.unreferred_ratio_cut``        ratio    未经转诊县外就医 ratio reduction (points)
``critical_illness.deductible``               yuan     大病保险年度起付线
``critical_illness.rates``                    ratio    大病保险 tiers (brackets; thresholds in yuan
                                                       above the deductible)
``critical_illness.annual_cap``               yuan     大病保险年度最高支付限额
``assistance.ratio`` (optional)               ratio    医疗救助比例 by population group
``assistance.annual_cap`` (optional)          yuan     医疗救助年度限额 by population group
``drugs.primary_zero_markup``                 bool     基本药物零差率 at primary institutions
============================================  =======  ===========================================

Policy levels are :data:`LEVELS`: the five :class:`~yigai.orgs.model.PolicyLevel` values plus
``out_of_county`` (an institution of another county). **Policy scope by level**: the inpatient
ratio and deductible tables must name every level (a region that left one out would pay
nothing there without a word, so loading refuses it); the levels the outpatient ratio table
names are the scope of outpatient pooling (门诊统筹, primary institutions) — an outpatient
claim at another level has nothing eligible, by design. Assistance groups must be population
groups residents carry (:data:`yigai.records.schemas.POPULATION_GROUPS`), else loading
refuses them.

``drugs.primary_zero_markup`` does not enter adjudication: drug prices arrive already priced.
It tells the synthetic generator to price drugs at primary institutions at cost and the
indicator layer that 药品加成 there is zero; it is here so that the date it began is cited.

Annual amounts (deductible of outpatient pooling, caps, critical-illness deductible, tiers
and cap, assistance ratios and caps) accumulate per person per calendar year, so they may change only
on 1 January: :func:`schemes_for_year` rejects a mid-year change with a bilingual error.
Per-claim values (ratios, per-admission deductibles) may change on any date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yigai.orgs.model import PolicyLevel
from yigai.params import ParameterError
from yigai.policy.money import share
from yigai.policy.params import Bracket, ParameterTree, Values, load

OUT_OF_COUNTY = "out_of_county"
LEVELS: tuple[str, ...] = (*(level.value for level in PolicyLevel), OUT_OF_COUNTY)
LEVEL_ZH = {
    "village": "村级",
    "township": "乡镇级",
    "county": "县级",
    "city": "市级",
    "province": "省级",
    OUT_OF_COUNTY: "县外",
}
CARE_TYPES = ("outpatient", "emergency", "inpatient")

#: Parameters that accumulate over the year and so may only change on 1 January.
ANNUAL = (
    "outpatient.deductible",
    "outpatient.annual_cap",
    "annual_cap",
    "critical_illness.deductible",
    "critical_illness.rates",
    "critical_illness.annual_cap",
    "assistance.ratio",  # the most generous group must not change within a person-year
    "assistance.annual_cap",
)
_BY_LEVEL = (
    "inpatient.deductible",
    "inpatient.deductible_repeat",
    "inpatient.ratio",
    "outpatient.ratio",
)


@dataclass(frozen=True)
class Scheme:
    """One region's resident scheme in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    region: str
    version: str
    valid_from: dt.date
    valid_to: dt.date
    inpatient_deductible_fen: Mapping[str, int]
    inpatient_repeat_deductible_fen: Mapping[str, int]
    inpatient_ratio: Mapping[str, Decimal]
    outpatient_deductible_fen: int
    outpatient_ratio: Mapping[str, Decimal]
    outpatient_cap_fen: int
    annual_cap_fen: int
    unreferred_ratio_cut: Decimal
    critical_deductible_fen: int
    critical_brackets: tuple[Bracket, ...]
    critical_cap_fen: int
    assistance_ratio: Mapping[str, Decimal]
    assistance_cap_fen: Mapping[str, int]
    primary_zero_markup: bool
    #: 同一次住院: days between the earlier stay's discharge and the referred admission
    #: (0 = the same day) within which the admission continues that stay.
    referral_episode_days: int = 1
    #: 补足起付线: top up from what the stay actually paid (True) or from the standards (False).
    referral_top_up_from_paid: bool = False

    def covers(self, care_type: str, level: str) -> bool:
        """Is this level inside the scheme's policy scope for this care type?"""
        table = self.inpatient_ratio if care_type == "inpatient" else self.outpatient_ratio
        return level in table

    def ratio(self, care_type: str, level: str, *, in_county: bool, referred: bool) -> Decimal:
        """报销比例: the level's ratio, less the cut for out-of-county care without referral."""
        table = self.inpatient_ratio if care_type == "inpatient" else self.outpatient_ratio
        base = table.get(level, Decimal(0))
        if not in_county and not referred:
            return max(Decimal(0), base - self.unreferred_ratio_cut)
        return base

    def admission_deductible(self, level: str, ordinal: int) -> int:
        """起付线 of the ``ordinal``-th admission of the year (1 = first) at ``level``."""
        if ordinal > 1 and level in self.inpatient_repeat_deductible_fen:
            return self.inpatient_repeat_deductible_fen[level]
        return self.inpatient_deductible_fen.get(level, 0)

    def assistance_group(self, groups: Iterable[str]) -> str | None:
        """The population group whose assistance is most generous (ratio, then cap, then name)."""
        eligible = [g for g in groups if g in self.assistance_ratio]
        if not eligible:
            return None
        return max(
            eligible, key=lambda g: (self.assistance_ratio[g], self.assistance_cap_fen.get(g, 0), g)
        )

    def critical_payable(self, cumulative_oop_fen: int) -> int:
        """大病保险 due on a year's cumulative eligible out-of-pocket: each tier's share rounded
        half up to the fen, summed, then held to the annual critical-illness cap."""
        base = max(0, cumulative_oop_fen - self.critical_deductible_fen)
        total = 0
        for index, bracket in enumerate(self.critical_brackets):
            upper = (
                self.critical_brackets[index + 1].threshold_fen
                if index + 1 < len(self.critical_brackets)
                else None
            )
            if base <= bracket.threshold_fen:
                break
            top = base if upper is None else min(base, upper)
            total += share(top - bracket.threshold_fen, bracket.rate)
        return min(total, self.critical_cap_fen)


def _by_level(values: Values, name: str, tree: ParameterTree, required: bool = True) -> dict:
    table = values.get(name) if not required else values[name]
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ParameterError(
            tree[name].file, name, "应为按级别的映射", "must be a mapping by level"
        )
    for level in table:
        if level not in LEVELS:
            raise ParameterError(
                tree[name].file,
                f"{name}.{level}",
                f"未知的级别（可选：{', '.join(LEVELS)}）",
                f"unknown level (one of {', '.join(LEVELS)})",
            )
    return dict(table)


def _scalar(values: Values, name: str, tree: ParameterTree) -> object:
    value = values[name]
    if isinstance(value, dict | tuple):
        raise ParameterError(tree[name].file, name, "应为单个值", "must be a single value")
    return value


def _version(tree: ParameterTree, on: dt.date) -> str:
    past = [d for d in tree.change_dates() if d <= on]
    return f"{tree.region}@{max(past).isoformat() if past else 'none'}"


def _build(tree: ParameterTree, on: dt.date, valid_to: dt.date) -> Scheme:
    v = tree.at(on)
    brackets = v["critical_illness.rates"]
    if not isinstance(brackets, tuple):
        raise ParameterError(
            tree["critical_illness.rates"].file,
            "critical_illness.rates",
            "应为 brackets",
            "must be brackets",
        )
    groups_ratio = v.get("assistance.ratio") or {}
    groups_cap = v.get("assistance.annual_cap") or {}
    _check_groups(tree, groups_ratio, groups_cap)
    _check_inpatient_levels(tree, v)
    for group in groups_ratio:
        if group not in groups_cap:
            raise ParameterError(
                tree["assistance.annual_cap"].file
                if "assistance.annual_cap" in tree
                else tree.folder,
                f"assistance.annual_cap.{group}",
                "救助比例有该人群而限额没有",
                "group has an assistance ratio but no cap",
            )
    return Scheme(
        region=tree.region,
        version=_version(tree, on),
        valid_from=on,
        valid_to=valid_to,
        inpatient_deductible_fen=_by_level(v, "inpatient.deductible", tree),
        inpatient_repeat_deductible_fen=_by_level(v, "inpatient.deductible_repeat", tree, False),
        inpatient_ratio=_by_level(v, "inpatient.ratio", tree),
        outpatient_deductible_fen=int(_scalar(v, "outpatient.deductible", tree)),  # type: ignore[arg-type]
        outpatient_ratio=_by_level(v, "outpatient.ratio", tree),
        outpatient_cap_fen=int(_scalar(v, "outpatient.annual_cap", tree)),  # type: ignore[arg-type]
        annual_cap_fen=int(_scalar(v, "annual_cap", tree)),  # type: ignore[arg-type]
        unreferred_ratio_cut=Decimal(_scalar(v, "out_of_county.unreferred_ratio_cut", tree)),  # type: ignore[arg-type]
        critical_deductible_fen=int(_scalar(v, "critical_illness.deductible", tree)),  # type: ignore[arg-type]
        critical_brackets=brackets,
        critical_cap_fen=int(_scalar(v, "critical_illness.annual_cap", tree)),  # type: ignore[arg-type]
        assistance_ratio=dict(groups_ratio),
        assistance_cap_fen=dict(groups_cap),
        primary_zero_markup=bool(_scalar(v, "drugs.primary_zero_markup", tree)),
        referral_episode_days=_days(v, "inpatient.referral_episode_days", tree, default=1),
        referral_top_up_from_paid=_flag(v, "inpatient.referral_top_up_from_paid", tree),
    )


def _flag(values: Values, name: str, tree: ParameterTree) -> bool:
    """An optional yes/no parameter, false when the region has none."""
    if values.get(name) is None:
        return False
    flag = _scalar(values, name, tree)
    if not isinstance(flag, bool):
        raise ParameterError(tree[name].file, name, "应为 true 或 false", "must be true or false")
    return flag


def _check_groups(tree: ParameterTree, *tables: Mapping[str, object]) -> None:
    """An assistance group must be a population group residents carry (``grp_<code>``): a
    misspelt one would match no resident and silently pay no assistance."""
    # imported here: the record schemas import this module (claims' levels and care types)
    from yigai.records.schemas import POPULATION_GROUPS

    known = [code for code, _, _ in POPULATION_GROUPS]
    for name, table in zip(("assistance.ratio", "assistance.annual_cap"), tables, strict=True):
        for group in table:
            if group not in known:
                raise ParameterError(
                    tree[name].file,
                    f"{name}.{group}",
                    f"未知的人群（可选：{', '.join(known)}）",
                    f"unknown population group (one of {', '.join(known)})",
                )


def _check_inpatient_levels(tree: ParameterTree, v: Values) -> None:
    """Every level's stays are in the inpatient scheme: the inpatient ratio and deductible
    tables must name every level (a missing one would silently pay nothing, or charge no
    deductible). The outpatient ratio table is different: the levels it names are the scope
    of outpatient pooling (门诊统筹, at primary institutions) by design."""
    for name in ("inpatient.ratio", "inpatient.deductible"):
        missing = [level for level in LEVELS if level not in (v.get(name) or {})]
        if missing:
            raise ParameterError(
                tree[name].file,
                f"{name}.{missing[0]}",
                f"缺少级别 {', '.join(missing)}（住院按级别的表须列出每个级别）",
                f"levels missing: {', '.join(missing)} (inpatient tables list every level)",
            )


def _days(values: Values, name: str, tree: ParameterTree, *, default: int) -> int:
    """An optional whole number of days (unit ``count``: the loader refuses fractions and
    negatives), ``default`` when the region has none."""
    return default if values.get(name) is None else int(_scalar(values, name, tree))  # type: ignore[arg-type]


def schemes_for_year(region: str, year: int, *, root: Path | None = None) -> list[Scheme]:
    """The schemes in force during ``year``, one per stretch between change dates, in order."""
    tree = load(region, root=root)
    for name in ANNUAL:
        if name in tree:
            for day in tree.change_dates(name):
                if (day.month, day.day) != (1, 1):
                    raise ParameterError(
                        tree[name].file,
                        f"{name}.{day.isoformat()}",
                        "年度累计的金额只能在 1 月 1 日调整",
                        "an amount accumulated over the year may only change on 1 January",
                    )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    starts = [first, *[d for d in tree.change_dates() if first < d <= last]]
    ends = [*[d - dt.timedelta(days=1) for d in starts[1:]], last]
    return [_build(tree, start, end) for start, end in zip(starts, ends, strict=True)]


class SchemeBook:
    """The schemes of one region by date, built a year at a time (annual rule checked)."""

    def __init__(self, region: str, *, root: Path | None = None) -> None:
        self.region, self.root = region, root
        self._years: dict[int, list[Scheme]] = {}

    def year(self, year: int) -> list[Scheme]:
        if year not in self._years:
            self._years[year] = schemes_for_year(self.region, year, root=self.root)
        return self._years[year]

    def at(self, on: dt.date) -> Scheme:
        """The scheme in force on ``on``."""
        for scheme in self.year(on.year):
            if scheme.valid_from <= on <= scheme.valid_to:
                return scheme
        raise AssertionError(f"no scheme segment covers {on}")  # segments tile the year
