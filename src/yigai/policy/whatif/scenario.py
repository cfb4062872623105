"""Care-seeking scenarios (就医流向情景): move a share of encounters between levels.

``--shift inpatient:out_of_county->county=0.10`` moves 10% of the year's inpatient
encounters settled at the level ``out_of_county`` to the county level inside the home
county (e.g. admissions that return to the county hospital). Working definitions (yigai's,
stated so they can be corrected):

- **Which encounters**: of the encounters of that care type at the source level, the share
  rounded half up to whole encounters, those first by SHA-256 of their encounter id: the
  same choice at every run, spread over persons, days and institutions.
- **Cost**: the destination's observed cost per case: the mean total cost and the mean
  out-of-scope cost of the year's encounters of that care type at the destination level
  (inside the county for village, township and county levels), each rounded half up to the
  fen. A destination with no observed case is an error.
- **Where**: the destination level's institution with the most such encounters (ties: the
  smallest id), inside the county for a local level; the moved encounter continues no
  earlier stay (its referral link is dropped: it is a new admission where it now happens).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from yigai.policy.scheme import CARE_TYPES, LEVELS
from yigai.policy.whatif.reform import ReformError

#: Levels inside the home county (an encounter moved to one of them is in-county).
LOCAL_LEVELS = ("village", "township", "county")


@dataclass(frozen=True)
class Shift:
    """Move ``share`` of ``care_type`` encounters at level ``source`` to level ``target``."""

    care_type: str
    source: str
    target: str
    share: Decimal

    def __str__(self) -> str:
        return f"{self.care_type}:{self.source}->{self.target}={self.share}"


def parse_shift(text: str) -> Shift:
    """``care_type:source->target=share`` (share a number in [0, 1])."""
    form = ("应写成 就诊类型:原级别->新级别=比例", "must be written care_type:source->target=share")
    head, _, share_text = text.partition("=")
    care, _, levels = head.partition(":")
    source, _, target = levels.partition("->")
    care, source, target = care.strip(), source.strip(), target.strip()
    if not (share_text and care and source and target):
        raise ReformError(f"--shift {text!r} {form[0]}", f"--shift {text!r} {form[1]}")
    if care not in CARE_TYPES:
        raise ReformError(
            f"--shift {text!r}：未知就诊类型 {care}（可用：{'、'.join(CARE_TYPES)}）",
            f"--shift {text!r}: unknown care type {care} (known: {', '.join(CARE_TYPES)})",
        )
    for level in (source, target):
        if level not in LEVELS:
            raise ReformError(
                f"--shift {text!r}：未知级别 {level}（可用：{'、'.join(LEVELS)}）",
                f"--shift {text!r}: unknown level {level} (known: {', '.join(LEVELS)})",
            )
    try:
        share = Decimal(share_text.strip())
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not 0 <= share <= 1:
        raise ReformError(
            f"--shift {text!r}：比例应为 0 到 1 之间的数", f"--shift {text!r}: share must be 0 to 1"
        )
    return Shift(care, source, target, share)


def mover(shifts: Sequence[Shift], moved: list[str]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The ``adjust`` of :func:`yigai.policy.settle.settle_claims_explained` that applies
    ``shifts`` in turn; the moved encounter ids are appended to ``moved``."""

    def adjust(enc: pd.DataFrame) -> pd.DataFrame:
        out = enc.copy()
        for shift in shifts:
            rows = _chosen(out, shift)
            _move(out, rows, shift)
            moved.extend(out.loc[rows, "encounter_id"].tolist())
        return out

    return adjust


def _chosen(enc: pd.DataFrame, shift: Shift) -> pd.Index:
    """The encounters ``shift`` moves (module docstring: which encounters)."""
    pool = enc[(enc["care_type"] == shift.care_type) & (enc["level"] == shift.source)]
    count = int((shift.share * len(pool)).to_integral_value(rounding=ROUND_HALF_UP))
    keys = pool["encounter_id"].map(lambda e: hashlib.sha256(str(e).encode()).hexdigest())
    return keys.sort_values(kind="stable").index[:count]


def _move(enc: pd.DataFrame, rows: pd.Index, shift: Shift) -> None:
    if not len(rows):
        return
    local = shift.target in LOCAL_LEVELS
    seen = enc[
        (enc["care_type"] == shift.care_type)
        & (enc["level"] == shift.target)
        & (enc["in_county"] == local)
    ]
    if seen.empty:
        raise ReformError(
            f"--shift {shift}：本年没有 {shift.target} 级 {shift.care_type} 就诊，无法取得次均费用",
            f"--shift {shift}: no {shift.care_type} encounters at level {shift.target} this "
            "year to take the cost per case from",
        )
    counts = seen.groupby("institution_id").size()
    institution = sorted(counts[counts == counts.max()].index)[0]
    enc.loc[rows, "level"] = shift.target
    enc.loc[rows, "in_county"] = local
    enc.loc[rows, "institution_id"] = institution
    enc.loc[rows, "cost_total_fen"] = _mean_fen(seen["cost_total_fen"])
    enc.loc[rows, "out_of_scope_fen"] = _mean_fen(seen["out_of_scope_fen"])
    enc.loc[rows, "referred_from"] = None
    enc.loc[rows, "referral_in_community"] = False


def _mean_fen(amounts: pd.Series) -> int:
    """The mean of integer fen, rounded half up to the fen (exact integer arithmetic)."""
    total, n = int(amounts.sum()), len(amounts)
    return (2 * total + n) // (2 * n)
