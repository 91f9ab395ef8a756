"""Files on disk for uploads and videos; removal never fails the caller."""
from __future__ import annotations

import logging
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


def ensure_room(data: DataDir, nbytes: int) -> None:
    free = shutil.disk_usage(data.media).free
    if free < nbytes + DISK_MARGIN:
        raise InsufficientStorage(
            f"The server's disk has {free / 1024**3:.1f} GiB free, not enough for this "
            f"{nbytes / 1024**3:.2f} GiB upload. Ask the host to free some space.")
