"""Claiming a job: a conditional UPDATE (``pending`` to ``processing``) on SQLite, a row
lock that skips what others hold on PostgreSQL, so two workers, in one process or not,
never take the same video."""

from __future__ import annotations

from ..store import db
from ..store.db import database
from ..store.models import Video, now


def claim(avoid: int | None = None, **lease) -> Video | None:
    """The oldest pending job, now ``processing`` (an attempt counted); ``lease``
    (worker_id, lease_token, lease_expires_at) is set in the same UPDATE for a
    remote worker. The one queue: the pool and remote workers both claim here. Jobs the
    worker ``avoid`` failed last are passed over."""
    if db.is_postgres():
        return _claim_locked(_pending(avoid), lease)
    while True:
        candidate = (
            Video.select(Video.id)
            .where(_pending(avoid))
            .order_by(Video.created_at, Video.id)
            .first()
        )
        if candidate is None:
            return None
        claimed = (
            Video.update(**_claimed(**lease))
            .where(Video.id == candidate.id, Video.processing_status == "pending")
            .execute()
        )
        if claimed:
            return Video.get_by_id(candidate.id)


def held(video: Video):
    """That ``video``'s claim still stands: its row is processing under the attempt and
    owner it was claimed with. An instance taken for stopped (its listener gone through
    two checks) may still be running the job another has claimed since; what it reports
    late then matches no row."""
    return (
        (Video.id == video.id)
        & (Video.processing_status == "processing")
        & (Video.attempts == video.attempts)
        & (Video.claimed_by == video.claimed_by)  # IS NULL for a remote worker's
    )


def _pending(avoid: int | None):
    """The jobs that may be claimed."""
    pending = Video.processing_status == "pending"
    if avoid is None:
        return pending
    return pending & (Video.failed_by_worker_id.is_null() | (Video.failed_by_worker_id != avoid))


def _claim_locked(pending, lease: dict) -> Video | None:
    """PostgreSQL: the oldest pending job under a row lock; jobs another worker (or
    instance) holds are skipped, not waited for."""
    with database.atomic():
        candidate = (
            Video.select(Video.id)
            .where(pending)
            .order_by(Video.created_at, Video.id)
            .limit(1)
            .for_update(skip_locked=True)
            .first()
        )
        if candidate is None:
            return None
        Video.update(**_claimed(**lease)).where(Video.id == candidate.id).execute()
    return Video.get_by_id(candidate.id)


def _claimed(**lease) -> dict:
    """A claimed job's columns: processing from now, one more attempt, nothing left over,
    and a remote worker's lease when it is one (or the pool's instance, ``claimed_by``)."""
    return {
        "processing_status": "processing",
        "attempts": Video.attempts + 1,
        "progress": 0,
        "error_message": None,
        "processing_started_at": now(),
        "processing_finished_at": None,
        "claimed_by": None,
        **lease,
    }
