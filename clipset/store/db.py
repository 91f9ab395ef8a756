"""The one database, bound late (``bind`` / ``bind_url``) so nothing happens at import:
a SQLite file in the data dir by default, or PostgreSQL for a team (``database_url``).

On PostgreSQL the server does the concurrency: ``immediate`` takes one transaction-level
advisory lock, so read-then-write paths queue behind each other as they do behind
SQLite's write lock. What follows is about SQLite.

WAL lets readers run beside the single writer; a busy timeout makes writers queue instead
of failing; read-then-write paths use ``database.atomic("IMMEDIATE")`` so two writers never
both read a stale value. Connections are per thread: one per request (opened and closed
around it, see ``after_request``) and one per background job. The media lane's threads keep
theirs from one request to the next: a player's every range would otherwise pay for a new
connection and SQLite's reading of the schema, several times what its checks cost.

One more connection stays open while the database is bound: when the last connection
closes, SQLite deletes the WAL and its shared-memory file, and the next one must make them
again, which fails on a full disk (``disk I/O error``) and would lock every request out.
If Clipset starts on a disk too full for those files, the database opens read-only
(``immutable``: nothing else writes it then) until there is room again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peewee import (
    DatabaseError,
    DatabaseProxy,
    InterfaceError,
    PostgresqlDatabase,
    SqliteDatabase,
    fn,
)

database = DatabaseProxy()

POSTGRES_SCHEMES = ("postgresql", "postgres")
# The one advisory lock every ``immediate`` transaction takes on PostgreSQL.
WRITE_LOCK_KEY = 0x636C6970  # "clip"

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

_state: dict = {"keeper": None, "path": None, "read_only": False, "url": None}


def _unbind() -> None:
    _release_keeper()
    if database.obj is not None and not database.is_closed():
        database.close()


def bind(path: str | Path) -> SqliteDatabase:
    _unbind()
    database.initialize(
        SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=10, check_same_thread=False)
    )
    _state.update(path=Path(path), read_only=False, url=None)
    return database


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in POSTGRES_SCHEMES


def postgres_params(url: str) -> dict:
    """``postgresql://user:pass@host:port/db`` as psycopg's connect arguments."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES or not parts.path.strip("/"):
        raise ValueError(f"not a PostgreSQL URL with a database name: {redact(url)}")
    params = {
        "database": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "host": parts.hostname,
        "port": parts.port,
    }
    return {k: v for k, v in params.items() if v is not None}


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def connect_postgres(url: str) -> PostgresqlDatabase:
    """A PostgreSQL database over psycopg 3 (Peewee's own adapter for it)."""
    params = postgres_params(url)
    name = params.pop("database")
    return PostgresqlDatabase(name, prefer_psycopg3=True, autoconnect=True, **params)


def bind_url(url: str) -> PostgresqlDatabase:
    _unbind()
    database.initialize(connect_postgres(url))
    _state.update(path=None, read_only=False, url=url)
    return database


def postgres_url() -> str:
    """The URL of the bound PostgreSQL database (for connections of its own: a listener)."""
    if not is_postgres() or not _state["url"]:
        raise RuntimeError("the database is not PostgreSQL")
    return _state["url"]


def total(expr):
    """SQL: the sum of ``expr`` over the rows, 0 for none, as an integer (PostgreSQL sums
    BIGINT into NUMERIC, which Python would read as Decimal)."""
    return fn.COALESCE(fn.SUM(expr), 0).cast("BIGINT")


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def after_request(keep: bool, error: BaseException | None = None) -> None:
    """Close this thread's connection once a request is done, or ``keep`` it open for the
    thread's next request; never after a database error, which may have broken it (a
    PostgreSQL server that restarted): the next request then starts on a new one."""
    if database.is_closed():
        return
    if keep and not isinstance(error, (DatabaseError, InterfaceError)):
        return
    database.close()


def bind_read_only(path: str | Path) -> SqliteDatabase:
    """Reads only, making no file: for a start on a disk with no room for the WAL."""
    _unbind()
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    database.initialize(
        SqliteDatabase(
            uri, pragmas=READ_ONLY_PRAGMAS, timeout=10, check_same_thread=False, uri=True
        )
    )
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


class _Immediate:
    """PostgreSQL's ``immediate``: a transaction that first takes the write lock."""

    def __init__(self):
        self._atomic = database.atomic()

    def __enter__(self):
        txn = self._atomic.__enter__()
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        return txn

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)


def immediate():
    """A transaction that takes the write lock up front (read-then-write)."""
    if is_postgres():
        return _Immediate()
    return database.atomic("IMMEDIATE")
