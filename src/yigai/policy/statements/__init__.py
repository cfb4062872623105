"""Settlement statements (结算单, issue 15 §2): what a settlement run owes, kept as versions.

A settlement run (:func:`yigai.policy.run.settle`) is turned into statements by
:func:`yigai.policy.statements.store.write_statements` and stored in the warehouse record set
``statements`` (:mod:`.record`); :mod:`.export` writes one as XLSX or PDF. Kinds:

- ``institution_month``: an institution's month — claims paid item by item, DIP cases, points
  and monthly advance, capitation;
- ``institution_year``: an institution's DIP year — points, DIP payment, advances, withheld,
  year-end payment and balance against the item-by-item fund;
- ``community_year``: a community's global budget — budget, spending, surplus kept / returned,
  overrun shared by band, and the split to member institutions;
- ``region_year``: the bureau's summary across the pooling region.

This package's ``__init__`` imports nothing heavy: the record set is registered by
:mod:`yigai.records.schemas`, which every warehouse read imports.
"""
