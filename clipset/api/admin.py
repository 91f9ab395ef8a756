"""The admin area: runtime configuration and instance statistics."""
from __future__ import annotations

from flask import Blueprint
from pydantic import Field, field_validator

from ..services.config import MAX_WORKERS
from .access import services
from .endpoint import ADMIN, endpoint
from .schemas import In, Out

bp = Blueprint("admin", __name__, url_prefix="/api/admin")

MiB = 1024**2


class ConfigOut(Out):
    max_file_size_bytes: int
    weekly_upload_limit_bytes: int
    accepted_formats: list[str]
    worker_count: int
    keep_originals: bool


class ConfigPatch(In):
    """Any subset of the configuration; fields left out keep their value."""
    max_file_size_bytes: int = Field(None, ge=MiB)
    weekly_upload_limit_bytes: int = Field(None, ge=0)
    accepted_formats: list[str] = Field(None, min_length=1, max_length=16)
    worker_count: int = Field(None, ge=1, le=MAX_WORKERS)
    keep_originals: bool = Field(None, strict=True)

    @field_validator("accepted_formats")
    @classmethod
    def _lower(cls, formats: list[str]) -> list[str]:
        return [f.strip().lower() for f in formats]


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


class StatsOut(Out):
    users: UserCounts
    videos: VideoCounts
    bytes_stored: int = Field(description="Recorded sizes of processed videos plus the "
                                          "files now in the originals and uploads folders.")
    disk_free_bytes: int
    disk_total_bytes: int
    queue_length: int = Field(description="Videos pending or processing.")


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
