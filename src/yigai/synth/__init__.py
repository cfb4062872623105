"""yigai.synth: a deterministic, streaming synthetic region (合成区域) calibrated to the seeds.

``generate(wh, config, key=...)`` writes a province of cities, counties, institutions,
communities, staff, residents and a few years of care into the warehouse, one chunk of
residents × one year at a time.
"""

from yigai._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "yigai.synth.config": ["SynthConfig", "SynthError", "SynthSummary", "parse_years"],
        "yigai.synth.generate": ["Piece", "Sink", "generate", "generate_into", "iter_pieces"],
    },
)
