"""A plain pandas implementation of the spine catalogue: the benchmark's baseline.

Written the way an analyst would without yigai: load the Parquet files into DataFrames,
merge the attributes in, expand each record to the periods and hierarchy levels it counts
for, and group. It follows the catalogue's written definitions (catalogue/spine.yaml) and
must give the same integer numerators and denominators as the engine; the benchmark checks
that before it reports a time. Only the roll-up closure comes from yigai (a few hundred rows).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from yigai.indicators.views import HOSPITAL_TYPES, KEY_GROUPS
from yigai.orgs import hierarchy
from yigai.orgs.model import PRIMARY_TYPES

# The same definitions as the engine's views: the baseline differs in how it computes,
# not in what it counts.
HOSPITALS = set(HOSPITAL_TYPES)


def _periods_of_months(months: pd.Series) -> pd.DataFrame:
    """Month key → its month, quarter and year period ids (one row each)."""
    m = pd.Series(sorted(months.unique()), name="month")
    y, mm = m // 100, m % 100
    frames = [
        pd.DataFrame({"month": m, "period_id": m.astype(str)}),
        pd.DataFrame({"month": m, "period_id": y.astype(str) + "Q" + ((mm + 2) // 3).astype(str)}),
        pd.DataFrame({"month": m, "period_id": y.astype(str)}),
    ]
    return pd.concat(frames, ignore_index=True)


def _roll_up(
    df: pd.DataFrame, unit_col: str, date_col: str, closure: pd.DataFrame, sums: list[str]
) -> pd.DataFrame:
    """Sum ``sums`` per ancestor × period, with dated community membership."""
    df = df.groupby([unit_col, date_col, "period_id"], as_index=False)[sums].sum()
    j = df.merge(closure, left_on=unit_col, right_on="descendant_id")
    j = j[(j[date_col] >= j["valid_from"]) & (j[date_col] <= j["valid_to"])]
    return j.groupby(["ancestor_id", "period_id"], as_index=False)[sums].sum()


def _as_result(agg: pd.DataFrame, spec: dict[str, tuple[str, str]]) -> pd.DataFrame:
    out = []
    for indicator, (num, den) in spec.items():
        part = agg[["ancestor_id", "period_id", num, den]].rename(
            columns={"ancestor_id": "org_id", num: "numerator", den: "denominator"}
        )
        part.insert(0, "indicator_id", indicator)
        out.append(part)
    return pd.concat(out, ignore_index=True)


def compute(tables: dict[str, pa.Table], period_ends: dict[str, pd.Timestamp]) -> pd.DataFrame:
    """Numerators and denominators of the spine indicators for every org unit × period."""
    orgs = tables["org_units"].to_pandas()
    closure = hierarchy.closure(tables["org_units"], tables["community_members"]).to_pandas()
    for c in ("valid_from", "valid_to"):
        closure[c] = pd.to_datetime(closure[c].astype(str).str.replace("9999-12-31", "2262-04-11"))
    county = hierarchy.county_table(tables["org_units"]).to_pandas()
    residents = tables["residents"].to_pandas()
    enc = tables["encounters"].to_pandas()

    inst = orgs.merge(county, on="org_id", how="left")[
        ["org_id", "inst_type", "ownership", "county_id"]
    ]
    enc = enc.merge(
        residents[["person_id", "home_unit_id", "scheme"]], on="person_id", how="left"
    ).merge(inst, left_on="institution_id", right_on="org_id", how="left")
    enc = enc.merge(
        county.rename(columns={"org_id": "home_unit_id", "county_id": "home_county_id"}),
        on="home_unit_id",
        how="left",
    )
    insured = enc["scheme"].isin(["resident", "employee"])
    in_county = (enc["county_id"] == enc["home_county_id"]) & enc["county_id"].notna()
    inpatient = enc["care_type"] == "inpatient"
    outpatient = ~inpatient
    primary = enc["inst_type"].isin([t.value for t in PRIMARY_TYPES])
    public_hosp = (enc["ownership"] == "public") & enc["inst_type"].isin(HOSPITALS)
    enc = enc.assign(
        event_date=pd.to_datetime(enc["event_date"]),
        n_all=1,
        n_insured=insured.astype("int64"),
        n_in_county=(insured & in_county).astype("int64"),
        n_inp_insured=(insured & inpatient).astype("int64"),
        n_inp_in_county=(insured & inpatient & in_county).astype("int64"),
        n_primary=primary.astype("int64"),
        drug_fen=enc["cost_drug_western_fen"] + enc["cost_drug_patent_fen"],
        n_hosp_out=(public_hosp & outpatient).astype("int64"),
        n_hosp_booked=(
            public_hosp & outpatient & enc["booking"].isin(["appointment", "referral"])
        ).astype("int64"),
        n_out=outpatient.astype("int64"),
        fen_out=enc["cost_total_fen"].where(outpatient, 0),
        n_inp=inpatient.astype("int64"),
        fen_inp=enc["cost_total_fen"].where(inpatient, 0),
    )
    # counts by the resident's home unit, and sums by the institution that gave the care
    by_home = ["n_all", "n_insured", "n_in_county", "n_inp_insured", "n_inp_in_county", "n_primary"]
    by_place = [
        "drug_fen",
        "cost_total_fen",
        "n_hosp_out",
        "n_hosp_booked",
        "n_out",
        "fen_out",
        "n_inp",
        "fen_inp",
    ]
    counted = by_home + by_place
    enc = enc[["home_unit_id", "institution_id", "event_date", "month", *counted]]
    enc = enc.merge(_periods_of_months(enc["month"]), on="month")

    by_resident = _roll_up(enc, "home_unit_id", "event_date", closure, by_home)
    by_institution = _roll_up(enc, "institution_id", "event_date", closure, by_place)
    results = [
        _as_result(
            by_resident,
            {
                "in_county_visit_rate": ("n_in_county", "n_insured"),
                "in_county_inpatient_rate": ("n_inp_in_county", "n_inp_insured"),
                "primary_visit_rate": ("n_primary", "n_all"),
            },
        ),
        _as_result(
            by_institution,
            {
                "drug_share": ("drug_fen", "cost_total_fen"),
                "booked_referral_share": ("n_hosp_booked", "n_hosp_out"),
                "outpatient_cost_per_visit": ("fen_out", "n_out"),
                "inpatient_cost_per_stay": ("fen_inp", "n_inp"),
            },
        ),
        _contract_rates(residents, tables["contracts"].to_pandas(), closure, period_ends),
    ]
    out = pd.concat(results, ignore_index=True)
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype("int64")
    return out


def _contract_rates(
    residents: pd.DataFrame,
    contracts: pd.DataFrame,
    closure: pd.DataFrame,
    period_ends: dict[str, pd.Timestamp],
) -> pd.DataFrame:
    """签约率: residents and contracts as stocks on each period's last day."""
    frames = []
    reg = pd.to_datetime(residents["registered_on"])
    left = pd.to_datetime(residents["left_on"])
    # birth_ym is the 1st of the birth month; period ends are month ends, so comparing
    # month*100+day below counts the birthday as passed in the birth month, as the engine does.
    birth = pd.to_datetime(residents["birth_ym"])
    vf, vt = pd.to_datetime(contracts["valid_from"]), pd.to_datetime(contracts["valid_to"])
    for period_id, end in period_ends.items():
        active = (reg <= end) & (left.isna() | (left > end))
        r = residents[active]
        b = birth[active]
        age = (
            end.year
            - b.dt.year
            - ((b.dt.month * 100 + b.dt.day) > (end.month * 100 + end.day)).astype(int)
        )
        key = (age >= 65) | (age <= 6)
        for g in KEY_GROUPS:
            key |= r[f"grp_{g}"].fillna(False).astype(bool)
        signed = set(contracts.loc[(vf <= end) & (vt >= end), "person_id"])
        has = r["person_id"].isin(signed)
        frames.append(
            pd.DataFrame(
                {
                    "home_unit_id": r["home_unit_id"],
                    "as_of": end,
                    "period_id": period_id,
                    "n_res": 1,
                    "n_signed": has.astype("int64"),
                    "n_key": key.astype("int64"),
                    "n_key_signed": (key & has).astype("int64"),
                }
            )
        )
    stock = pd.concat(frames, ignore_index=True)
    agg = _roll_up(
        stock, "home_unit_id", "as_of", closure, ["n_res", "n_signed", "n_key", "n_key_signed"]
    )
    return _as_result(
        agg,
        {
            "general_contract_rate": ("n_signed", "n_res"),
            "key_contract_rate": ("n_key_signed", "n_key"),
        },
    )
