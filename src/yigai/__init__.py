"""yigai (医改): run and measure China's county health reform.

Records of care flow in through :mod:`yigai.warehouse`; dated policy in :mod:`yigai.policy`
turns them into payments; :mod:`yigai.indicators` turns them into measurements against
targets; :mod:`yigai.assess` scores them; :mod:`yigai.reports` prints them.
"""

__version__ = "0.1.0"
