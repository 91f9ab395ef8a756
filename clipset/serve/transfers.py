"""Media transfers: the lane that file bytes travel in, its slots, and the response file
that gives its slot back.

Requests under the lane's prefix are served by a small pool of threads of their own, so a
crowd of viewers never queues ahead of API requests, and at most so many of them are in
flight (from the request until its last byte has gone or the client has left); beyond
that they are answered 503 with Retry-After. A transfer holds a ``Slot``; once its
response's file is handed out the ``SlotFile`` holds it and gives it back on close. That
file's bytes go from the page cache to the socket with ``os.sendfile`` where the kernel
can (``sendfile_fd``). Nothing here knows waitress: ``adapter`` wires the lane in.
"""

from __future__ import annotations

import os
import threading

from ..errors import ClipsetError, MediaBusy

# What a 503 from a full media lane asks the player to wait.
MEDIA_RETRY_AFTER_SECONDS = 1


class Slot:
    """One media transfer in flight; given back once, whoever gets there first."""

    def __init__(self, lane: "MediaLane"):
        self._lane = lane
        self._held = True

    def release(self) -> None:
        self._lane.give(self)

    def _taken_back(self) -> bool:  # under the lane's lock
        held, self._held = self._held, False
        return held


class SlotFile:
    """A response's file whose close (last byte sent, client gone, or the response
    dropped) also gives back its transfer slot; everything else is the file's own."""

    def __init__(self, file, slot: Slot):
        self._file = file
        self._slot = slot

    def __getattr__(self, name):
        return getattr(self._file, name)

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            self._slot.release()


class MediaLane:
    """Requests for file bytes: paths under ``prefix``, served by ``threads`` threads of
    their own, at most ``limit`` of them in flight."""

    def __init__(self, prefix: str, threads: int, limit: int):
        self.prefix = prefix
        self.threads = max(1, threads)
        self.limit = max(1, limit)
        self._in_flight = 0
        self._lock = threading.Lock()

    def owns(self, path: str) -> bool:
        return ("/" + path.lstrip("/")).startswith(self.prefix)

    def take(self) -> Slot | None:
        with self._lock:
            if self._in_flight >= self.limit:
                return None
            self._in_flight += 1
            return Slot(self)

    def give(self, slot: Slot) -> None:
        with self._lock:
            if slot._taken_back():
                self._in_flight -= 1

    def busy(self) -> ClipsetError:
        """The answer to a request that finds every slot taken."""
        return MediaBusy(MEDIA_RETRY_AFTER_SECONDS)

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight


def sendfile_fd(file) -> int | None:
    """The descriptor of a response's ``file``, if the kernel can send it to a socket."""
    if not hasattr(os, "sendfile"):
        return None
    try:
        return file.fileno()
    except (AttributeError, OSError, ValueError):
        return None
