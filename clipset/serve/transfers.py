"""Media transfers: the lane that file bytes travel in, its slots, and the response file
that gives its slot back.

Requests under the lane's prefix are served by a small pool of threads of their own, so a
crowd of viewers never queues ahead of API requests, and at most so many of them are in
flight (from the request until its last byte has gone or the client has left); beyond
that they are answered 503 with Retry-After. A transfer holds a ``Slot``; once its
response's file is handed out the ``SlotFile`` holds it and gives it back on close. That
file's bytes go from the page cache to the socket with ``os.sendfile`` where the kernel
can (``sendfile_fd``), from a position the file keeps itself (``PlacedFile``). Nothing
here knows waitress: ``adapter`` wires the lane in.
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


class PlacedFile(SlotFile):
    """A ``SlotFile`` over a descriptor that keeps its position itself: the kernel sends
    from an explicit offset (``os.sendfile``) and a copy reads with ``os.pread``, so
    sending a range asks the kernel nothing else (each seek or tell is a system call,
    which also hands the interpreter to another thread and waits to get it back)."""

    def __init__(self, file, slot: Slot, fd: int):
        super().__init__(file, slot)
        self._fd = fd
        self._pos = file.tell()
        self._size = os.fstat(fd).st_size

    def fileno(self) -> int:
        return self._fd

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}[whence]
        self._pos = base + offset
        return self._pos

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = max(0, self._size - self._pos)
        data = os.pread(self._fd, size, self._pos)
        self._pos += len(data)
        return data


def slot_file(file, slot: Slot) -> SlotFile:
    """The response's ``file`` holding ``slot``: placed by descriptor where it has one."""
    fd = sendfile_fd(file)
    return SlotFile(file, slot) if fd is None else PlacedFile(file, slot, fd)


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
