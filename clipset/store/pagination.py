"""Page-number pagination shared by every list endpoint."""

from __future__ import annotations

import math
from typing import Callable

from .db import MAX_INT

MAX_PAGE_SIZE = 100
# The row offset of a page must fit SQLite's 64-bit integer.
MAX_PAGE = MAX_INT // MAX_PAGE_SIZE
# Big lists count at most this many rows (or up to the page asked for, if further):
# beyond it ``total_count`` is a lower bound, so a count never costs the whole library.
COUNT_CAP = 10_000


def paginate(
    query, page: int, page_size: int, convert: Callable | None = None, count_cap: int | None = None
) -> dict:
    """One page of a Peewee query as the API's list shape.

    With ``count_cap``, ``total_count`` is exact while below the cap and otherwise means
    "at least this many"; it always counts past the page asked for, so ``has_more`` and
    ``total_pages`` (pages known to exist) stay truthful.
    """
    if count_cap is None:
        total = query.count()
    else:
        total = query.order_by().limit(max(count_cap, page * page_size) + 1).count()
    rows = list(query.paginate(page, page_size))
    items = [convert(r) for r in rows] if convert else rows
    pages = math.ceil(total / page_size) if total else 0
    return {
        "items": items,
        "total_count": total,
        "page": page,
        "page_size": page_size,
        "total_pages": pages,
        "has_more": page < pages,
    }
