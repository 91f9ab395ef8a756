"""The answer to a request for one file's bytes, by RFC 9110: one range ``a-b``, ``a-``
or ``-n`` answers 206 with ``Content-Range``; a range past the end answers 416 with
``Content-Range: bytes */size``; a syntactically invalid Range header, or several ranges
at once (browsers never ask for those when playing), is ignored and the whole file is
sent with 200. ``If-Range`` that does not match the current ETag/Last-Modified also sends
the whole file; ``If-None-Match`` answers 304. Shared by the Flask view and the players'
direct path (``video_bytes``), which read the same headers."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from werkzeug.http import http_date, parse_etags, parse_if_range_header, parse_range_header

from ..errors import RangeNotSatisfiable


@dataclass(frozen=True)
class Plan:
    status: int  # 200, 206 or 304
    headers: dict[str, str]
    start: int
    length: int  # bytes to send from ``start`` (0 for a 304)


# A player asks for the same file range after range: its date is formatted once.
_http_date = functools.lru_cache(maxsize=256)(http_date)


def plan(
    stat: os.stat_result,
    max_age: int,
    range_header: str | None,
    if_range: str | None,
    if_none_match: str | None,
) -> Plan:
    """What to send of a file with this ``stat``; raises ``RangeNotSatisfiable``."""
    size, mtime = stat.st_size, int(stat.st_mtime)
    etag = f"{stat.st_size:x}-{stat.st_mtime_ns:x}"
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{etag}"',
        "Last-Modified": _http_date(mtime),
        "Cache-Control": f"private, max-age={max_age}",
    }
    if if_none_match:
        etags = parse_etags(if_none_match)
        if etags.contains(etag) or etags.star_tag:
            return Plan(304, headers, 0, 0)
    start, length, status = 0, size, 200
    ranges = parse_range_header(range_header) if range_header else None
    if (
        ranges is not None
        and ranges.units == "bytes"
        and len(ranges.ranges) == 1
        and _if_range_matches(if_range, etag, mtime)
    ):
        bounds = _bounds(ranges.ranges[0], size)
        if bounds is None:
            raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
        start, stop = bounds
        length, status = stop - start, 206
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    headers["Content-Length"] = str(length)
    return Plan(status, headers, start, length)


def _if_range_matches(value: str | None, etag: str, mtime: int) -> bool:
    if not value:
        return True  # no If-Range header
    if_range = parse_if_range_header(value)
    if if_range.etag is not None:
        return if_range.etag == etag  # strong comparison, as If-Range requires
    if if_range.date is not None:
        return int(if_range.date.timestamp()) == mtime
    return True


def _bounds(first: tuple[int, int | None], size: int) -> tuple[int, int] | None:
    """(start, stop) of a parsed range in a file of ``size`` bytes, None if unsatisfiable.

    Werkzeug's ``range_for_length`` refuses a suffix longer than the file, which RFC 9110
    says means "the whole file".
    """
    start, stop = first
    if start < 0:  # suffix: the last -start bytes
        start, stop = max(0, size + start), size
    stop = size if stop is None else min(stop, size)
    return (start, stop) if start < stop else None
