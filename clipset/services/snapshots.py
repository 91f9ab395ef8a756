"""Backup snapshots on disk: making one while Clipset runs, checking one, putting one back.

A backup folder holds snapshots named ``clipset-<UTC time>``, each a plain copy of a data
dir (database, secret key, config, the media files the database names) with a
``manifest.json`` giving every file's size and SHA-256. The database is copied with
SQLite's online backup API, so it is consistent while Clipset writes; media files are
written once and never changed, so a file the previous snapshot already holds with the
same name, size and checksum is hard-linked from it instead of copied again. A snapshot
is written under a hidden name and renamed when complete: a failed backup leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Callable

from .. import __version__
from ..errors import BackupFailed, Conflict
from ..store.db import is_postgres
from ..store.dirs import DataDir

MANIFEST = "manifest.json"
PREFIX = "clipset-"
FORMAT = 1
CHUNK = 1024 * 1024
PRIVATE = ("secret.key",)  # restored with owner-only permissions
SETTINGS_FILES = ("secret.key", "config.toml")


# -- the backup folder ------------------------------------------------------------------
# The folders ``check_destination`` takes as absolute on this system (or "": none), for the
# API document. A relative one is refused rather than read against some folder: the web app
# has no working directory, and the data dir is the one place a backup must not go.
ABSOLUTE_PATH_PATTERN = r"^($|~|[A-Za-z]:[\\/]|\\\\)" if os.name == "nt" else r"^($|~|/)"


def check_destination(folder: str | os.PathLike) -> Path:
    """The backup folder, if it exists and Clipset can write in it."""
    path = Path(folder).expanduser()
    if not path.is_absolute():
        raise BackupFailed(
            f"The backup folder must be an absolute path, not {folder}.",
            error_code="backup_dir_invalid",
        )
    if not path.is_dir():
        raise BackupFailed(
            f"The backup folder {path} does not exist (is its disk or NAS mounted?).",
            error_code="backup_dir_missing",
        )
    probe = path / f".clipset-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BackupFailed(
            f"Clipset can't write in the backup folder {path}: {exc.strerror or exc}.",
            error_code="backup_dir_unwritable",
        ) from exc
    return path


def snapshots(folder: Path) -> list[Path]:
    """Complete snapshots in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and p.name.startswith(PREFIX) and (p / MANIFEST).is_file()
    )


def read_manifest(snapshot: Path) -> dict:
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupFailed(
            f"{snapshot} has no readable {MANIFEST}; it is not a Clipset backup or it is damaged.",
            error_code="backup_damaged",
        ) from exc
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupFailed(
            f"{snapshot / MANIFEST} is not a backup this Clipset can read.",
            error_code="backup_damaged",
        )
    return manifest


def prune(folder: Path, keep: int) -> list[Path]:
    """Deletes all but the newest ``keep`` snapshots; returns what went."""
    old = snapshots(folder)[:-keep] if keep > 0 else []
    for snapshot in old:
        shutil.rmtree(snapshot, ignore_errors=True)
    return old


NOT_ON_POSTGRESQL = (
    "Backups here copy the SQLite database with SQLite's backup API; on PostgreSQL, back "
    "up the database with PostgreSQL's own tools (pg_dump) and the media folder beside it."
)


def _sqlite_only() -> None:
    if is_postgres():
        raise Conflict(NOT_ON_POSTGRESQL, error_code="not_on_postgresql")


