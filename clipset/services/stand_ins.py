"""Playable while processing: the original's stream copy (``media.make_stand_in``) that
browsers able to decode it play until the processed file is ready.

The job makes it first, in seconds, then processes. From then until the job ends the
video is watchable by whoever may see the finished one (``visibility.watchable``), through
a signed ``stand-in`` URL, and ``video.playable`` tells the video's screens. The job's end
(success or failure) and deletion remove it; a job stopped by shutdown keeps it for the
retry. A trimmed video gets none: what its owner cut away is not for others to see.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid

from ..errors import NotFound
from ..store.dirs import DataDir
from ..store.models import User, Video
from . import storage
from .catalog import find, visible
from .hub import Hub
from .media_urls import MediaUrls

log = logging.getLogger(__name__)

PLAYABLE = "video.playable"
KIND = "stand-in"  # its kind of signed media URL


def no_stand_in() -> NotFound:
    return NotFound(
        "This video has no original playing while it is processed.", error_code="no_stand_in"
    )


class StandIns:
    def __init__(self, data: DataDir, urls: MediaUrls, events: Hub):
        self.data = data
        self.urls = urls
        self.events = events

    def make(self, video: Video, cancel: threading.Event) -> None:
        """At the start of the video's job: the stand-in, when its original plays in
        browsers as it is. Never fails the job: processing tells what is wrong."""
        from .. import media  # PyAV is loaded by the first job, not at import

        if video.trim_start is not None or video.trim_end is not None:
            return
        final = self.data.stand_in_file(video.storage_key)
        if video.stand_in_type and final.is_file():  # made before a restart
            return
        tmp = self.data.tmp / f"{video.storage_key}.{uuid.uuid4().hex[:8]}.stand-in.mp4"
        try:
            mime = media.make_stand_in(self.data.original_file(video.storage_key), tmp, cancel)
        except media.Cancelled:
            raise
        except Exception:
            log.warning("no stand-in for video %s", video.public_id, exc_info=True)
            storage.remove(tmp)
            return
        if mime is None:
            return
        self.data.stand_ins.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        shown = (
            Video.update(stand_in_type=mime)
            .where(Video.id == video.id, Video.processing_status == "processing")
            .execute()
        )
        if not shown:  # deleted (or reset) meanwhile
            storage.remove(final)
            return
        video.stand_in_type = mime
        self.events.publish(
            PLAYABLE,
            {"video_id": video.public_id, "stand_in_type": mime},
            video_id=video.public_id,
            owner_id=video.uploader_id,
            followers=True,
        )

    def sweep(self) -> None:
        """At start-up (no job running): stand-ins no unfinished video plays any more,
        left by a crash between a job's end and the file's removal."""
        if not self.data.stand_ins.is_dir():
            return
        playing = {
            key
            for (key,) in Video.select(Video.storage_key)
            .where(Video.stand_in_type.is_null(False), Video.processing_status != "completed")
            .tuples()
        }
        storage.remove(*(f for f in self.data.stand_ins.iterdir() if f.stem not in playing))

    def url(self, user: User, video_id: str) -> dict:
        """The signed URL and MIME type of the stand-in playing now; 404 ``no_stand_in``
        when there is none (finished, or an original browsers can't play as it is)."""
        video = visible(user, find(video_id, user))
        if video.processing_status == "completed" or not video.stand_in_type:
            raise no_stand_in()
        if not self.data.stand_in_file(video.storage_key).is_file():
            raise no_stand_in()
        return {**self.urls.issue(user, video, KIND), "type": video.stand_in_type}
