"""The weekly upload quota: bytes are reserved before an upload starts, atomically, so
parallel uploads can't exceed it, and given back when an upload is abandoned or a video
deleted within the same quota week. Weeks start on Monday 00:00 UTC."""

from __future__ import annotations

import datetime as dt

from peewee import Case

from ..errors import QuotaExceeded
from ..store.db import immediate
from ..store.models import Config, User, now
from .storage import size_text

WEEK_KEY = "quota_week"


def week_start(at: dt.datetime | None = None) -> dt.datetime:
    at = at or now()
    monday = at.date() - dt.timedelta(days=at.weekday())
    return dt.datetime.combine(monday, dt.time())


def _recorded_week() -> str | None:
    row = Config.get_or_none(Config.key == WEEK_KEY)
    return None if row is None else row.value


def roll_over() -> bool:
    """Reset everyone's usage if a new week began since the last reset (idempotent;
    run on a schedule and at start-up, so a server that was off on Monday catches up)."""
    current = week_start().date().isoformat()
    # Reads call this too: take the write lock only when the week looks stale, then
    # check again under it.
    if _recorded_week() == current:
        return False
    with immediate():
        if _recorded_week() == current:
            return False
        User.update(quota_used_bytes=0).execute()
        Config.put(WEEK_KEY, current)
    return True


def reserve(user_id: int, nbytes: int, limit: int) -> None:
    roll_over()
    with immediate():
        updated = (
            User.update(quota_used_bytes=User.quota_used_bytes + nbytes)
            .where(User.id == user_id, User.quota_used_bytes + nbytes <= limit)
            .execute()
        )
        if not updated:
            used = User.get_by_id(user_id).quota_used_bytes
            left = max(0, limit - used)
            raise QuotaExceeded(
                f"This upload needs {size_text(nbytes)} but only {size_text(left)} of "
                f"your weekly {size_text(limit)} quota is left."
            )


def release(user_id: int, nbytes: int, reserved_at: dt.datetime) -> None:
    """Give bytes back, only if they were reserved in the current quota week."""
    if reserved_at < week_start():
        return
    (
        # Never below zero; CASE reads the same on SQLite and PostgreSQL (no MAX/GREATEST).
        User.update(
            quota_used_bytes=Case(
                None, [(User.quota_used_bytes > nbytes, User.quota_used_bytes - nbytes)], 0
            )
        )
        .where(User.id == user_id)
        .execute()
    )


def usage(user_id: int, limit: int) -> dict:
    roll_over()  # a week nobody has reset yet shows as unused
    used = User.get_by_id(user_id).quota_used_bytes
    return {
        "used_bytes": used,
        "limit_bytes": limit,
        "remaining_bytes": max(0, limit - used),
        "resets_at": week_start() + dt.timedelta(days=7),
    }
