"""PostgreSQL's LISTEN/NOTIFY and advisory locks, for several app instances on one database.

``notify`` sends on the calling thread's connection, so inside a transaction the message
leaves only when it commits (and never on a rollback). A message larger than NOTIFY's
payload limit is parked in ``relayed_event`` in the same transaction and only its id is
sent; ``parked`` reads it back. ``listen`` opens the dedicated connection a listener
waits on (autocommit, as LISTEN needs).

``task_lock`` is the per-task advisory lock that makes a scheduled task run on one
instance at a time; ``present``/``alone`` tell whether other instances are running (each
holds a shared lock on its listening connection for as long as it runs). The same
connection holds a lock of the instance's own, so ``gone`` tells which instances named on
a job or a trim have stopped: PostgreSQL lets a session's locks go when it ends, however
the process died.
"""

from __future__ import annotations

import contextlib
import zlib

import psycopg

from .db import database, is_postgres, postgres_params, postgres_url

CHANNEL = "clipset_events"
# NOTIFY refuses payloads of 8000 bytes or more; leave room for the channel's framing.
PAYLOAD_LIMIT = 7900
PARKED_MINUTES = 10  # how long a parked message is kept for listeners to read it
_TASK_LOCK_SPACE = 0x7461736B  # "task": the first key of every task's two-key lock
_PRESENCE_LOCK = 0x696E7374  # "inst"
_INSTANCE_LOCK_SPACE = 0x6F776E72  # "ownr": the first key of each instance's own lock


def notify(payload: str) -> None:
    """Send ``payload`` (at most ``PAYLOAD_LIMIT`` bytes) to every listening instance."""
    with _connection():
        database.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


def park(payload: str, origin: str) -> int:
    """Keep a large message for listeners and send its id (``#id:origin``, so its sender
    can skip it unread) in the same transaction: the id must never arrive before the row
    is visible. Returns the id."""
    with _connection(), database.atomic():
        (number,) = database.execute_sql(
            'INSERT INTO "relayed_event" ("payload") VALUES (%s) RETURNING "id"', (payload,)
        ).fetchone()
        database.execute_sql(
            """DELETE FROM "relayed_event"
               WHERE "created_at" < now() - make_interval(mins => %s)""",
            (PARKED_MINUTES,),
        )
        database.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, f"#{number}:{origin}"))
    return number


def parked(number: int) -> str | None:
    with _connection():
        row = database.execute_sql(
            'SELECT "payload" FROM "relayed_event" WHERE "id" = %s', (number,)
        ).fetchone()
    return row[0] if row else None


def listen(instance: str) -> psycopg.Connection:
    """A connection of its own that LISTENs on the channel and marks this instance
    present (and ``instance`` running) until it closes."""
    params = postgres_params(postgres_url())
    params["dbname"] = params.pop("database")
    conn = psycopg.connect(autocommit=True, application_name="clipset-listener", **params)
    try:
        conn.execute(f"LISTEN {CHANNEL}")
        conn.execute("SELECT pg_advisory_lock_shared(%s)", (_PRESENCE_LOCK,))
        conn.execute("SELECT pg_advisory_lock(%s, %s)", _instance_key(instance))
    except Exception:
        conn.close()
        raise
    return conn


def alone() -> bool:
    """Whether no other instance is running (none holds its presence lock); True on
    SQLite, where one process owns the database."""
    if not is_postgres():
        return True
    with _connection():
        (free,) = database.execute_sql(
            "SELECT pg_try_advisory_lock(%s)", (_PRESENCE_LOCK,)
        ).fetchone()
        if free:
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (_PRESENCE_LOCK,))
    return bool(free)


def gone(instances) -> set[str]:
    """Those of ``instances`` no longer running: nobody holds their own lock (taken here
    for a moment to tell, and let go at once)."""
    stopped = set()
    with _connection():
        for instance in instances:
            key = _instance_key(instance)
            (free,) = database.execute_sql("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()
            if free:
                database.execute_sql("SELECT pg_advisory_unlock(%s, %s)", key)
                stopped.add(instance)
    return stopped


def stopped_owners(column, running, mine: str | None) -> set[str]:
    """The instances other than ``mine`` named in ``column`` of the rows ``running``
    selects that have stopped (``gone``)."""
    owners = {
        owner
        for (owner,) in column.model.select(column)
        .where(running, column.is_null(False), column != mine)
        .distinct()
        .tuples()
    }
    return gone(owners) if owners else set()


def _instance_key(instance: str) -> tuple[int, int]:
    return (_INSTANCE_LOCK_SPACE, zlib.crc32(instance.encode()) & 0x7FFFFFFF)


@contextlib.contextmanager
def task_lock(name: str):
    """Yields True when this instance may run task ``name`` now (no other one is running
    it); always True on SQLite. Needs an open connection, held until the block ends."""
    if not is_postgres():
        yield True
        return
    key = (_TASK_LOCK_SPACE, zlib.crc32(name.encode()) & 0x7FFFFFFF)
    (mine,) = database.execute_sql("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()
    try:
        yield bool(mine)
    finally:
        if mine:
            database.execute_sql("SELECT pg_advisory_unlock(%s, %s)", key)


@contextlib.contextmanager
def _connection():
    """The thread's open connection, or one for this block only (``connection_context``
    would close a connection the caller still uses)."""
    if database.is_closed():
        with database.connection_context():
            yield
    else:
        yield
