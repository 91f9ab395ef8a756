"""The one SQLite database, bound late (``database.init``) so nothing happens at import.

WAL lets readers run beside the single writer; a busy timeout makes writers queue instead
of failing; read-then-write paths use ``database.atomic("IMMEDIATE")`` so two writers never
both read a stale value. Connections are per thread: one per request (opened and closed
around it) and one per background job.
"""
from __future__ import annotations

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


def bind(path: str | Path) -> SqliteDatabase:
    if not database.is_closed():
        database.close()
    database.init(str(path), pragmas=PRAGMAS, timeout=10, check_same_thread=False)
    return database


def immediate():
    """A transaction that takes the write lock up front (read-then-write)."""
    return database.atomic("IMMEDIATE")
