"""Online centralised drug purchases (药品网上集中采购) of the county's primary-care
institutions, one year at a time.

Each township or community centre places ``drugs.orders_per_month.centre`` orders a month and
each village clinic or community station ``drugs.orders_per_month.clinic``, of log-normal
amounts around ``drugs.order_yuan``. A share ``drugs.full_delivery_share`` of orders is
delivered in full; the rest partly (a uniform share in ``drugs.partial_delivered``), so the
county's delivery rate is about seed 003's 92%. Delivered never exceeds purchased (the record
set's row check): it is the purchase scaled down and rounded down to the fen.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pyarrow as pa

from yigai.orgs.model import InstitutionType as IT
from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, padded, pick, rng, to_table

CENTRES = (IT.TOWNSHIP_CENTRE, IT.COMMUNITY_CENTRE)
CLINICS = (IT.VILLAGE_CLINIC, IT.COMMUNITY_STATION)
SIGMA = 0.5  # log-normal spread of an order's amount


def generate_drug_purchases(
    config: SynthConfig, cal: Calibration, county: County, year: int
) -> pa.Table:
    """The county's ``drug_purchases`` rows in ``year``; deterministic per county and year."""
    gen = rng(config.seed, "drugs", county.index, year)
    per_month = cal["drugs.orders_per_month"]
    mean_yuan = cal["drugs.order_yuan"]
    insts: list[str] = []
    size: list[str] = []
    for inst in county.institutions:
        if inst.inst_type in CENTRES or inst.inst_type in CLINICS:
            kind = "centre" if inst.inst_type in CENTRES else "clinic"
            insts += [inst.org_id] * 12 * int(per_month[kind])
            size += [kind] * 12 * int(per_month[kind])
    n = len(insts)  # a multiple of 12: each institution's orders cycle through the months
    month = np.tile(np.arange(12), n // 12)
    first = np.array([day_number(dt.date(year, m, 1)) for m in range(1, 13)])
    length = np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)])
    day = first[month] + (gen.random(n) * length[month]).astype(np.int64)
    mean = np.array([float(mean_yuan[k]) for k in size])
    # mean of a log-normal is exp(mu + sigma²/2): mu chosen so the mean is the calibrated one
    yuan = gen.lognormal(np.log(mean) - SIGMA**2 / 2, SIGMA)
    purchased = np.maximum(np.rint(yuan * 100).astype(np.int64), 1)
    low, high = (float(x) for x in cal["drugs.partial_delivered"])
    share = np.where(
        gen.random(n) < float(cal["drugs.full_delivery_share"]), 1.0, gen.uniform(low, high, n)
    )
    delivered = np.minimum(np.floor(purchased * share).astype(np.int64), purchased)
    return to_table(
        schemas.DRUG_PURCHASES,
        {
            "order_id": padded(f"{county.code}{year}D", np.arange(1, n + 1), 7),
            "institution_id": pick(insts, np.arange(n)),
            "order_date": dates(day),
            "purchased_fen": purchased,
            "delivered_fen": delivered,
        },
    )
