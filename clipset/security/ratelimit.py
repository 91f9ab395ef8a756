"""In-memory sliding-window limiter (one process serves the whole household)."""

from __future__ import annotations

import threading
import time
from collections import deque


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
