"""The leases remote workers hold on jobs: which job a lease names while it lasts, and how
one ends (the job pending again, or failed after its last attempt).

A worker claims a job through the pool's own claim (one queue), which sets a lease on the
video row in the same conditional UPDATE; heartbeats extend it. A lease that runs out puts
the job back in the queue (the attempt counts), and anything the old holder sends after
that is refused. Whatever a lease left half-delivered is discarded when it ends.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from ..errors import Conflict
from ..settings import Settings
from ..store.models import Video, Worker, now
from .jobs import MAX_ATTEMPTS, Jobs

log = logging.getLogger(__name__)

LEASE_LOST_TWICE = "Processing was interrupted twice; the file may be damaged."


class Leases:
    def __init__(self, settings: Settings, jobs: Jobs):
        self.settings = settings
        self.jobs = jobs
        self.outcomes = jobs.outcomes
        self.clock: Callable[[], dt.datetime] = now  # tests move lease time with this
        # Called with (video, lease) as a lease ends: its half-delivered outputs go.
        self.on_end: list[Callable[[Video, str], None]] = []

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.settings.worker_lease_seconds)

    def held(self, worker: Worker, lease: str) -> Video:
        """The job ``worker`` holds under ``lease``, while the lease lasts; else 409."""
        video = Video.get_or_none(
            Video.lease_token == lease,
            Video.worker_id == worker.id,
            Video.processing_status == "processing",
        )
        if video is None or video.lease_expires_at < self.clock():
            raise Conflict(
                "This job's lease has expired or was given to another worker; drop it.",
                error_code="lease_expired",
            )
        return video

    def expire(self) -> int:
        """Jobs whose lease ran out go back to the queue (or fail, on their last
        attempt); returns how many."""
        expired = list(
            Video.select().where(
                Video.processing_status == "processing", Video.lease_expires_at < self.clock()
            )
        )
        for video in expired:
            log.warning("worker %s lost its lease on video %s", video.worker_id, video.id)
            self.release(video, video.lease_token, LEASE_LOST_TWICE)
        return len(expired)

    def release(
        self, video: Video, lease: str, reason: str = "", counted: bool = True, passed_over=None
    ) -> None:
        """Ends ``lease``: the job is pending again, or failed after its last attempt;
        a counted try (or ``passed_over``) marks the worker to hand it to another next."""
        try:
            self._end(video, lease, reason, counted, passed_over)
        finally:
            for discard in self.on_end:
                discard(video, lease)

    def _end(self, video: Video, lease: str, reason: str, counted: bool, passed_over) -> None:
        if counted and video.attempts >= MAX_ATTEMPTS:
            if (
                Video.update(lease_token=None, lease_expires_at=None)
                .where(Video.id == video.id, Video.lease_token == lease)
                .execute()
            ):
                self.outcomes.fail(video, reason)
            return
        Video.update(
            processing_status="pending",
            progress=0,
            processing_started_at=None,
            attempts=Video.attempts - (0 if counted else 1),
            failed_by_worker_id=(
                video.worker_id
                if (counted if passed_over is None else passed_over)
                else Video.failed_by_worker_id
            ),
            worker_id=None,
            lease_token=None,
            lease_expires_at=None,
        ).where(Video.id == video.id, Video.lease_token == lease).execute()
        self.jobs.wake()
