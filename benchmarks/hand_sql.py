"""Hand-written DuckDB SQL for the spine catalogue: the benchmark's second baseline.

What a careful analyst writes against the same Parquet files when speed is all that counts:
one query, each file read once, persons joined on the warehouse's integer ``person_key`` (the
data layout, as the engine uses it). Encounters are joined to the resident's home and the
institution's attributes and summed in a single pass per home unit × day and per institution
× day (``GROUPING SETS``); residents are read once, with each person's contract coverage as a
bit mask over the distinct period ends, then expanded to periods. Both roll up the dated
closure. It follows the catalogue's written definitions (catalogue/spine.yaml) and the
engine's registry-version rule (:mod:`yigai.records.versions`, written here as a window), and
must give the same integer numerators and denominators as the engine on every row: the
benchmark checks that before it reports a time. The closure, county table and period tables
come from yigai (a few hundred rows built in Python), as in the pandas baseline.

It is the practical limit the engine is measured against (issue 18 §1), not a second
implementation to maintain: it knows only the spine catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from yigai.indicators.engine import periods_tables
from yigai.indicators.views import HOSPITAL_TYPES, KEY_GROUPS
from yigai.orgs import hierarchy
from yigai.orgs.model import PRIMARY_TYPES
from yigai.periods import Period
from yigai.warehouse.sql import file_list

#: Growth bases: computed over last year's periods too.
WIDE = ("outpatient_cost_per_visit", "inpatient_cost_per_stay")

#: indicator → (numerator column, denominator column) of the rolled-up partial sums, and the
#: columns whose count says a unit had matching records (the engine's ``n`` columns).
HOME_SIDES = {
    "in_county_visit_rate": ("n_ins_in", "n_ins"),
    "in_county_inpatient_rate": ("n_inp_ins_in", "n_inp_ins"),
    "primary_visit_rate": ("n_prim", "n_all"),
}
INST_SIDES = {
    "drug_share": ("v_drug", "v_total"),
    "booked_referral_share": ("n_booked", "n_pub_out"),
    "outpatient_cost_per_visit": ("v_out", "n_out"),
    "inpatient_cost_per_stay": ("v_inp", "n_inp"),
}
STOCK_SIDES = {
    "general_contract_rate": ("n_signed", "n_res"),
    "key_contract_rate": ("n_key_signed", "n_key"),
}
#: Partial sums whose count tells "this side matched records" when the value is a sum.
SEEN = {"v_drug": "n_all", "v_total": "n_all", "v_out": "n_out", "v_inp": "n_inp"}


def _in(values: Iterable[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def _versions(files: str, key: str, columns: str) -> str:
    """A versioned registry's versions in force some time, with ``vt`` (last day)."""
    return f"""
        SELECT {columns}, vf,
               coalesce(lead(vf) OVER (PARTITION BY {key} ORDER BY vf) - 1,
                        DATE '9999-12-31') AS vt, retired_reason
        FROM (SELECT *, coalesce(version_from, DATE '1900-01-01') AS vf
              FROM read_parquet({files}))"""


