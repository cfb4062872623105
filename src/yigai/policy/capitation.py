"""门诊统筹按人头付费: outpatient pooled-fund capitation, paid monthly.

Source: 《湛江市加强紧密型县域医疗卫生共同体建设实施方案》三（六）(seed 002): counties
other than the 遂溪 pilot pay outpatient care mainly by capitation (门诊统筹按人头付费)
from 2020. The rate per insured resident per year is the dated parameter
``data/params/<region>/payment/capitation_rate_per_resident.yaml`` (a working value until the county's
figure is entered).

Rule (yigai working definition; the seed sets the method only):

- **Who counts in a month**: a resident insured under one of ``params.schemes`` (城乡居民,
  ``resident``) who is registered on the first day of the month: ``registered_on`` ≤ that day
  and no ``left_on`` on or before it. The first day is the snapshot date (月初在册).
- **Where the money goes**: the institution of the resident's family-doctor contract valid
  on the snapshot date (``valid_from`` ≤ day ≤ ``valid_to``; the latest signed wins when
  several are), else the resident's home unit (``home_unit_id``, 属地机构). With
  ``members`` the row also names the institution's community on that day.
- **Amount**: per institution × month, ``fen(rate × residents ÷ 12)`` — the annual rate in
  force on the snapshot date, one twelfth per month, rounded half up to the fen once per
  institution-month.

API::

    params = CapitationParams.load("hebei_wuji")
    payments = capitation_payments(residents, 2024, params, contracts=contracts, members=members)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from yigai.params import Parameter, ParameterError
from yigai.policy.dip._common import fen, input_error, require_columns
from yigai.policy.params import load

CAPITATION_SCHEMA = pa.schema(
    [
        ("month", pa.int32()),
        ("institution_id", pa.string()),
        ("community_id", pa.string()),
        ("residents", pa.int64()),
        ("rate_fen", pa.int64()),  # annual rate per insured resident in force that month
        ("amount_fen", pa.int64()),
    ]
)


@dataclass(frozen=True)
class CapitationParams:
    """Dated capitation rates: ``(effective date, fen per insured resident per year)``."""

    rates: tuple[tuple[dt.date, int], ...]
    schemes: tuple[str, ...] = ("resident",)

    def __post_init__(self) -> None:
        if not self.rates or any(fen_ < 0 for _, fen_ in self.rates):
            raise ValueError(
                "人头付费标准须非空且非负 / capitation rates must be present and non-negative"
            )

    @classmethod
    def load(cls, region: str, *, root: Path | None = None) -> CapitationParams:
        """Every dated rate of ``region`` (``payment.capitation_rate_per_resident``, yuan → fen)."""
        name = "payment.capitation_rate_per_resident"
        tree = load(region, root=root)
        if name not in tree:
            raise ParameterError(
                tree.folder, name, "该地区缺少此参数", "this region lacks the parameter"
            )
        parameter = tree[name]
        if not isinstance(parameter, Parameter) or parameter.unit != "yuan":
            raise ParameterError(
                parameter.file, name, "应为以元计的标量", "must be a scalar in yuan"
            )
        rates = tuple((v.start, int(v.value)) for v in parameter.values if v.value is not None)
        return cls(rates=rates)

    def rate_on(self, day: dt.date) -> int:
        """Annual rate in fen in force on ``day``; an error before the first one."""
        current = [fen_ for start, fen_ in sorted(self.rates) if start <= day]
        if not current:
            raise ValueError(
                f"{day.isoformat()} 无人头付费标准 / no capitation rate in force on {day.isoformat()}"
            )
        return current[-1]


def _frame(table: pa.Table, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    require_columns(table, name, columns)
    frame = table.select(list(columns)).to_pandas(date_as_object=False)
    return frame


def _community_on(members: pa.Table | None, day: pd.Timestamp) -> dict[str, str]:
    if members is None:
        return {}
    frame = _frame(
        members, "community_members", ("community_id", "institution_id", "valid_from", "valid_to")
    )
    live = frame[
        (frame["valid_from"] <= day) & (frame["valid_to"].isna() | (frame["valid_to"] > day))
    ]
    duplicated = live[live["institution_id"].duplicated()]
    if not duplicated.empty:
        institution = duplicated["institution_id"].iloc[0]
        raise input_error(
            "community_members",
            "institution_id",
            f"{institution} 同一天属于多个医共体",
            "in two communities on one day",
        )
    return dict(zip(live["institution_id"], live["community_id"], strict=True))


def _person_codes(people: pd.DataFrame, deals: pd.DataFrame | None) -> None:
    """Replace ``person_id`` by one integer code per person in both frames, in place: pandas
    tests membership of Arrow strings value by value in Python (``isin``, seconds a month
    at county size), integers in one pass; the payments count persons, never name them."""
    frames = [people] if deals is None else [people, deals]
    codes, _ = pd.factorize(pd.concat([f["person_id"] for f in frames], ignore_index=True))
    start = 0
    for frame in frames:
        frame["person_id"] = codes[start : start + len(frame)]
        start += len(frame)


def capitation_payments(
    residents: pa.Table,
    year: int,
    params: CapitationParams,
    *,
    contracts: pa.Table | None = None,
    members: pa.Table | None = None,
) -> pa.Table:
    """Monthly capitation per institution for ``year`` (schema :data:`CAPITATION_SCHEMA`)."""
    people = _frame(
        residents, "residents", ("person_id", "home_unit_id", "scheme", "registered_on")
    )
    people["left_on"] = (
        residents.column("left_on").to_pandas(date_as_object=False)
        if "left_on" in residents.column_names
        else pd.NaT
    )
    duplicated = people["person_id"].duplicated()
    if duplicated.any():
        row = int(people.index[duplicated][0]) + 1
        raise input_error("residents", "person_id", "重复的居民标识", "duplicate person id", row)
    if people["home_unit_id"].isna().any():
        row = int(people.index[people["home_unit_id"].isna()][0]) + 1
        raise input_error("residents", "home_unit_id", "缺少属地机构", "home unit missing", row)
    deals = None
    if contracts is not None:
        deals = _frame(
            contracts, "contracts", ("person_id", "institution_id", "valid_from", "valid_to")
        )
        deals["signed_on"] = (
            contracts.column("signed_on").to_pandas(date_as_object=False)
            if "signed_on" in contracts.column_names
            else deals["valid_from"]
        )
        deals["order"] = range(len(deals))
    _person_codes(people, deals)
    out: dict[str, list[object]] = {name: [] for name in CAPITATION_SCHEMA.names}
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        day = pd.Timestamp(first)
        rate = params.rate_on(first)
        insured = people[
            people["scheme"].isin(params.schemes)
            & (people["registered_on"] <= day)
            & (people["left_on"].isna() | (people["left_on"] > day))
        ]
        unit = insured.set_index("person_id")["home_unit_id"]
        if deals is not None:
            valid = deals[(deals["valid_from"] <= day) & (deals["valid_to"] >= day)]
            valid = valid.sort_values(["signed_on", "order"]).drop_duplicates(
                "person_id", keep="last"
            )
            contracted = valid.set_index("person_id")["institution_id"]
            contracted = contracted[contracted.index.isin(unit.index)]
            unit = unit.copy()
            unit.loc[contracted.index] = contracted
        counts = unit.value_counts().sort_index()
        community = _community_on(members, day)
        for institution, n in counts.items():
            for name, value in (
                ("month", year * 100 + month),
                ("institution_id", institution),
                ("community_id", community.get(str(institution))),
                ("residents", int(n)),
                ("rate_fen", rate),
                ("amount_fen", fen(Decimal(rate) * int(n) / 12)),
            ):
                out[name].append(value)
    return pa.table(out, schema=CAPITATION_SCHEMA)
