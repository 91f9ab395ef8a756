"""The one SQLite database, bound late (``database.init``) so nothing happens at import.

WAL lets readers run beside the single writer; a busy timeout makes writers queue instead
of failing; read-then-write paths use ``database.atomic("IMMEDIATE")`` so two writers never
both read a stale value. Connections are per thread: one per request (opened and closed
around it) and one per background job.

One more connection stays open while the database is bound: when the last connection
closes, SQLite deletes the WAL and its shared-memory file, and the next one must make them
again, which fails on a full disk (``disk I/O error``) and would lock every request out.
If Clipset starts on a disk too full for those files, the database opens read-only
(``immutable``: nothing else writes it then) until there is room again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

database = SqliteDatabase(None)

# SQLite's INTEGER is 64 bits: a larger number is no row's id and cannot be stored.
MAX_INT = 2**63 - 1
MIN_INT = -(2**63)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 10000,
    "cache_size": -16000,
}
READ_ONLY_PRAGMAS = {"foreign_keys": 1, "cache_size": -16000}

_state: dict = {"keeper": None, "path": None, "read_only": False}


def bind(path: str | Path) -> SqliteDatabase:
    _release_keeper()
    if not database.is_closed():
        database.close()
    database.init(str(path), pragmas=PRAGMAS, timeout=10, check_same_thread=False, uri=False)
    _state.update(path=Path(path), read_only=False)
    return database


def bind_read_only(path: str | Path) -> SqliteDatabase:
    """Reads only, making no file: for a start on a disk with no room for the WAL."""
    _release_keeper()
    if not database.is_closed():
        database.close()
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    database.init(uri, pragmas=READ_ONLY_PRAGMAS, timeout=10, check_same_thread=False, uri=True)
    _state.update(path=Path(path), read_only=True)
    return database


def reopen_writable() -> bool:
    """Back to reading and writing after a read-only start, once the WAL files can be
    made; False (still read-only) if they can't yet. Connections other threads hold
    open keep reading until they close; every new one writes."""
    path = _state["path"]
    if not _state["read_only"] or path is None:
        return True
    try:
        probe = sqlite3.connect(path)
        try:
            probe.execute("PRAGMA journal_mode=wal").fetchone()
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.Error:
        return False
    bind(path)
    keep_open()
    return True


def is_read_only() -> bool:
    return _state["read_only"]


def keep_open() -> None:
    """Hold the WAL files open (see the module's doc) until the next bind or close."""
    if _state["keeper"] is None and not _state["read_only"] and _state["path"]:
        keeper = sqlite3.connect(_state["path"], check_same_thread=False)
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _state["keeper"] = keeper


def _release_keeper() -> None:
    keeper, _state["keeper"] = _state["keeper"], None
    if keeper is not None:
        keeper.close()


def release() -> None:
    """Close the held connection (the last one to close checkpoints the WAL)."""
    _release_keeper()


def immediate():
    """A transaction that takes the write lock up front (read-then-write)."""
    return database.atomic("IMMEDIATE")
