"""Pages of a list answer: ``page`` from 1, ``page_size`` 1–200 (50 by default)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel

MAX_PAGE_SIZE = 200


class PageParams(BaseModel):
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="页码 / page, from 1")] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数 / rows per page")
    ] = 50,
) -> PageParams:
    return PageParams(page=page, page_size=page_size)


Paging = Annotated[PageParams, Depends(page_params)]


def page_of(rows: Sequence[Any], paging: PageParams) -> dict[str, Any]:
    """One page of ``rows`` with the total, for lists already in memory."""
    return {
        "items": list(rows[paging.offset : paging.offset + paging.page_size]),
        "page": paging.page,
        "page_size": paging.page_size,
        "total": len(rows),
    }
