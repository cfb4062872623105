"""yigai.synth: a deterministic, streaming synthetic region (合成区域) calibrated to the seeds.

``generate(wh, config, key=...)`` writes a province of cities, counties, institutions,
communities, staff, residents and a few years of care into the warehouse, one chunk of
residents × one year at a time.
"""

from yigai.synth.config import SynthConfig, SynthError, SynthSummary, parse_years
from yigai.synth.generate import Piece, Sink, generate, generate_into, iter_pieces

__all__ = [
    "Piece",
    "Sink",
    "SynthConfig",
    "SynthError",
    "SynthSummary",
    "generate",
    "generate_into",
    "iter_pieces",
    "parse_years",
]
