"""Chapters from timestamps in a video's description, one a line: ``0:00 Intro``,
``1:02:03 - The end``, ``(4:05) Questions``.

The rule: at least two such lines, the first at 0:00, each later than the one before;
a line past the video's end is dropped. Anything else is just a description.
"""

from __future__ import annotations

import re

MIN_CHAPTERS = 2
TITLE_MAX = 100
_LINE = re.compile(
    r"^\s*[\[(]?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})[\])]?\s*(?:[-–—:|·]\s*)?(\S.*?)\s*$"
)


def chapters(description: str | None, duration: float | None = None) -> list[dict]:
    """``[{"start": seconds, "title": str}]``, or ``[]`` when the description has none."""
    found: list[dict] = []
    for line in (description or "").splitlines():
        m = _LINE.match(line)
        if m is None:
            continue
        hours, minutes, seconds, title = m.groups()
        if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
            continue
        start = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        if not found and start != 0:
            return []  # chapters start at the beginning, or these are not chapters
        if found and start <= found[-1]["start"]:
            return []
        if duration is not None and start >= duration:
            break
        found.append({"start": float(start), "title": title[:TITLE_MAX]})
    return found if len(found) >= MIN_CHAPTERS else []
