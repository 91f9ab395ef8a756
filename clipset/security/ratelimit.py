"""Sliding-window limiters: in memory when one process serves the household (SQLite), in
the database when several instances share PostgreSQL, so a guesser who alternates
between them still meets one limit (``limiter`` picks).

The shared one keeps one row per counted attempt in ``rate_hit`` (its bucket names the
limit) and measures the window on the wall clock, the one clock instances share.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from ..store.db import database, is_postgres


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, clock=time.monotonic):
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}  # only keys with hits in the window
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        # Keys whose hits have all expired are dropped, so asking about arbitrary keys
        # (say, made-up usernames) does not grow the table.
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 if it may now."""
        with self._lock:
            now = self._clock()
            hits = self._prune(key, now)
            if len(hits) < self.limit:
                return 0.0
            return hits[0] + self.window - now

    def hit(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._prune(key, now)
            self._hits.setdefault(key, deque()).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


class SharedRateLimiter:
    """``RateLimiter``'s rules over the ``rate_hit`` table (PostgreSQL): every instance
    counts into, and reads from, the same rows. Called with the request's connection."""

    def __init__(self, bucket: str, limit: int, window_seconds: float, clock=time.time):
        self.bucket = bucket
        self.limit = limit
        self.window = window_seconds
        self._clock = clock

    def retry_after(self, key: str) -> float:
        now = self._clock()
        # The limit-th newest hit in the window: once it ages out, one more try is allowed.
        row = database.execute_sql(
            """SELECT "at" FROM "rate_hit" WHERE "bucket" = %s AND "key" = %s AND "at" > %s
               ORDER BY "at" DESC OFFSET %s LIMIT 1""",
            (self.bucket, key, now - self.window, self.limit - 1),
        ).fetchone()
        if row is None:
            return 0.0
        return max(0.0, row[0] + self.window - now)

    def hit(self, key: str) -> None:
        now = self._clock()
        with database.atomic():
            # Expired rows of the whole bucket go too, so made-up keys don't pile up.
            database.execute_sql(
                """DELETE FROM "rate_hit" WHERE "bucket" = %s AND "at" <= %s""",
                (self.bucket, now - self.window),
            )
            database.execute_sql(
                """INSERT INTO "rate_hit" ("bucket", "key", "at") VALUES (%s, %s, %s)""",
                (self.bucket, key, now),
            )

    def reset(self, key: str) -> None:
        database.execute_sql(
            """DELETE FROM "rate_hit" WHERE "bucket" = %s AND "key" = %s""", (self.bucket, key)
        )


def limiter(bucket: str, limit: int, window_seconds: float) -> RateLimiter | SharedRateLimiter:
    """The limiter for the bound database: shared across instances on PostgreSQL.
    ``bucket`` names the limit in the shared table (unique per limit)."""
    if is_postgres():
        return SharedRateLimiter(bucket, limit, window_seconds)
    return RateLimiter(limit, window_seconds)