def _sql(f: dict[str, str]) -> str:
    primary = _in(t.value for t in PRIMARY_TYPES)
    hosp = _in(HOSPITAL_TYPES)
    grp = " OR ".join(f"coalesce(r.grp_{g}, false)" for g in KEY_GROUPS)
    res_cols = "person_key, home_unit_id, scheme, registered_on, left_on, birth_ym, " + ", ".join(
        f"grp_{g}" for g in KEY_GROUPS
    )
    return f"""
WITH res_all AS ({_versions(f["residents"], "person_key", res_cols)}),
res AS (SELECT * FROM res_all WHERE retired_reason IS NULL),
org_all AS ({_versions(f["org_units"], "org_id", "org_id, inst_type, ownership")}),
org AS (SELECT o.*, c.county_id FROM org_all o LEFT JOIN org_county c USING (org_id)
        WHERE o.retired_reason IS NULL),
con_all AS ({_versions(f["contracts"], "contract_id", "contract_id, person_key, valid_from, valid_to")}),
ends AS (SELECT period_end, (row_number() OVER (ORDER BY period_end) - 1)::INT AS bit
         FROM (SELECT DISTINCT period_end FROM narrow_periods)),
signed AS (
  SELECT c.person_key, bit_or(1::BIGINT << e.bit) AS mask
  FROM con_all c JOIN ends e
    ON c.valid_from <= e.period_end AND c.valid_to >= e.period_end
   AND c.vf <= e.period_end AND c.vt >= e.period_end
  WHERE c.retired_reason IS NULL
  GROUP BY c.person_key),
enc AS (
  SELECT e.event_date AS d, e.month, e.institution_id AS inst, h.home_unit_id AS home,
    coalesce(h.scheme IN ('resident', 'employee'), false) AS ins,
    coalesce(o.county_id = hc.county_id, false) AS in_c,
    coalesce(o.inst_type IN {primary}, false) AS prim,
    coalesce(o.ownership = 'public' AND o.inst_type IN {hosp}, false) AS pub,
    coalesce(e.care_type IN ('outpatient', 'emergency'), false) AS outp,
    coalesce(e.care_type = 'inpatient', false) AS inp,
    coalesce(e.booking IN ('appointment', 'referral'), false) AS booked,
    e.cost_total_fen AS total, e.cost_drug_western_fen + e.cost_drug_patent_fen AS drug
  FROM read_parquet({f["encounters"]}) e
  LEFT JOIN res h ON e.person_key = h.person_key AND h.vf <= e.event_date AND h.vt >= e.event_date
  LEFT JOIN org o ON e.institution_id = o.org_id AND o.vf <= e.event_date AND o.vt >= e.event_date
  LEFT JOIN org_county hc ON h.home_unit_id = hc.org_id),
part AS (
  SELECT CASE WHEN grouping(home) = 0 THEN 'home' ELSE 'inst' END AS side,
    CASE WHEN grouping(home) = 0 THEN home ELSE inst END AS unit, d, month,
    count(*) FILTER (ins AND in_c) AS n_ins_in, count(*) FILTER (ins) AS n_ins,
    count(*) FILTER (ins AND inp AND in_c) AS n_inp_ins_in,
    count(*) FILTER (ins AND inp) AS n_inp_ins,
    count(*) FILTER (prim) AS n_prim, count(*) AS n_all,
    sum(drug) AS v_drug, sum(total) AS v_total,
    count(*) FILTER (pub AND outp AND booked) AS n_booked, count(*) FILTER (pub AND outp) AS n_pub_out,
    sum(total) FILTER (outp) AS v_out, count(*) FILTER (outp) AS n_out,
    sum(total) FILTER (inp) AS v_inp, count(*) FILTER (inp) AS n_inp
  FROM enc GROUP BY GROUPING SETS ((home, d, month), (inst, d, month))),
events AS (
  SELECT p.side, cl.ancestor_id AS org_id, m.period_id,
    sum(n_ins_in)::BIGINT AS n_ins_in, sum(n_ins)::BIGINT AS n_ins,
    sum(n_inp_ins_in)::BIGINT AS n_inp_ins_in, sum(n_inp_ins)::BIGINT AS n_inp_ins,
    sum(n_prim)::BIGINT AS n_prim, sum(n_all)::BIGINT AS n_all,
    sum(v_drug)::BIGINT AS v_drug, sum(v_total)::BIGINT AS v_total,
    sum(n_booked)::BIGINT AS n_booked, sum(n_pub_out)::BIGINT AS n_pub_out,
    coalesce(sum(v_out), 0)::BIGINT AS v_out, sum(n_out)::BIGINT AS n_out,
    coalesce(sum(v_inp), 0)::BIGINT AS v_inp, sum(n_inp)::BIGINT AS n_inp
  FROM part p JOIN period_months m USING (month)
  JOIN closure cl ON cl.descendant_id = p.unit AND cl.valid_from <= p.d AND cl.valid_to >= p.d
  GROUP BY ALL),
stock AS (
  SELECT r.home_unit_id AS unit, p.period_id, p.period_end,
    year(p.period_end) - year(r.birth_ym)
      - CASE WHEN month(p.period_end) < month(r.birth_ym)
               OR (month(p.period_end) = month(r.birth_ym)
                   AND month(p.period_end + 1) = month(p.period_end)) THEN 1 ELSE 0 END AS age,
    ({grp}) AS grp,
    coalesce((s.mask >> e.bit) & 1 = 1, false) AS has
  FROM res r LEFT JOIN signed s USING (person_key)
  JOIN narrow_periods p ON r.registered_on <= p.period_end
   AND (r.left_on IS NULL OR r.left_on > p.period_end)
   AND r.vf <= p.period_end AND r.vt >= p.period_end
  JOIN ends e ON e.period_end = p.period_end),
stock_part AS (
  SELECT unit, period_id, period_end, count(*) AS n_res, count(*) FILTER (has) AS n_signed,
    count(*) FILTER (key) AS n_key, count(*) FILTER (key AND has) AS n_key_signed
  FROM (SELECT *, (age >= 65 OR age <= 6 OR grp) AS key FROM stock) GROUP BY ALL),
stocks AS (
  SELECT cl.ancestor_id AS org_id, s.period_id,
    sum(n_res)::BIGINT AS n_res, sum(n_signed)::BIGINT AS n_signed,
    sum(n_key)::BIGINT AS n_key, sum(n_key_signed)::BIGINT AS n_key_signed
  FROM stock_part s JOIN closure cl ON cl.descendant_id = s.unit
   AND cl.valid_from <= s.period_end AND cl.valid_to >= s.period_end
  GROUP BY ALL)
{_unpivot()}
"""


