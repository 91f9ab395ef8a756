"""Page-number pagination shared by every list endpoint."""
from __future__ import annotations

import math
from typing import Callable

from .db import MAX_INT

MAX_PAGE_SIZE = 100
# The row offset of a page must fit SQLite's 64-bit integer.
MAX_PAGE = MAX_INT // MAX_PAGE_SIZE


def paginate(query, page: int, page_size: int, convert: Callable | None = None) -> dict:
    """One page of a Peewee query as the API's list shape."""
    total = query.count()
    rows = list(query.paginate(page, page_size))
    items = [convert(r) for r in rows] if convert else rows
    pages = math.ceil(total / page_size) if total else 0
    return {"items": items, "total_count": total, "page": page, "page_size": page_size,
            "total_pages": pages, "has_more": page < pages}
