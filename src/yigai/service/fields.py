"""Text fields of requests: bounded, and without NUL or other control characters (PostgreSQL
cannot store NUL in text, and a control character in a name is never meant)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

#: No C0 control characters except tab, newline and carriage return (multi-line summaries).
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
#: An identifier: no control characters at all.
IDENT = r"^[^\x00-\x1f\x7f]+$"


PersonIdPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=IDENT, description="居民假名 / pseudonym")
]
PersonIdQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=IDENT)]
UnitQuery = Annotated[
    str | None, Query(min_length=1, max_length=64, pattern=IDENT, description="机构 / unit")
]
UserQuery = Annotated[str | None, Query(min_length=1, max_length=100, pattern=IDENT)]
