"""The admin area: runtime configuration, instance statistics and the dashboard's
insights (history, quota use, activity, processing queue)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import Blueprint
from pydantic import ConfigDict, Field

from .access import services
from .configuration import ConfigOut, ConfigPatch
from .endpoint import ADMIN, endpoint
from .schemas import In, Out, Page, PageQuery, Status, UserRef, UtcDatetime, VideoId

bp = Blueprint("admin", __name__, url_prefix="/api/admin")


class UserCounts(Out):
    total: int
    active: int
    admins: int


class StatusCounts(Out):
    pending: int
    processing: int
    completed: int
    failed: int


class VideoCounts(Out):
    total: int
    by_status: StatusCounts


class DiskOut(Out):
    state: Literal["ok", "low", "full"] = Field(
        description="`full`: no new upload fits, or processing waits for room."
    )
    detail: str | None = Field(description="Why, in words, when not `ok`.")
    free_bytes: int
    total_bytes: int
    reserved_bytes: int = Field(description="Still to come of every unfinished upload.")
    margin_bytes: int = Field(description="Kept free for the database and logs.")
    processing_waits: bool = Field(
        description="A job found the disk full; processing resumes once there is room."
    )
    read_only: bool = Field(
        description="Started on a full disk: the database is read-only until there is room again."
    )


class StatsOut(Out):
    users: UserCounts
    videos: VideoCounts
    bytes_stored: int = Field(
        description="Recorded sizes of processed videos plus the "
        "files now in the originals and uploads folders."
    )
    disk_free_bytes: int
    disk_total_bytes: int
    queue_length: int = Field(description="Videos pending or processing.")
    disk: DiskOut
    video_encoder: str = Field(
        description="The H.264 encoder transcodes use: a hardware "
        "one that passed a test encode, or libx264."
    )


@endpoint(bp, "/config", response=ConfigOut, auth=ADMIN)
def get_config():
    """The configuration the admin can change at run time."""
    return services().config.get()


@endpoint(bp, "/config", "PATCH", body=ConfigPatch, response=ConfigOut, auth=ADMIN)
def update_config(body: ConfigPatch):
    """Change any subset of the configuration; it applies at once, without a restart."""
    return services().config.update(body.model_dump(exclude_unset=True))


@endpoint(bp, "/stats", response=StatsOut, auth=ADMIN)
def stats():
    """Users, videos by status, storage, disk and queue."""
    return services().stats.overview()


# -- insights -------------------------------------------------------------------------
class HistoryQuery(In):
    model_config = ConfigDict(extra="ignore")
    weeks: int = Field(12, ge=1, le=104, description="How many weeks, the current one last.")


class WeekOut(Out):
    week_start: UtcDatetime = Field(description="Monday 00:00 UTC.")
    uploads: int = Field(description="Videos created this week (that still exist).")
    upload_bytes: int = Field(description="Their uploaded (source) sizes.")
    stored_bytes_total: int = Field(
        description="Output bytes of the existing videos created by the end of the week."
    )
    new_users: int


class ForecastOut(Out):
    bytes_per_day: float = Field(
        description="Average growth of stored bytes over the window, up to now."
    )
    disk_free_bytes: int
    days_until_full: float | None = Field(description="Null when storage is not growing.")
    full_at: dt.date | None


class HistoryOut(Out):
    weeks: list[WeekOut]
    forecast: ForecastOut


class QuotaUsageOut(Out):
    user: UserRef
    used_bytes: int
    limit_bytes: int
    percent: float = Field(
        description="Of the limit; above 100 when the limit was lowered after the bytes were used."
    )


class QuotaPage(Page[QuotaUsageOut]):
    week_start: UtcDatetime
    resets_at: UtcDatetime


class ActivityQuery(In):
    model_config = ConfigDict(extra="ignore")
    limit: int = Field(50, ge=1, le=200)


class VideoRef(Out):
    id: VideoId
    title: str


class ActivityItemOut(Out):
    type: Literal[
        "user.registered",
        "video.uploaded",
        "video.processed",
        "video.failed",
        "comment.posted",
        "invitation.created",
        "invitation.used",
    ]
    at: UtcDatetime
    actor: UserRef | None
    video: VideoRef | None
    detail: str | None = Field(
        description="The file name, transcode mode, error, "
        "comment text or invited email; at most 140 "
        "characters for errors and comments."
    )


class ActivityOut(Out):
    items: list[ActivityItemOut] = Field(description="Newest first.")


class QueuedVideoOut(Out):
    id: VideoId
    title: str
    uploader: UserRef
    processing_status: Status
    progress: float
    attempts: int
    error_message: str | None
    transcode_mode: Literal["transcode", "remux"] | None
    created_at: UtcDatetime
    processing_started_at: UtcDatetime | None
    processing_finished_at: UtcDatetime | None
    source_size_bytes: int


class QueueOut(Out):
    pending: list[QueuedVideoOut] = Field(
        description="In the order the workers take them (oldest first), at most 100."
    )
    pending_total: int
    processing: list[QueuedVideoOut]
    failed: list[QueuedVideoOut] = Field(description="Newest first, at most 50.")
    recent: list[QueuedVideoOut] = Field(
        description="Completed in the last 24 hours, newest first, at most 20."
    )
    paused: bool = Field(description="Workers take no new jobs while paused.")


class PausedIn(In):
    paused: bool = Field(strict=True)


class PausedOut(Out):
    paused: bool


@endpoint(bp, "/stats/history", query=HistoryQuery, response=HistoryOut, auth=ADMIN)
def stats_history(query: HistoryQuery):
    """Uploads, storage and new users per week, and when the disk fills at this rate."""
    return services().insights.history(query.weeks)


@endpoint(bp, "/quota", query=PageQuery, response=QuotaPage, auth=ADMIN)
def quota_usage(query: PageQuery):
    """Each user's upload quota use this week, the heaviest users first."""
    return services().insights.quota_usage(query.page, query.page_size)


