"""考核预留与返还: a share of each community's budget withheld, released by its assessment score.

Source: 《湛江市加强紧密型县域医疗卫生共同体建设实施方案》二（四）(seed 002): the county
assesses its communities and links the results to insurance payment and to the approved
performance-pay total (评价结果与医保支付、绩效工资总量核定等挂钩). The seed sets the link,
not its figures, so the shipped figures are 示范参数 (demo values) a bureau replaces.

Rule (dated parameters in force on 1 January of the year; yigai working definition):

- ``payment.assessment_withhold_share`` (ratio): the share of the community's budget withheld
  during the year (考核预留). Not in force: nothing is withheld and nothing below applies.
- ``payment.assessment_release`` (ratio by minimum score, ``{"90": 1, "80": 0.9, …}``): the
  share of the withheld amount released at year-end for a total score at or above each
  minimum — the highest minimum the score reaches applies. Required when a share is withheld.
- **Withheld** = ``fen(budget × share)``; **released** = ``fen(withheld × rate)``; the rest
  stays with the fund (**forfeited**). Rounded half up to the fen, once each.
- **Score**: the community's total in the annual assessment (``yigai assess community_2020
  <year>``, its ``assessment_totals``), read as written — never recomputed here. A community
  with no score, or a provisional one (an input missing, scored 0 for now), is **pending**
  (待考核): its withheld amount is neither released nor forfeited yet.
- ``payment.staff_reward_share`` (ratio, optional — "where the plan sets one"): the share of
  the surplus the community keeps (结余留用) that goes to the staff-reward pool (绩效奖励).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from yigai.policy.dip._common import fen
from yigai.policy.params import parameters

WITHHOLD_SHARE = "payment.assessment_withhold_share"
RELEASE_RULE = "payment.assessment_release"
STAFF_REWARD_SHARE = "payment.staff_reward_share"


class ReleaseInputError(ValueError):
    """A release rule or score file that cannot be used; Chinese first, then English."""


@dataclass(frozen=True)
class ReleaseRule:
    """The withheld share and the release bands ``(minimum score, share released)``."""

    withhold_share: Decimal
    bands: tuple[tuple[Decimal, Decimal], ...]  # ascending minimum score

    def rate(self, score: Decimal) -> tuple[Decimal, Decimal] | None:
        """``(minimum reached, share released)`` for ``score``; None below every band."""
        reached = [band for band in self.bands if score >= band[0]]
        return reached[-1] if reached else None

    @classmethod
    def load(cls, region: str, year: int, *, root: Path | None = None) -> ReleaseRule | None:
        """The rule in force on 1 January of ``year``; None when nothing is withheld."""
        values = parameters(region, dt.date(year, 1, 1), root=root)
        share = values.get(WITHHOLD_SHARE)
        if share is None:
            return None
        raw = values.get(RELEASE_RULE)
        if not raw:
            raise ReleaseInputError(
                f"{year} 年按 {WITHHOLD_SHARE} 预留，但缺少返还规则 {RELEASE_RULE} / "
                f"{year} withholds by {WITHHOLD_SHARE} but the release rule {RELEASE_RULE} "
                "is missing"
            )
        try:
            bands = tuple(sorted((Decimal(k), Decimal(v)) for k, v in raw.items()))
        except InvalidOperation:
            raise ReleaseInputError(
                f"返还规则 {RELEASE_RULE} 的键应为最低分 / the keys of {RELEASE_RULE} must be "
                "minimum scores"
            ) from None
        return cls(Decimal(share), bands)


@dataclass(frozen=True)
class Release:
    """One community's withheld amount and what its score released (integer fen)."""

    withheld_fen: int
    share: Decimal  # the withheld share of the budget
    score: Decimal | None  # None: pending (no final score yet)
    minimum: Decimal | None  # the band minimum the score reached
    rate: Decimal | None  # share of the withheld amount released
    released_fen: int
    forfeited_fen: int  # withheld and not released: stays with the fund

    @property
    def pending(self) -> bool:
        return self.score is None


def release(budget_fen: int, score: Decimal | None, rule: ReleaseRule) -> Release:
    """Withhold ``rule.withhold_share`` of ``budget_fen`` and release it by ``score``."""
    withheld = fen(Decimal(budget_fen) * rule.withhold_share)
    if score is None:
        return Release(withheld, rule.withhold_share, None, None, None, 0, 0)
    band = rule.rate(score)
    minimum, rate = band if band is not None else (None, Decimal(0))
    released = fen(Decimal(withheld) * rate)
    return Release(
        withheld, rule.withhold_share, score, minimum, rate, released, withheld - released
    )


def staff_reward(
    retained_fen: int, region: str, year: int, *, root: Path | None = None
) -> int | None:
    """The staff-reward part of a kept surplus, or None when the plan sets no share."""
    share = parameters(region, dt.date(year, 1, 1), root=root).get(STAFF_REWARD_SHARE)
    return None if share is None else fen(Decimal(retained_fen) * Decimal(share))


def read_scores(path: Path) -> dict[str, Decimal | None]:
    """Community totals from an ``assessment_totals`` Parquet written by ``yigai assess``:
    ``org_id → total`` (None for a provisional total). Bad files name the file and column."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise ReleaseInputError(
            f"考核结果文件 {path} 无法读取：{exc} / assessment file {path} is unreadable: {exc}"
        ) from None
    for column in ("org_id", "total"):
        if column not in table.column_names:
            raise ReleaseInputError(
                f"考核结果文件 {path} 缺少列 {column} / assessment file {path} lacks column {column}"
            )
    provisional = (
        table["provisional"].to_pylist()
        if "provisional" in table.column_names
        else [False] * table.num_rows
    )
    out: dict[str, Decimal | None] = {}
    for org, total, flag in zip(
        table["org_id"].to_pylist(), table["total"].to_pylist(), provisional, strict=True
    ):
        out[org] = None if flag or total is None else Decimal(str(total))
    return out
