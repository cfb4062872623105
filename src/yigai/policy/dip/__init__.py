"""按病种分值付费 (DIP, Diagnosis-Intervention Packet): catalogue, points, point values, settlement.

Pure functions of Arrow tables and :class:`DipParams` (dated YAML under
``data/params/<region>/payment/dip_*.yaml``). Money is integer fen; points, coefficients and point
values are ``Decimal`` (Arrow ``decimal128``), rounded half up as each module documents.

API (what ``yigai settle --year`` calls)::

    params = DipParams.load("hebei_wuji", date(2024, 1, 1))
    catalogue = build_catalogue(base_cases, params, org_units=org_units)   # 2021–2023 cases
    budget_pv = budget_point_value(catalogue, params)                      # 预算点值
    scored = score_cases(cases_2024, catalogue, params, claims=claims, org_units=org_units)
    months = monthly_presettlement(scored, budget_pv, params)               # 月度预结算
    settled = settle_year(scored, fund_available_fen, params, presettlement=months)  # 年度清算

``base_cases`` / ``cases``: warehouse ``encounters`` rows (``care_type`` 'inpatient' kept;
``encounter_id``, ``institution_id``, ``diagnosis_code``, ``procedure_code``,
``cost_total_fen``, ``event_date`` or ``month``; institution ``level`` as a column or from
``org_units``; optional ``aux_coefficient``). ``claims``: adjudicated claims with
``encounter_id`` and ``fund_fen``.
"""

from yigai.params import ParameterError
from yigai.policy.dip._common import PaymentInputError
from yigai.policy.dip.catalogue import (
    DipCatalogue,
    DipGroup,
    GroupKind,
    Treatment,
    build_catalogue,
    diagnosis_key,
    procedure_key,
    treatment_type,
)
from yigai.policy.dip.parameters import DipParams
from yigai.policy.dip.scoring import SCORED_SCHEMA, score_cases
from yigai.policy.dip.settlement import (
    PRESETTLEMENT_SCHEMA,
    SETTLEMENT_SCHEMA,
    budget_point_value,
    monthly_presettlement,
    settle_year,
    settlement_point_value,
)

__all__ = [
    "PRESETTLEMENT_SCHEMA",
    "SCORED_SCHEMA",
    "SETTLEMENT_SCHEMA",
    "DipCatalogue",
    "DipGroup",
    "DipParams",
    "GroupKind",
    "ParameterError",
    "PaymentInputError",
    "Treatment",
    "budget_point_value",
    "build_catalogue",
    "diagnosis_key",
    "monthly_presettlement",
    "procedure_key",
    "score_cases",
    "settle_year",
    "settlement_point_value",
    "treatment_type",
]
