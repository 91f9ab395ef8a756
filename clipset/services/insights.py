"""What the admin dashboard shows over time: weekly history with a disk forecast, quota
usage, a recent-activity feed and the processing queue. Read-only (the queue's pause
switch is the job pool's)."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import shutil
from typing import Iterable, Iterator

from peewee import JOIN, SQL, fn

from ..store.db import is_postgres, total
from ..store.dirs import DataDir
from ..store.models import Comment, Invitation, User, Video, now
from ..store.pagination import paginate
from . import quota
from .config import RuntimeConfig
from .jobs import Jobs

WEEK = dt.timedelta(days=7)
DAY_SECONDS = 86400
SNIPPET_CHARS = 140  # longest comment text or error the activity feed repeats
QUEUE_PENDING_MAX = 100
QUEUE_FAILED_MAX = 50
QUEUE_RECENT_MAX = 20
QUEUE_RECENT_WINDOW = dt.timedelta(hours=24)


def snippet(text: str | None) -> str | None:
    if text is None or len(text) <= SNIPPET_CHARS:
        return text
    return text[: SNIPPET_CHARS - 1] + "…"


def _week_of(column):
    """SQL: the Monday (an ISO date string) of the week a stored UTC datetime falls in.
    SQLite's 'weekday 1' moves forward to a Monday, so step back six days first;
    PostgreSQL's weeks start on Mondays. No coercion, or Peewee would parse the string
    back as the column's datetime."""
    if is_postgres():
        # Literals, not parameters: GROUP BY must repeat the very same expression.
        week = fn.date_trunc(SQL("'week'"), column)
        return fn.to_char(week, SQL("'YYYY-MM-DD'")).coerce(False)
    return fn.date(column, "-6 days", "weekday 1").coerce(False)


def forecast(growth_bytes: int, days: float, disk_free: int, at: dt.datetime) -> dict:
    """When the disk fills if stored bytes keep growing at the average rate seen."""
    per_day = growth_bytes / days if days > 0 else 0.0
    if per_day <= 0:
        return {
            "bytes_per_day": per_day,
            "disk_free_bytes": disk_free,
            "days_until_full": None,
            "full_at": None,
        }
    days_left = disk_free / per_day
    try:
        full_at = (at + dt.timedelta(days=days_left)).date()
    except OverflowError:  # a trickle against a big disk: past the calendar's end
        full_at = None
    return {
        "bytes_per_day": per_day,
        "disk_free_bytes": disk_free,
        "days_until_full": days_left,
        "full_at": full_at,
    }


class Insights:
    def __init__(self, data: DataDir, config: RuntimeConfig, jobs: Jobs):
        self.data = data
        self.config = config
        self.jobs = jobs

    # -- history and forecast ---------------------------------------------------------
    def history(
        self, weeks: int, at: dt.datetime | None = None, disk_free: int | None = None
    ) -> dict:
        """Per ISO week (oldest first, empty weeks included) ending with the current one.

        ``stored_bytes_total`` counts the output bytes of the videos that exist now by when
        they were created: deleted videos drop out of the past too, which is the best the
        tables allow without keeping a log."""
        at = at or now()
        first = quota.week_start(at) - (weeks - 1) * WEEK
        starts = [first + i * WEEK for i in range(weeks)]
        videos = dict.fromkeys((s.date().isoformat() for s in starts), (0, 0, 0))
        for week, count, source, stored in (
            Video.select(
                _week_of(Video.created_at),
                fn.COUNT(Video.id),
                total(Video.source_size_bytes),
                total(Video.file_size_bytes),
            )
            .where(Video.created_at >= first, Video.created_at <= at)
            .group_by(_week_of(Video.created_at))
            .tuples()
        ):
            videos[week] = (count, source, stored)
        users = dict(
            (
                User.select(_week_of(User.created_at), fn.COUNT(User.id))
                .where(User.created_at >= first, User.created_at <= at)
                .group_by(_week_of(User.created_at))
                .tuples()
            )
        )
        before = (
            Video.select(total(Video.file_size_bytes)).where(Video.created_at < first).scalar()
        )

        stored = before
        rows = []
        for start in starts:
            count, source, added = videos[start.date().isoformat()]
            stored += added
            rows.append(
                {
                    "week_start": start,
                    "uploads": count,
                    "upload_bytes": source,
                    "stored_bytes_total": stored,
                    "new_users": users.get(start.date().isoformat(), 0),
                }
            )
        if disk_free is None:
            disk_free = shutil.disk_usage(self.data.media).free
        days = (at - first).total_seconds() / DAY_SECONDS
        return {"weeks": rows, "forecast": forecast(stored - before, days, disk_free, at)}

    # -- quota ------------------------------------------------------------------------
    def quota_usage(self, page: int, page_size: int) -> dict:
        """Everyone's upload quota use this week, the heaviest users first."""
        quota.roll_over()  # a week may have begun since the schedule last ran
        limit = self.config["weekly_upload_limit_bytes"]
        query = User.select(User.id, User.username, User.quota_used_bytes).order_by(
            User.quota_used_bytes.desc(), User.username
        )

        def usage(user: User) -> dict:
            used = user.quota_used_bytes
            percent = used / limit * 100 if limit else (100.0 if used else 0.0)
            return {
                "user": user,
                "used_bytes": used,
                "limit_bytes": limit,
                "percent": round(percent, 1),
            }

        start = quota.week_start()
        return {
            **paginate(query, page, page_size, usage),
            "week_start": start,
            "resets_at": start + WEEK,
        }

    # -- activity ---------------------------------------------------------------------
    def activity(self, limit: int) -> list[dict]:
        """The newest ``limit`` things that happened, merged from every table that
        records a time; each source gives at most ``limit`` rows, so this stays cheap."""
        sources = (
            _registrations(limit),
            _uploads(limit),
            _processing(limit),
            _comments(limit),
            _invitations_created(limit),
            _invitations_used(limit),
        )
        merged = heapq.merge(*sources, key=lambda item: item["at"], reverse=True)
        return list(itertools.islice(merged, limit))

    # -- queue ------------------------------------------------------------------------
    def queue(self) -> dict:
        """Pending (in the order the workers take them), processing, failed and recently
        finished videos, and whether the workers are paused."""

        def status(name: str):
            return _video_summaries().where(Video.processing_status == name)

        return {
            "pending": list(
                status("pending").order_by(Video.created_at, Video.id).limit(QUEUE_PENDING_MAX)
            ),
            "pending_total": status("pending").count(),
            "processing": list(
                status("processing").order_by(Video.processing_started_at, Video.id)
            ),
            "failed": list(
                status("failed")
                .order_by(Video.processing_finished_at.desc(), Video.id.desc())
                .limit(QUEUE_FAILED_MAX)
            ),
            "recent": list(
                status("completed")
                .where(Video.processing_finished_at >= now() - QUEUE_RECENT_WINDOW)
                .order_by(Video.processing_finished_at.desc(), Video.id.desc())
                .limit(QUEUE_RECENT_MAX)
            ),
            "paused": self.jobs.paused,
        }


