"""``clipset doctor``: what a host owner (or a bug report) needs to know about this install."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

from .. import __version__
from ..desktop.instance import InstanceLock, port_free
from ..errors import MediaStoreFailed
from ..services.bucket import Bucket
from ..services.bucket_deletes import RETRY_MINUTES
from ..services.storage import size_text
from ..settings import Settings
from ..store import migrations
from ..store.db import postgres_params, redact
from ..store.dirs import DataDir
from . import logs


def _schema_version(database: Path) -> str:
    if not database.is_file():
        return f"no database yet (created on first start; latest schema is {migrations.LATEST})"
    try:
        with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"
    state = (
        "up to date"
        if version == migrations.LATEST
        else f"will migrate to {migrations.LATEST} on start"
        if version < migrations.LATEST
        else f"NEWER than this Clipset ({migrations.LATEST})"
    )
    return f"{version} ({state})"


def _read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)


def _integrity(database: Path) -> str:
    if not database.is_file():
        return "no database yet"
    try:
        with contextlib.closing(_read_only(database)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        if "malformed" in str(exc):  # damaged where the check itself has to read
            return f"DAMAGED ({exc}); restore a backup"
        return f"COULD NOT CHECK: {exc}"
    if problems == ["ok"]:
        return "ok"
    return f"DAMAGED ({len(problems)} problem(s), first: {problems[0]}); restore a backup"


def _backups(database: Path) -> list[str]:
    """The scheduled-backup settings and last outcome, as the database records them."""
    from ..services.backups import STATE_KEY

    if not database.is_file():
        return []
    try:
        with contextlib.closing(_read_only(database)) as conn:
            rows = dict(
                conn.execute(
                    "SELECT key, value FROM config WHERE key IN (?, ?, ?)",
                    ("backup_dir", "backup_keep", STATE_KEY),
                ).fetchall()
            )
    except sqlite3.Error as exc:
        return [f"Backups: could not read their state ({exc})"]
    folder = json.loads(rows["backup_dir"]) if "backup_dir" in rows else None
    state = json.loads(rows.get(STATE_KEY, "{}"))
    lines = [
        f"Scheduled backups: to {folder}"
        if folder
        else "Scheduled backups: off (choose a folder on the admin dashboard, or run "
        "`clipset backup DEST`)"
    ]
    if state.get("success_at"):
        lines.append(
            f"  Last backup: {state['success_at']}Z, "
            f"{size_text(state.get('bytes', 0))} in {state.get('path')}"
        )
    if state.get("error"):
        lines.append(f"  LAST ATTEMPT FAILED at {state.get('failure_at')}Z: {state['error']}")
    return lines


def _disk_free(folder: Path) -> str:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    usage = shutil.disk_usage(folder)
    return f"{size_text(usage.free)} free of {size_text(usage.total)}"


def _pyav(encoder_preference: str = "auto") -> list[str]:
    try:
        from .. import media
    except ImportError as exc:
        return [f"PyAV: NOT AVAILABLE ({exc})"]
    caps = media.capabilities()
    libs = ", ".join(f"{name} {version}" for name, version in caps["libraries"].items())
    yes = {True: "yes", False: "NO"}
    return [
        f"PyAV: {caps['pyav_version']} ({libs})",
        f"  H.264 encoder libx264: {yes[caps['libx264']]}",
        f"  AAC encoder aac: {yes[caps['aac']]}",
        f"  Hardware H.264 encoders PyAV lists: {', '.join(caps['hardware_h264']) or 'none'}",
        f"  Video encoder in use: {media.encoders.choose(encoder_preference)} "
        f"(video_encoder = {encoder_preference}; hardware ones are tried with a test "
        "encode)",
    ]


def _unclaimed(data: DataDir) -> list[str]:
    files = (
        [f for f in data.unclaimed.rglob("*") if f.is_file()] if data.unclaimed.is_dir() else []
    )
    if not files:
        return []
    size = sum(f.stat().st_size for f in files)
    return [
        f"Unclaimed media: {len(files)} file(s), {size_text(size)} in {data.unclaimed} "
        "(no video refers to them; check them, then delete them to free the space)"
    ]


def _port(settings: Settings) -> str:
    running = InstanceLock(settings.data_dir).read()
    where = f"{settings.host}:{settings.port}"
    if running is not None:
        return f"{where}: Clipset is running here (pid {running.pid}, {running.url})"
    if port_free(settings.host, settings.port):
        return f"{where}: free"
    return f"{where}: IN USE by another program (choose another with --port)"


def _database_lines(settings: Settings, data: DataDir) -> list[str]:
    if settings.database_url:
        # The server's own checks (amcheck, pg_dump) cover PostgreSQL; this reads SQLite.
        return [
            f"Database: PostgreSQL at {redact(settings.database_url)}",
            "Database schema version and integrity: not on PostgreSQL (checked at start)",
        ]
    return [
        f"Database schema version: {_schema_version(data.database)}",
        f"Database integrity: {_integrity(data.database)}",
        *_backups(data.database),
    ]


# Per bucket: how many objects are still to remove, and what its store said last.
_PENDING_DELETES = (
    'SELECT "bucket", count(*), (SELECT "error" FROM "bucket_delete" AS "last" '
    'WHERE "last"."bucket" = "pending"."bucket" ORDER BY "tried_at" DESC LIMIT 1) '
    'FROM "bucket_delete" AS "pending" GROUP BY "bucket" ORDER BY "bucket"'
)


def _count_pending(settings: Settings, data: DataDir) -> list[tuple[str, int, str | None]]:
    if settings.database_url:
        import psycopg

        params = postgres_params(settings.database_url)
        params["dbname"] = params.pop("database")
        with psycopg.connect(**params, connect_timeout=5) as conn:
            return conn.execute(_PENDING_DELETES).fetchall()
    if not data.database.is_file():
        return []
    with contextlib.closing(_read_only(data.database)) as conn:
        return conn.execute(_PENDING_DELETES).fetchall()


def _bucket_deletes(settings: Settings, data: DataDir) -> list[str]:
    """How many bucket objects a delete left behind, still to remove."""
    try:
        buckets = _count_pending(settings, data)
    except Exception as exc:  # an older schema, or the database is out of reach
        if not settings.media_store:
            return []  # never had a bucket: nothing to say
        return [f"Bucket deletes pending: could not count them ({exc})"]
    if not buckets:
        return ["Bucket deletes pending: 0"] if settings.media_store else []
    return [
        f"Bucket deletes pending: {count} object(s) the store did not remove yet, tried "
        f"again every {RETRY_MINUTES} minutes while Clipset runs (the store said: {error})"
        if url == settings.media_store
        else f"Bucket deletes pending in {url}: {count} object(s), not tried again since "
        f"media_store no longer names it (the store said: {error}); "
        f"`clipset bucket-deletes --retry {url}` or `--forget {url}`"
        for url, count, error in buckets
    ]


def _media_store(settings: Settings) -> str:
    bucket = Bucket.from_settings(settings)
    if bucket is None:
        return "Media store: the data dir"
    try:
        bucket.check()
    except MediaStoreFailed as exc:
        return f"Media store: {bucket.url} - {exc.detail}"
    return f"Media store: {bucket.url} at {settings.s3_endpoint_url or 'AWS'} (reachable)"


def _log_files(data: DataDir) -> list[str]:
    first, *others = logs.files(data.logs)
    return [f"Log file: {first}", *(f"Log file of another instance: {p}" for p in others)]


def report(settings: Settings) -> str:
    data = DataDir(settings.data_dir)
    lines = [
        f"Clipset {__version__} on Python {sys.version.split()[0]} ({sys.platform})"
        + (" [executable]" if getattr(sys, "frozen", False) else ""),
        f"Data dir: {data.root}",
        *_log_files(data),
        *_database_lines(settings, data),
        f"Disk: {_disk_free(data.root)}",
        _media_store(settings),
        *_bucket_deletes(settings, data),
        *_unclaimed(data),
        *_pyav(settings.video_encoder),
        f"Port: {_port(settings)}",
    ]
    return "\n".join(lines)