def _unpivot() -> str:
    """One row per indicator × org × period where either side matched records."""
    parts = []
    for sides, source, extra in (
        (HOME_SIDES, "events", "side = 'home' AND "),
        (INST_SIDES, "events", "side = 'inst' AND "),
        (STOCK_SIDES, "stocks", ""),
    ):
        for ind, (num, den) in sides.items():
            seen = " OR ".join(f"{SEEN.get(c, c)} > 0" for c in (num, den))
            narrow = (
                "" if ind in WIDE else "period_id IN (SELECT period_id FROM narrow_periods) AND "
            )
            parts.append(
                f"SELECT '{ind}' AS indicator_id, org_id, period_id, {num} AS numerator, "
                f"{den} AS denominator FROM {source} WHERE {extra}{narrow}({seen})"
            )
    return "\nUNION ALL\n".join(parts)


def compute(wh: object, periods: Sequence[Period]) -> pa.Table:
    """Numerators and denominators of the spine's ratio indicators for every org unit ×
    requested period (growth bases also over last year's), from warehouse ``wh``."""
    wanted = sorted(set(periods))
    needed = sorted(set(wanted) | {p.same_period_last_year() for p in wanted})
    months = sorted({m for p in needed for m in p.month_keys()})
    org_units, members = wh.read("org_units"), wh.read("community_members")  # type: ignore[attr-defined]
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    per, per_months = periods_tables(needed)
    narrow, _ = periods_tables(wanted)
    con.register("closure", hierarchy.closure(org_units, members))
    con.register("org_county", hierarchy.county_table(org_units))
    con.register("period_months", per_months)
    con.register("periods", per)
    con.register("narrow_periods", narrow)
    files = {
        name: file_list(wh.files(name, months if name == "encounters" else None))  # type: ignore[attr-defined]
        for name in ("encounters", "residents", "contracts", "org_units")
    }
    return con.sql(_sql(files)).to_arrow_table()
