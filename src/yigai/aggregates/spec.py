"""What the importer must know about an indicator (指标填报口径) to check a reported row.

A reported row carries either a numerator and a denominator (分子、分母, integers; money in
fen, or yuan with at most 2 decimals on input) or, for a direct-value indicator (直接填报值),
the value itself. The value of a numerator/denominator row is computed exactly as the
indicator engine computes it (:func:`yigai.indicators.values.ratio_value`, half up to the
indicator's decimals, with the engine's unit scales), so a reported value and a computed value
of the same indicator agree digit for digit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from yigai.indicators.model import UNIT_SCALE, Indicator, Unit
from yigai.indicators.values import ratio_value, text
from yigai.records import fields, schemas

#: Units whose numerator counts a subset of the denominator, so numerator ≤ denominator.
RATE_UNITS = frozenset({Unit.PERCENT, Unit.PERMILLE})

_MONEY_COLUMNS = frozenset(
    f.name for rs in schemas.ALL for f in rs.fields if f.kind is fields.Kind.MONEY
)


@dataclass(frozen=True)
class IndicatorSpec:
    """填报口径 of one indicator.

    ``rate``: numerator ≤ denominator is enforced (default: percent and permille units).
    ``numerator_money`` / ``denominator_money``: that side is money, entered in yuan (≤ 2
    decimals) or fen and stored in fen (default: the numerator of a yuan indicator).
    ``direct``: reported as a value, not as numerator and denominator; ``signed`` allows a
    negative direct value (growth rates).
    """

    id: str
    unit: Unit = Unit.COUNT
    decimals: int | None = None
    name_zh: str = ""
    rate: bool | None = None
    numerator_money: bool | None = None
    denominator_money: bool = False
    direct: bool = False
    signed: bool = False

    @property
    def places(self) -> int:
        return UNIT_SCALE[self.unit][1] if self.decimals is None else self.decimals

    @property
    def scale(self) -> Fraction:
        return UNIT_SCALE[self.unit][0]

    @property
    def is_rate(self) -> bool:
        return self.unit in RATE_UNITS if self.rate is None else self.rate

    @property
    def money_numerator(self) -> bool:
        return self.unit is Unit.YUAN if self.numerator_money is None else self.numerator_money

    def value_of(self, numerator: int, denominator: int) -> str | None:
        """The value text (``"90.00"``) of a numerator/denominator pair; None when ÷ 0."""
        return text(ratio_value(numerator, denominator, self.scale, self.places), self.places)

    def value_text(self, value: Decimal) -> str:
        """A direct value as fixed-point text with the indicator's decimals."""
        return f"{value:.{self.places}f}"

    @classmethod
    def from_indicator(cls, indicator: Indicator) -> IndicatorSpec:
        """The 填报口径 of a catalogue entry: a growth indicator is reported as a signed value;
        a side that sums a money column (e.g. 药品收入) is money."""
        if indicator.kind == "growth":
            return cls(
                id=indicator.id,
                unit=indicator.unit,
                decimals=indicator.places,
                name_zh=indicator.name_zh,
                direct=True,
                signed=True,
            )

        def money(side: object) -> bool:
            measure = getattr(side, "measure", None)
            if not (measure and measure.kind == "sum" and measure.column):
                return False
            # enriched views add derived money columns; all money columns end in _fen
            return measure.column in _MONEY_COLUMNS or measure.column.endswith("_fen")

        return cls(
            id=indicator.id,
            unit=indicator.unit,
            decimals=indicator.places,
            name_zh=indicator.name_zh,
            numerator_money=money(indicator.numerator),
            denominator_money=money(indicator.denominator),
        )


def specs(items: object) -> dict[str, IndicatorSpec]:
    """Normalise ``catalogue_ids``: ids (counts), :class:`IndicatorSpec`, or catalogue
    :class:`Indicator` entries, given as an iterable or an id-keyed mapping."""
    values = items.values() if isinstance(items, dict) else items
    out: dict[str, IndicatorSpec] = {}
    for item in values:  # type: ignore[attr-defined]
        if isinstance(item, IndicatorSpec):
            spec = item
        elif isinstance(item, Indicator):
            spec = IndicatorSpec.from_indicator(item)
        elif isinstance(item, str):
            spec = IndicatorSpec(id=item)
        else:
            raise TypeError(
                f"无法识别的指标定义 {item!r} / catalogue_ids items must be ids, "
                "IndicatorSpec or Indicator"
            )
        out[spec.id] = spec
    return out