# -- making one -------------------------------------------------------------------------
def create(data: DataDir, folder: str | os.PathLike) -> dict:
    """A new snapshot of ``data`` in ``folder``; returns its summary (the manifest
    without the file list, plus its path)."""
    _sqlite_only()
    folder = check_destination(folder)
    if not data.database.is_file():
        raise BackupFailed(
            f"There is no database in {data.root} to back up.", error_code="nothing_to_back_up"
        )
    existing = snapshots(folder)
    previous = existing[-1] if existing else None
    before = read_manifest(previous)["files"] if previous else {}
    name = _new_name(folder)
    partial = folder / f".partial-{name}"
    stats = {"copied_files": 0, "linked_files": 0, "copied_bytes": 0}
    try:
        partial.mkdir()
        files: dict[str, dict] = {}
        database = partial / data.database.name
        _backup_database(data.database, database)
        files[data.database.name] = {"size": database.stat().st_size, "sha256": _digest(database)}
        stats["copied_files"] += 1
        stats["copied_bytes"] += database.stat().st_size
        for rel in SETTINGS_FILES:
            if (data.root / rel).is_file():
                files[rel] = _copy(data.root / rel, partial / rel, stats)
        named, schema = _media_named(database)
        missing = []
        for rel, limit in named:
            source = data.root / rel
            if not source.is_file():
                missing.append(rel)  # deleted since the database was copied
                continue
            files[rel] = _copy_or_link(
                source,
                partial / rel,
                limit,
                before.get(rel),
                previous / rel if previous else None,
                stats,
            )
        manifest = {
            "format": FORMAT,
            "clipset_version": __version__,
            "created_at": _utc_now().isoformat(timespec="seconds") + "Z",
            "schema_version": schema,
            "source": str(data.root),
            "bytes": sum(f["size"] for f in files.values()),
            **stats,
            "missing": missing,
            "files": files,
        }
        _write_json(partial / MANIFEST, manifest)
        os.replace(partial, folder / name)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BackupFailed(
                f"The backup into {folder} failed: {exc.strerror or exc}.",
                error_code="backup_failed",
            ) from exc
        if isinstance(exc, sqlite3.Error):
            raise BackupFailed(f"The database could not be copied: {exc}.") from exc
        raise
    return summary(folder / name, manifest)


def summary(snapshot: Path, manifest: dict) -> dict:
    return {
        "path": str(snapshot),
        **{k: v for k, v in manifest.items() if k != "files"},
        "file_count": len(manifest["files"]),
    }


def _new_name(folder: Path) -> str:
    stamp = _utc_now().strftime("%Y%m%dT%H%M%SZ")
    name, n = f"{PREFIX}{stamp}", 1
    while (folder / name).exists() or (folder / f".partial-{name}").exists():
        n += 1
        name = f"{PREFIX}{stamp}-{n}"
    return name


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _backup_database(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while other connections write."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=delete")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def _media_named(database: Path) -> tuple[list[tuple[str, int | None]], int]:
    """The media files the copied database names (relative paths), each with how many
    of its bytes count (an upload in progress: its recorded offset), and the schema."""
    layout = DataDir("")  # relative paths inside a data dir
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        keys = [k for (k,) in conn.execute('SELECT storage_key FROM "video"')]
        uploads = conn.execute('SELECT id, "offset" FROM "upload"').fetchall()
    finally:
        conn.close()
    named: list[tuple[str, int | None]] = []
    for key in keys:
        for path in (
            layout.video_file(key),
            layout.thumbnail_file(key),
            layout.sprite_file(key),
            layout.preview_index_file(key),
            layout.original_file(key),
        ):
            named.append((path.as_posix(), None))
    for upload_id, offset in uploads:
        named.append((layout.upload_file(upload_id).as_posix(), offset))
        named.append((layout.original_file(upload_id).as_posix(), None))  # being posted
    return named, schema


def _copy_or_link(
    source: Path,
    target: Path,
    limit: int | None,
    before: dict | None,
    previous: Path | None,
    stats: dict,
) -> dict:
    """Unchanged since the previous snapshot (same name, size, checksum): a hard link to
    it (a copy where the folder can't link); otherwise a verified copy."""
    size = source.stat().st_size if limit is None else min(limit, source.stat().st_size)
    if (
        before
        and previous is not None
        and before["size"] == size
        and previous.is_file()
        and _digest(source, limit) == before["sha256"]
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous, target)
            stats["linked_files"] += 1
            return {"size": size, "sha256": before["sha256"]}
        except OSError:
            pass  # e.g. a NAS share without hard links: copy instead
    return _copy(source, target, stats, limit)