def _video_summaries():
    return Video.select(Video, User).join(User)


# The columns ``_user`` and ``_video`` read: what each activity query selects of them.
_USER_COLUMNS = (User.id, User.username)
_VIDEO_COLUMNS = (Video.id, Video.public_id, Video.title)


def _user(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "username": user.username}


def _video(video: Video | None) -> dict | None:
    return None if video is None else {"id": video.public_id, "title": video.title}


def _item(kind: str, at: dt.datetime, actor=None, video=None, detail=None) -> dict:
    return {
        "type": kind,
        "at": at,
        "actor": _user(actor),
        "video": _video(video),
        "detail": detail,
    }


def _registrations(limit: int) -> Iterator[dict]:
    for user in (
        User.select(*_USER_COLUMNS, User.created_at)
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(limit)
    ):
        yield _item("user.registered", user.created_at, actor=user)


def _uploads(limit: int) -> Iterator[dict]:
    for video in (
        Video.select(*_VIDEO_COLUMNS, Video.created_at, Video.original_filename, *_USER_COLUMNS)
        .join(User)
        .order_by(Video.created_at.desc(), Video.id.desc())
        .limit(limit)
    ):
        yield _item(
            "video.uploaded",
            video.created_at,
            actor=video.uploader,
            video=video,
            detail=video.original_filename or None,
        )


def _processing(limit: int) -> Iterator[dict]:
    for video in (
        Video.select(
            *_VIDEO_COLUMNS,
            Video.processing_status,
            Video.processing_finished_at,
            Video.transcode_mode,
            fn.substr(Video.error_message, 1, SNIPPET_CHARS + 1).alias("error"),
            *_USER_COLUMNS,
        )
        .join(User)
        .where(
            Video.processing_status.in_(("completed", "failed")),
            Video.processing_finished_at.is_null(False),
        )
        .order_by(Video.processing_finished_at.desc(), Video.id.desc())
        .limit(limit)
    ):
        failed = video.processing_status == "failed"
        yield _item(
            "video.failed" if failed else "video.processed",
            video.processing_finished_at,
            actor=video.uploader,
            video=video,
            detail=snippet(video.error) if failed else video.transcode_mode,
        )


def _comments(limit: int) -> Iterator[dict]:
    # Only the start of each body leaves the database: long comments are cut anyway.
    for comment in (
        Comment.select(
            Comment.id,
            Comment.created_at,
            fn.substr(Comment.body, 1, SNIPPET_CHARS + 1).alias("text"),
            *_USER_COLUMNS,
            *_VIDEO_COLUMNS,
        )
        .join(User)
        .switch(Comment)
        .join(Video)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ):
        yield _item(
            "comment.posted",
            comment.created_at,
            actor=comment.author,
            video=comment.video,
            detail=snippet(comment.text),
        )


def _invitations(limit: int, when, who) -> Iterable[tuple[Invitation, User | None]]:
    person = User.alias()
    rows = (
        Invitation.select(Invitation, person.id, person.username)
        .join(person, JOIN.LEFT_OUTER, on=(who == person.id), attr="person")
        .where(when.is_null(False))
        .order_by(when.desc(), Invitation.id.desc())
        .limit(limit)
    )
    for invitation in rows:
        person_row = getattr(invitation, "person", None)
        yield invitation, person_row if person_row and person_row.id else None


def _invitations_created(limit: int) -> Iterator[dict]:
    for invitation, admin in _invitations(limit, Invitation.created_at, Invitation.created_by):
        yield _item(
            "invitation.created", invitation.created_at, actor=admin, detail=invitation.email
        )


def _invitations_used(limit: int) -> Iterator[dict]:
    for invitation, newcomer in _invitations(limit, Invitation.used_at, Invitation.used_by):
        yield _item("invitation.used", invitation.used_at, actor=newcomer, detail=invitation.email)
