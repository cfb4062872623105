"""Policy what-if (政策测算, issue 15 §4): re-settle a year in memory under a reform and a
care-seeking scenario, and compare with the stored settlement.

- :mod:`.reform` — reforms: ``--set path=value`` or a reform file, checked against the
  dated parameter tree and applied to the parameters in force in the year;
- :mod:`.scenario` — care-seeking shifts between levels, at the destination's observed cost;
- :mod:`.resettle` — :func:`~.resettle.whatif`: baseline (stored) and reform, side by side;
- :mod:`.figures` — what is compared, by level, institution and community;
- :mod:`.report` and :mod:`.commands` — the console tables, the XLSX and ``yigai whatif``.
"""
