"""Files on disk for uploads and videos; removal never fails the caller."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from ..dirs import DataDir
from ..errors import InsufficientStorage

log = logging.getLogger(__name__)

# Room kept free beyond what an upload declares (output, thumbnail, database growth).
DISK_MARGIN = 256 * 1024**2


def remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path, exc_info=True)


def remove_video_files(data: DataDir, storage_key: str) -> None:
    remove(data.video_file(storage_key), data.thumbnail_file(storage_key),
           data.original_file(storage_key))


def set_aside_orphans(data: DataDir, video_keys: set[str], upload_ids: set[str]) -> int:
    """At start-up, before anything can be in flight: media files no row refers to are
    left by a crash between a commit and the file removal after it, or by a removal
    refused because the file was open (Windows, while someone streams it). They may
    also be the only copy of a video, if the database was restored from an older backup,
    so they are moved to ``media/unclaimed`` rather than deleted; thumbnails, which are
    made again from the video, are deleted. Returns how many files were moved."""
    owned = video_keys | upload_ids  # an original is named by its upload until posted
    keep = [(data.uploads, lambda f: f.name in upload_ids),
            (data.originals, lambda f: f.name in owned),
            (data.videos, lambda f: f.stem in video_keys)]
    moved = 0
    for folder, claimed in keep:
        for file in folder.iterdir():
            if file.is_file() and not claimed(file):
                target = data.unclaimed / folder.name / file.name
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(file, target)
                    moved += 1
                except OSError:  # held open by another program: next start tries again
                    log.warning("could not move %s aside", file, exc_info=True)
    remove(*(f for f in data.thumbnails.iterdir() if f.is_file() and f.stem not in video_keys))
    if moved:
        log.warning("moved %d media file(s) that no video or upload refers to into %s; "
                    "check them, then delete them to free the space", moved, data.unclaimed)
    return moved


def ensure_room(data: DataDir, nbytes: int) -> None:
    free = shutil.disk_usage(data.media).free
    if free < nbytes + DISK_MARGIN:
        raise InsufficientStorage(
            f"The server's disk has {free / 1024**3:.1f} GiB free, not enough for this "
            f"{nbytes / 1024**3:.2f} GiB upload. Ask the host to free some space.")