def _copy(source: Path, target: Path, stats: dict, limit: int | None = None) -> dict:
    """Copies (the first ``limit`` bytes of) ``source``, then reads the copy back to
    check its size and checksum."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(target, "wb") as dst:
        while limit is None or size < limit:
            chunk = src.read(CHUNK if limit is None else min(CHUNK, limit - size))
            if not chunk:
                break
            dst.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(target, source.stat().st_mode & 0o777)
    stats["copied_files"] += 1
    stats["copied_bytes"] += size
    return _verify(target, {"size": size, "sha256": digest.hexdigest()})


def _verify(path: Path, expected: dict) -> dict:
    got = _digest(path)
    if got != expected["sha256"] or path.stat().st_size != expected["size"]:
        raise BackupFailed(
            f"The copy {path} does not match what was read (size or "
            "checksum differs); the backup disk may be failing.",
            error_code="backup_damaged",
        )
    return {"size": expected["size"], "sha256": got}


def _digest(path: Path, limit: int | None = None) -> str:
    """SHA-256 of (the first ``limit`` bytes of) ``path``."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while limit is None or size < limit:
            chunk = f.read(CHUNK if limit is None else min(CHUNK, limit - size))
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest()


def _write_json(path: Path, value: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())


# -- putting one back -------------------------------------------------------------------
def find(source: str | os.PathLike) -> Path:
    """A snapshot: ``source`` itself, or the newest one in the backup folder ``source``."""
    path = Path(source).expanduser()
    if (path / MANIFEST).is_file():
        return path
    found = snapshots(path)
    if not found:
        raise BackupFailed(f"No Clipset backup found in {path}.", error_code="backup_not_found")
    return found[-1]


def restore(source: str | os.PathLike, data: DataDir, in_use: Callable[[], Any]) -> dict:
    """Puts a snapshot back into ``data``, which must be empty (or not exist) and not in
    use (``in_use`` answers the Clipset using it, with its ``pid``, or None). Every file
    is checked against the manifest as it is copied into a hidden folder
    beside the data dir, which becomes the data dir only when all of them match."""
    _sqlite_only()
    snapshot = find(source)
    manifest = read_manifest(snapshot)
    running = in_use()
    if running is not None:
        raise BackupFailed(
            f"Clipset is running on {data.root} (pid {running.pid}); stop "
            "it before restoring, and restore into an empty folder.",
            error_code="data_dir_in_use",
        )
    if data.root.exists() and (not data.root.is_dir() or any(data.root.iterdir())):
        raise BackupFailed(
            f"{data.root} is not empty; restore into a new or empty folder "
            "(move the current one aside first).",
            error_code="data_dir_not_empty",
        )
    data.root.parent.mkdir(parents=True, exist_ok=True)
    staging = data.root.parent / f".{data.root.name}.restoring-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel, entry in sorted(manifest["files"].items()):
            target = staging / rel
            if Path(rel).is_absolute() or ".." in Path(rel).parts:
                raise BackupFailed(
                    f"{snapshot / MANIFEST} names a file outside the data dir ({rel}).",
                    error_code="backup_damaged",
                )
            if not (snapshot / rel).is_file():
                raise BackupFailed(
                    f"The backup is missing {rel}; nothing was restored.",
                    error_code="backup_damaged",
                )
            copied = _copy(snapshot / rel, target, {"copied_files": 0, "copied_bytes": 0})
            if copied != {"size": entry["size"], "sha256": entry["sha256"]}:
                raise BackupFailed(
                    f"The backup file {rel} is damaged (its size or checksum "
                    "differs from the manifest); nothing was restored.",
                    error_code="backup_damaged",
                )
            if rel in PRIVATE:
                os.chmod(target, 0o600)
        DataDir(staging).create()
        if data.root.exists():
            data.root.rmdir()  # empty, checked above
        os.replace(staging, data.root)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BackupFailed(
                f"Restoring into {data.root} failed: {exc.strerror or exc}; nothing was restored."
            ) from exc
        raise
    return summary(snapshot, manifest)
