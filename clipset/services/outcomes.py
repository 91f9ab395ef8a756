"""What a finished job leaves behind: progress while it runs, then the video's files and
row for a success, or its reason for a failure; each told to the owner as an event (and
to the viewers of its stand-in, which either outcome removes)."""

from __future__ import annotations

import errno
import logging
import os
import time
from typing import Any

from playhouse.shortcuts import model_to_dict

from ..errors import ClipsetError, InsufficientStorage
from ..store.db import immediate
from ..store.models import Video, now
from . import storage
from .announcements import announce_published
from .captions import Captions
from .claims import held
from .config import RuntimeConfig
from .hub import Hub
from .media_files import MediaFiles

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress events (~2/s)
DISK_FULL = "The server's disk is full."


class Outcomes:
    def __init__(self, files: MediaFiles, config: RuntimeConfig, events: Hub):
        self.files = files
        self.data = files.data
        self.config = config
        self.events = events

    def reporter(self, video: Video):
        last = [0.0]

        def progress(percent: float) -> None:
            moment = time.monotonic()
            if moment - last[0] < PROGRESS_EVERY:
                return
            last[0] = moment
            percent = round(max(0.0, min(100.0, float(percent))), 1)
            if not Video.update(progress=percent).where(held(video)).execute():
                return  # the claim has passed on: its new run tells its own progress
            self.events.publish(
                "video.progress",
                {"video_id": video.public_id, "percent": percent},
                video_id=video.public_id,
                owner_id=video.uploader_id,
            )

        return progress

    def complete(
        self,
        video: Video,
        result: Any,
        tmp_video,
        tmp_thumb,
        tmp_previews=(),
        variants=None,
        stored: set[str] = frozenset(),
    ) -> bool:
        """Whether the video took the result. ``stored``: the kinds a remote worker
        already put in the bucket (the caller's to remove if not taken). A claim that no
        longer holds leaves the files of the run that holds it alone."""
        key = video.storage_key
        if not Video.select().where(held(video)).exists():
            log.warning("dropping the late result of video %s: claimed again", video.id)
            return False
        if "video" not in stored:
            os.replace(tmp_video, self.data.video_file(key))
        if tmp_thumb.exists():
            os.replace(tmp_thumb, self.data.thumbnail_file(key))
        if (
            getattr(result, "previews", False)
            and "sprite" not in stored
            and all(p.exists() for p in tmp_previews)
        ):
            self.data.previews.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_previews[0], self.data.sprite_file(key))
            os.replace(tmp_previews[1], self.data.preview_index_file(key))
        for width, path in (variants or {}).items():
            os.replace(path, self.data.thumbnail_variant(key, width))
        # A local file would win over the bucket's copy: none of the stored kinds stays.
        storage.remove(*(self.files.path(kind, key) for kind in stored))
        with immediate():
            done = (
                Video.update(
                    bucket_files=" ".join(sorted(stored)) or Video.bucket_files,
                    processing_status="completed",
                    progress=100,
                    error_message=None,
                    **result_columns(result),
                    recorded_at=result.recorded_at,
                    stand_in_type=None,
                    processing_finished_at=now(),
                )
                .where(held(video))
                .execute()
            )
        if not done:  # deleted, reset or claimed again while its files moved in
            if not Video.select().where(Video.id == video.id).exists():
                self.files.remove(key)
            return False
        # No URL serves the stand-in once the row says completed.
        storage.remove(self.data.stand_in_file(key))
        Captions.from_file(video, getattr(result, "captions", ()))
        if not self.config["keep_originals"]:
            storage.remove(self.data.original_file(key))
        finished = Video.get_by_id(video.id)
        self.events.publish(
            "video.ready",
            {"video_id": video.public_id, **ready_summary(finished)},
            video_id=video.public_id,
            owner_id=video.uploader_id,
            # Those watching the stand-in switch to the processed file.
            followers=video.stand_in_type is not None,
        )
        announce_published(self.events, finished)
        # Into the bucket of media_store, if there is one; until then the disk serves it.
        self.files.offload(video.id)
        return True

    def fail(self, video: Video, message: str) -> None:
        failed = (
            Video.update(
                processing_status="failed",
                error_message=message,
                stand_in_type=None,
                processing_finished_at=now(),
            )
            .where(held(video))
            .execute()
        )
        if not failed:  # deleted, reset, or claimed again: not this run's to tell
            return
        self.events.publish(
            "video.failed",
            {"video_id": video.public_id, "error": message},
            video_id=video.public_id,
            owner_id=video.uploader_id,
        )
        storage.remove(self.data.stand_in_file(video.storage_key))


def message(exc: Exception) -> str:
    """Why a job failed, in words for its owner; the unexpected is logged in full."""
    if isinstance(exc, InsufficientStorage) or (
        isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    ):
        return DISK_FULL
    if isinstance(exc, ClipsetError):
        return exc.detail
    if isinstance(exc, FileNotFoundError):
        return "The uploaded original of this video is missing."
    log.error("processing failed", exc_info=exc)
    return f"Processing failed unexpectedly ({type(exc).__name__}: {exc})."


_SUMMARY = (
    Video.processing_status,
    Video.transcode_mode,
    Video.duration_seconds,
    Video.width,
    Video.height,
)


def ready_summary(video: Video) -> dict:
    """What a client needs to show a finished video without fetching it again."""
    return model_to_dict(video, only=_SUMMARY)


def job_options(settings, *, trim_start, trim_end, cover_time) -> dict:
    """The fields of ``media.Options`` a job runs with, but the encoder (each machine
    picks its own): the pool and edits build their options from it, remote workers get it
    as JSON."""
    return {
        "crf": settings.x264_crf,
        "preset": settings.x264_preset,
        "max_fps": settings.max_fps,
        "surround": settings.surround_audio,
        "trim_start": trim_start,
        "trim_end": trim_end,
        "cover_time": cover_time,
    }


def result_columns(result) -> dict:
    """The columns a finished transcode (a ``media.Result``) sets on its video."""
    return {
        "transcode_mode": result.mode,
        "duration_seconds": result.duration,
        "width": result.width,
        "height": result.height,
        "fps": result.fps,
        "video_codec": result.video_codec,
        "audio_codec": result.audio_codec,
        "bitrate": result.bitrate,
        "file_size_bytes": result.size_bytes,
    }
