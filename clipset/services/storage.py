"""Files on disk for uploads and videos; removal never fails the caller. Also what a full
disk looks like (the OS's ENOSPC, SQLite's SQLITE_FULL) and whether there is room."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import peewee

from ..errors import InsufficientStorage
from ..store import db
from ..store.dirs import DataDir

log = logging.getLogger(__name__)

FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
FULL_SQLITE = ("database or disk is full",)  # SQLITE_FULL
PG_DISK_FULL = "53100"  # PostgreSQL's disk_full SQLSTATE
FULL_DETAIL = "The server's disk is full. Ask the host to free some space."


def remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path, exc_info=True)


def remove_video_files(data: DataDir, storage_key: str) -> None:
    remove(
        data.video_file(storage_key),
        data.thumbnail_file(storage_key),
        data.sprite_file(storage_key),
        data.preview_index_file(storage_key),
        data.stand_in_file(storage_key),
        data.original_file(storage_key),
        data.video_filmstrip_file(storage_key),
        *data.thumbnails.glob(f"{storage_key}.*.webp"),
    )


def set_aside_orphans(data: DataDir, video_keys: set[str], upload_ids: set[str]) -> int:
    """At start-up, before anything can be in flight: media files no row refers to are
    left by a crash between a commit and the file removal after it, or by a removal
    refused because the file was open (Windows, while someone streams it). They may
    also be the only copy of a video, if the database was restored from an older backup,
    so they are moved to ``media/unclaimed`` rather than deleted; thumbnails, which are
    made again from the video, are deleted, as are stand-ins (copies of an original).
    Returns how many files were moved."""
    owned = video_keys | upload_ids  # an original is named by its upload until posted
    keep = [
        (data.uploads, lambda f: f.name in upload_ids),
        (data.originals, lambda f: f.name in owned),
        (data.videos, lambda f: f.stem in video_keys),
    ]
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
    for folder in (data.thumbnails, data.previews, data.stand_ins):
        if folder.is_dir():
            remove(
                *(
                    f
                    for f in folder.iterdir()
                    if f.is_file() and f.name.split(".")[0] not in video_keys
                )
            )
    if moved:
        log.warning(
            "moved %d media file(s) that no video or upload refers to into %s; "
            "check them, then delete them to free the space",
            moved,
            data.unclaimed,
        )
    return moved


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) means the disk has no room left."""
    while exc is not None:
        if isinstance(exc, InsufficientStorage):
            return True
        if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
            return True
        if isinstance(exc, (sqlite3.OperationalError, peewee.OperationalError)) and (
            str(exc).lower().startswith(FULL_SQLITE)
            or (db.is_read_only() and "readonly" in str(exc).lower())
        ):
            return True
        if getattr(exc, "sqlstate", None) == PG_DISK_FULL:  # psycopg: the server's disk
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def as_disk_full(exc: BaseException) -> InsufficientStorage | None:
    """The 507 to raise instead of ``exc`` when it means a full disk, else None."""
    if isinstance(exc, InsufficientStorage):
        return exc
    return InsufficientStorage(FULL_DETAIL) if is_disk_full(exc) else None


def free_bytes(data: DataDir) -> int:
    return shutil.disk_usage(data.media).free


def ensure_room(data: DataDir, nbytes: int, *, reserved: int, margin: int) -> None:
    """``nbytes`` more must fit beside what unfinished uploads are still owed
    (``reserved``) and the margin kept for the database, logs and processing."""
    free = free_bytes(data)
    room = free - reserved - margin
    if room < nbytes:
        raise InsufficientStorage(
            f"The server's disk has {size_text(max(0, room))} left for uploads "
            f"({size_text(free)} free, {size_text(reserved)} promised to uploads in progress, "
            f"{size_text(margin)} kept for the database and logs), not enough for this "
            f"{size_text(nbytes)} upload. Ask the host to free some space."
        )


def size_text(nbytes: int) -> str:
    """Bytes as people read them in messages: MiB, or GiB from one GiB up."""
    if nbytes < 1024**3:
        return f"{nbytes / 1024**2:,.1f} MiB"
    return f"{nbytes / 1024**3:,.2f} GiB"


def disk_report(data: DataDir, *, reserved: int, margin: int, processing_waits: bool) -> dict:
    """The disk as the admin dashboard shows it: ``full`` when no upload fits any more
    (or processing waits for room), ``low`` when less than the margin is left for
    uploads, else ``ok``; ``detail`` says why in words."""
    usage = shutil.disk_usage(data.media)
    room = usage.free - reserved - margin
    read_only = db.is_read_only()
    state = (
        "full" if room <= 0 or processing_waits or read_only else "low" if room < margin else "ok"
    )
    detail = None
    if read_only:
        detail = (
            "Clipset started on a disk too full to write its database, so it is "
            "read-only: nothing can be uploaded, posted or changed. Free some space; "
            "Clipset writes again by itself once there is room."
        )
    elif state != "ok":
        detail = (
            f"{size_text(usage.free)} free of {size_text(usage.total)}: "
            f"{size_text(reserved)} is promised to uploads in progress and "
            f"{size_text(margin)} is kept for the database and logs, leaving "
            f"{size_text(max(0, room))} for new uploads."
        )
        if processing_waits:
            detail += " Processing waits until there is room for its output."
        detail += (
            " New uploads are refused until you free some space."
            if state == "full"
            else " Free some space before the disk fills."
        )
    return {
        "state": state,
        "detail": detail,
        "free_bytes": usage.free,
        "total_bytes": usage.total,
        "reserved_bytes": reserved,
        "margin_bytes": margin,
        "processing_waits": processing_waits,
        "read_only": read_only,
    }
