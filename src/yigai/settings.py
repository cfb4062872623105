"""Deployment settings, from environment variables (prefix ``YIGAI_``).

``YIGAI_HOME``: where the embedded warehouse and databases live (default ``./var``).
``YIGAI_PSEUDONYM_KEY``: the secret that keys resident pseudonyms. The default is for demos
only; a real deployment must set its own and keep it, or records stop linking.
``YIGAI_FONT_FANGSONG``: a licensed 仿宋 font file (a county's 仿宋_GB2312) for the PDF
reports' body instead of the shipped FandolFang subset; read and checked by
:func:`yigai.reports.fonts.fangsong_face`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEMO_KEY = "yigai-demo-key-not-for-production"


@dataclass(frozen=True)
class Settings:
    home: Path
    pseudonym_key: bytes
    database_url: str

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def output_dir(self) -> Path:
        return self.home / "out"


def load() -> Settings:
    home = Path(os.environ.get("YIGAI_HOME", "var")).resolve()
    key = os.environ.get("YIGAI_PSEUDONYM_KEY", DEMO_KEY).encode()
    url = os.environ.get("YIGAI_DATABASE_URL", f"sqlite:///{home / 'yigai.db'}")
    return Settings(home=home, pseudonym_key=key, database_url=url)