@endpoint(bp, "/activity", query=ActivityQuery, response=ActivityOut, auth=ADMIN)
def activity(query: ActivityQuery):
    """Recent activity, newest first: sign-ups, uploads, processing, comments, invitations."""
    return {"items": services().insights.activity(query.limit)}


@endpoint(bp, "/queue", response=QueueOut, auth=ADMIN)
def queue():
    """The processing queue: pending, processing, failed and recently finished videos."""
    return services().insights.queue()


@endpoint(bp, "/queue/paused", "PATCH", body=PausedIn, response=PausedOut, auth=ADMIN)
def set_queue_paused(body: PausedIn):
    """Pause or resume processing; running jobs finish, pending ones wait."""
    return services().jobs.set_paused(body.paused)


# -- backups --------------------------------------------------------------------------
class BackupStatusOut(Out):
    backup_dir: str | None = Field(description="Where scheduled backups go; null: none.")
    interval_hours: int
    keep: int
    running: bool
    last_success_at: UtcDatetime | None
    last_path: str | None = Field(description="The newest backup made.")
    last_bytes: int | None = Field(description="Size of the newest backup.")
    last_copied_bytes: int | None = Field(
        description="Bytes it copied; unchanged media are hard-linked from the one before."
    )
    last_failure_at: UtcDatetime | None
    last_error: str | None = Field(
        description="Why the last attempt failed; null once one succeeds."
    )
    next_at: UtcDatetime | None = Field(description="When the next scheduled backup runs.")


@endpoint(bp, "/backups", response=BackupStatusOut, auth=ADMIN)
def backup_status():
    """Scheduled backups: where, how often, the last one (or why it failed), the next."""
    return services().backups.status()


@endpoint(bp, "/backups", "POST", response=BackupStatusOut, auth=ADMIN, errors=(409,))
def run_backup():
    """Back up now into the backup folder (then older backups beyond `backup_keep` go)."""
    services().backups.run()
    return services().backups.status()
