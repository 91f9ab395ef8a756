"""Numbers for the admin dashboard."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from peewee import Case, fn

from ..store.db import total
from ..store.dirs import DataDir
from ..store.models import STATUSES, User, Video
from . import storage
from .jobs import Jobs
from .uploads import Uploads


def _folder_bytes(folder: Path) -> int:
    try:
        with os.scandir(folder) as entries:
            return sum(e.stat().st_size for e in entries if e.is_file(follow_symlinks=False))
    except FileNotFoundError:
        return 0


class Stats:
    def __init__(self, data: DataDir, margin: int, jobs: Jobs, encoder_preference: str = "auto"):
        self.data = data
        self.margin = margin
        self.jobs = jobs
        self.encoder_preference = encoder_preference

    def disk(self) -> dict:
        return storage.disk_report(
            self.data,
            reserved=Uploads.reserved(),
            margin=self.margin,
            processing_waits=self.jobs.waiting_for_disk,
        )

    def overview(self) -> dict:
        """``bytes_stored`` = the recorded sizes of processed videos plus what is on disk
        right now in the originals and uploads folders (kept originals, videos waiting to
        be processed, uploads in progress). Thumbnails are left out: they are small."""
        by_status = dict.fromkeys(STATUSES, 0)
        for status, n in (
            Video.select(Video.processing_status, fn.COUNT(Video.id))
            .group_by(Video.processing_status)
            .tuples()
        ):
            by_status[status] = n
        outputs = Video.select(total(Video.file_size_bytes)).scalar()
        disk = shutil.disk_usage(self.data.media)
        users = (
            User.select(
                fn.COUNT(User.id),
                # CASE, not SUM(boolean): PostgreSQL sums no booleans.
                total(Case(None, [(User.is_active, 1)], 0)),
                total(Case(None, [(User.role == "admin", 1)], 0)),
            )
            .tuples()
            .get()
        )
        return {
            "users": {"total": users[0], "active": users[1], "admins": users[2]},
            "videos": {"total": sum(by_status.values()), "by_status": by_status},
            "bytes_stored": outputs
            + _folder_bytes(self.data.originals)
            + _folder_bytes(self.data.uploads),
            "disk_free_bytes": disk.free,
            "disk_total_bytes": disk.total,
            "queue_length": by_status["pending"] + by_status["processing"],
            "disk": self.disk(),
            "video_encoder": self._encoder(),
        }

    def _encoder(self) -> str:
        from .. import media  # PyAV loads when first needed, not at start

        return media.encoders.choose(self.encoder_preference)
