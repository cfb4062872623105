"""Claim adjudication (医保结算) over a whole table of claims, vectorised with numpy/Arrow.

Same rule, same rounding as the scalar reference :mod:`yigai.policy.adjudication` and equal
to it to the fen on every claim (tested on random claim sets). The sequential caps become
exact array arithmetic with one identity: if ``U`` is the running total of what a person-year
would get without a cap, what is paid up to claim *k* is ``min(U_k, cap)``, so a claim's
payment is the difference of consecutive ``min(U, cap)`` values (cumsum → clip → difference).
The same identity gives the outpatient deductible (``min(E, deductible)``), the outpatient and
annual caps, the critical-illness amount (a non-decreasing function of cumulative
out-of-pocket) and the assistance cap. This is why annual amounts may only change on 1
January (:func:`yigai.policy.scheme.schemes_for_year`): the identity needs one cap per year.
Ratios are integer millionths and shares use ``floor((2·a·u + S) / 2S)`` — half up, exact.

Where each part lives (a reader finds the deductible rule without reading the packing):

- :mod:`.table` — the entry :func:`adjudicate_table`: input checks (each error names the
  encounter and column, as the scalar path's), chunks of whole persons, then the steps below;
- :mod:`yigai.policy.claim_order` — the claim order (one value sort) and the check that no
  encounter id is given twice, on any day; :mod:`.order` — referral links in that order and
  a same-day referral's source before its target;
- :mod:`.scheme_tables` — the scheme as small look-up tables the scalar rules fill in;
- :mod:`.packing` — the columns the arithmetic reads, packed into ``int64`` words and
  scattered straight into claim order;
- :mod:`.stays` — admission numbers and the deductible each stay owes (referral stays by
  pointer jumping, :func:`yigai.policy.referral_deductible.stay_roots`);
- :mod:`.blocks` — the arithmetic over cache-sized blocks of whole person-years, a step per
  module: :mod:`.deductible` (起付线 and 统筹基金 with its caps), :mod:`.critical` (大病保险),
  :mod:`.assistance` (医疗救助);
- :mod:`.common` — grouped running totals and small column helpers.

Input columns (Arrow table or pandas DataFrame): ``encounter_id, person_id, event_date
(date), care_type, level, in_county, cost_total_fen, out_of_scope_fen``, optionally
``referred, referred_from, referral_in_community`` and ``grp_<group>`` booleans. Large tables
are processed in chunks of whole persons (``chunk_rows``) to bound memory. Results come back
one row per claim in claim order: each person's claims together, by event date then
encounter id (when chunked: chunk after chunk). Input already in that order keeps its order.

Speed: claim order comes from one value sort; only the few encounter ids that
``referred_from`` names are hashed (among inpatient claims). Everything the arithmetic reads
per claim (the amounts, the table index, the flags and group bits) is packed side by side
into two or three ``int64`` words, block by block in input order, and each packed block is
scattered straight to its claim positions. Stays are worked out once over the admissions
alone; the rest of the arithmetic runs over blocks of whole person-years
(:data:`BLOCK_ROWS`) that fit in the CPU caches, and critical illness and assistance are
computed only on the claims that can have any. Results stay in claim order: only the id and
date columns move, fixed-width ids as fixed-size values, and the scheme version is a
dictionary column.

Memory: at ten million claims every column is 80 MB, and in this kind of virtual machine the
kernel's zeroing of freshly touched pages costs as much as a pass of arithmetic, so the
top-level steps work in place where they can (the sort key, the packed words) instead of
allocating a new column per operation; days stay 32-bit, persons are marked by where each
one's claims begin rather than numbered, and row numbers are made a block at a time.
"""

from yigai.policy.vectorised.table import (
    BLOCK_ROWS,
    CHUNK_ROWS,
    REQUIRED,
    RESULT_SCHEMA,
    SCATTERED_CHUNK_ROWS,
    adjudicate_table,
    table_from_claims,
)

__all__ = [
    "BLOCK_ROWS",
    "CHUNK_ROWS",
    "REQUIRED",
    "RESULT_SCHEMA",
    "SCATTERED_CHUNK_ROWS",
    "adjudicate_table",
    "table_from_claims",
]
