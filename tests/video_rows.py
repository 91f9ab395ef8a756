"""Video rows made directly with the models, with small real files on disk.

Management, browsing and streaming tests don't need transcoding: a row in a given state
plus a few KB of bytes at the paths the data dir names is what those paths read.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from clipset.store.db import database
from clipset.store.models import Video, now


@contextlib.contextmanager
def db():
    database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        database.close()


def file_bytes(size: int) -> bytes:
    """Bytes whose every position is distinguishable enough for range checks."""
    pattern = bytes(range(256)) + b"clipset"
    return (pattern * (size // len(pattern) + 1))[:size]


def make_video(
    app,
    owner,
    *,
    title: str = "clip",
    status: str = "completed",
    privacy: str = "public",
    files: bool = True,
    size: int = 5000,
    created_at: dt.datetime | None = None,
    **fields,
) -> Video:
    """A video of ``owner`` (an ``Api`` from the fixtures) in any state."""
    data = app.extensions["clipset"].data
    fields.setdefault("duration_seconds", 2.0)
    with db():
        video = Video.create(
            uploader=owner.user["id"],
            title=title,
            privacy=privacy,
            processing_status=status,
            file_size_bytes=size,
            created_at=created_at or now(),
            **fields,
        )
    if files:
        data.video_file(video.storage_key).write_bytes(file_bytes(size))
        data.thumbnail_file(video.storage_key).write_bytes(b"\xff\xd8\xff" + file_bytes(300))
    return video


def reload(video: Video) -> Video | None:
    with db():
        return Video.get_or_none(Video.id == video.id)
