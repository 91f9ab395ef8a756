"""A video's files: where each kind lives in the data dir, which of them move to the bucket
of ``media_store`` once the video is processed, and where each is served from.

The row's ``bucket_files`` names the kinds the bucket holds. A local file of a kind wins
over the bucket's copy: a file an edit has just written is served at once, and goes up
(``offload``) right after; until it has gone up nothing is lost, because the local file is
removed only once the bucket has it, checked. A failure to reach the bucket leaves the
video on disk, playing as before, for the next edit or ``clipset migrate-media``.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path
from typing import Callable, Iterator

from ..errors import MediaStoreFailed, NotFound
from ..store.db import immediate
from ..store.dirs import DataDir
from ..store.models import Video
from . import storage
from .bucket import Bucket
from .bucket_deletes import BucketDeletes
from .media_urls import THUMBNAIL_WIDTHS

log = logging.getLogger(__name__)

# Every kind of a video's own file and where it lives in a data dir.
FILES: dict[str, Callable[[DataDir, str], Path]] = {
    "video": DataDir.video_file,
    "thumbnail": DataDir.thumbnail_file,
    "sprite": DataDir.sprite_file,
    "previews": DataDir.preview_index_file,
    "stand-in": DataDir.stand_in_file,
    "filmstrip": DataDir.video_filmstrip_file,
    **{
        f"thumbnail-{w}": (lambda data, key, w=w: data.thumbnail_variant(key, w))
        for w in THUMBNAIL_WIDTHS
    },
}
# The finished files that live in a bucket, and their types. The stand-in (gone once
# processed), the editor's filmstrip (a cache) and the original stay on disk.
BUCKET_TYPES = {
    "video": "video/mp4",
    "thumbnail": "image/jpeg",
    "sprite": "image/jpeg",
    "previews": "text/vtt",
    **{f"thumbnail-{w}": "image/webp" for w in THUMBNAIL_WIDTHS},
}


def file_missing() -> NotFound:
    return NotFound("The file of this video is missing.", error_code="file_missing")


def in_bucket(video: Video) -> set[str]:
    return set((video.bucket_files or "").split())


class MediaFiles:
    def __init__(self, data: DataDir, bucket: Bucket | None):
        self.data = data
        self.bucket = bucket
        self.deletes = BucketDeletes(bucket) if bucket is not None else None

    def path(self, kind: str, key: str) -> Path:
        return FILES[kind](self.data, key)

    def name(self, kind: str, key: str) -> str:
        """The object name of a file: its path under the data dir's media folder."""
        return self.path(kind, key).relative_to(self.data.media).as_posix()

    def has(self, video: Video, kind: str) -> bool:
        return kind in in_bucket(video) or self.path(kind, video.storage_key).is_file()

    def direct_url(
        self, video: Video, kind: str, ttl_seconds: int, download_as: str | None = None
    ) -> str | None:
        """A presigned URL when the bucket holds the file and no newer local copy exists;
        None: the data dir serves it."""
        if self.bucket is None or kind not in in_bucket(video):
            return None
        if self.path(kind, video.storage_key).is_file():
            return None
        return self.bucket.presign(self.name(kind, video.storage_key), ttl_seconds, download_as)

    def local(self, video: Video, kind: str) -> Path:
        """The local file of ``kind``, else ``NotFound`` (``file_missing``)."""
        path = self.path(kind, video.storage_key)
        if not path.is_file():
            raise file_missing()
        return path

    @contextlib.contextmanager
    def local_video(self, video: Video) -> Iterator[Path]:
        """The processed video as a local file, fetched from the bucket for the while."""
        path = self.path("video", video.storage_key)
        if path.is_file() or self.bucket is None or "video" not in in_bucket(video):
            yield self.local(video, "video")
            return
        copy = self.data.tmp / f"{video.storage_key}.{uuid.uuid4().hex[:8]}.fetched.mp4"
        try:
            self.bucket.fetch(self.name("video", video.storage_key), copy)
            yield copy
        finally:
            storage.remove(copy)

    def offload(self, video_id: int, bucket: Bucket | None = None) -> int:
        """The video's finished local files into the bucket, then off the disk. Returns
        how many went up; a bucket that fails leaves them on disk (logged), unless
        ``bucket`` was given (``migrate-media``), whose caller hears the error."""
        target = bucket or self.bucket
        if target is None:
            return 0
        video = Video.get_or_none(Video.id == video_id)
        if video is None or video.processing_status != "completed":
            return 0
        key = video.storage_key
        local = self._local_kinds(key)
        sent = {}  # what went up, to remove only a file no edit has replaced since
        try:
            BucketDeletes(target).forget(*(self.name(k, key) for k in local))
            for kind in local:
                path = self.path(kind, key)
                sent[path] = _version(path)
                target.put(path, self.name(kind, key), BUCKET_TYPES[kind])
        except Exception as exc:  # never fails a finished job or an edit: the disk serves it
            if bucket is not None:
                raise
            log.warning(
                "video %s stays on disk until the media store is back",
                video.public_id,
                exc_info=not isinstance(exc, MediaStoreFailed),
            )
            return 0
        with immediate():
            row = Video.get_or_none(Video.id == video_id)
            if row is not None:
                kinds = _joined(in_bucket(row) | set(local))
                Video.update(bucket_files=kinds).where(Video.id == video_id).execute()
        if row is None:  # deleted while its files went up
            self.remove(key)
            return 0
        storage.remove(*(path for path, version in sent.items() if _version(path) == version))
        return len(local)

    def migrate(self, target: Bucket, report: Callable[[str], None]) -> dict:
        """``clipset migrate-media``: every processed video's local files into ``target``,
        one video at a time (each checked by the store against its MD5, then by size), so
        an interrupted run goes on where it stopped and the server keeps serving. Raises
        ``MediaStoreFailed`` on the first file the store refuses."""
        target.check()
        query = Video.select(Video.id, Video.storage_key, Video.public_id).where(
            Video.processing_status == "completed"
        )
        pending = [v for v in query.order_by(Video.id) if self._local_kinds(v.storage_key)]
        moved = {"videos": 0, "files": 0, "bytes": 0}
        for number, video in enumerate(pending, 1):
            size = sum(
                self.path(k, video.storage_key).stat().st_size
                for k in self._local_kinds(video.storage_key)
            )
            files = self.offload(video.id, bucket=target)
            if files:
                moved["videos"] += 1
                moved["files"] += files
                moved["bytes"] += size
            report(f"{number}/{len(pending)} {video.public_id}: {files} files")
        return moved

    def _local_kinds(self, key: str) -> list[str]:
        return [k for k in BUCKET_TYPES if self.path(k, key).is_file()]

    def drop(self, video: Video, *kinds: str) -> None:
        """Files the video no longer has (an edit's cut without seek previews)."""
        left = _joined(in_bucket(video) - set(kinds))
        Video.update(bucket_files=left).where(Video.id == video.id).execute()
        storage.remove(*(self.path(k, video.storage_key) for k in kinds))
        self._remove_objects(video.storage_key, kinds)

    def remove(self, key: str) -> None:
        """Every file of a video, on disk and in the bucket; never fails the caller (an
        object the bucket keeps is removed later: services.bucket_deletes)."""
        storage.remove_video_files(self.data, key)
        self._remove_objects(key, BUCKET_TYPES)

    def _remove_objects(self, key: str, kinds) -> None:
        if self.deletes is not None:
            self.deletes.remove(key, {k: self.name(k, key) for k in kinds})


def _joined(kinds: set[str]) -> str | None:
    return " ".join(sorted(kinds)) or None


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns
