"""One Clipset per data dir: a lock file holding the running instance's pid and URL.

A second launch reads the lock and hands over to the running instance (opens the
browser on it) instead of failing on the port. A lock whose pid is gone is stale and
taken over, and so is one whose pid now belongs to a process that started after the lock
was written (the system reused the pid of a Clipset that died without cleaning up). A
lock written on another computer (a data dir on a shared folder), or under another name
of this one (laptops change names between networks), has a pid that means nothing here:
it counts as held while its URL answers, or for a short while before it has one.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = "clipset.lock"


@dataclass(frozen=True)
class Running:
    pid: int
    port: int | None
    url: str | None


# Process start times and file times come from different clocks and roundings.
START_SLACK_SECONDS = 2.0
# A lock from another computer without a URL yet: its instance is still starting.
STARTING_SECONDS = 60.0
PROBE_TIMEOUT_SECONDS = 1.0


def _started(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.Error, OSError):
        return None


def _answers(url: str) -> bool:
    """Whether a Clipset answers its health check at ``url``."""
    import urllib.request

    try:
        health = url.rstrip("/") + "/api/health"
        with urllib.request.urlopen(health, timeout=PROBE_TIMEOUT_SECONDS):
            return True
    except (OSError, ValueError):
        return False


def _alive(pid: int, written_at: float) -> bool:
    """Whether ``pid`` is still the process that wrote the lock at ``written_at``."""
    if pid <= 0:
        return False
    started = _started(pid)
    return started is not None and started <= written_at + START_SLACK_SECONDS


class InstanceLock:
    def __init__(self, data_dir: str | Path, pid: int | None = None):
        self.path = Path(data_dir) / LOCK_NAME
        self.pid = os.getpid() if pid is None else pid
        self.held = False

    def read(self) -> Running | None:
        """The instance named by the lock, if its process is alive."""
        try:
            written_at = modified = self.path.stat().st_mtime
            info = json.loads(self.path.read_text("utf-8"))
            running = Running(int(info["pid"]), info.get("port"), info.get("url"))
            written_at = float(info.get("started") or written_at)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if info.get("host", socket.gethostname()) != socket.gethostname():
            if running.url:
                return running if _answers(running.url) else None
            return running if time.time() - modified < STARTING_SECONDS else None
        if running.pid == self.pid or not _alive(running.pid, written_at):
            return None
        return running

    def acquire(self) -> Running | None:
        """Take the lock; returns the other running instance instead if there is one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                running = self.read()
                if running is not None:
                    return running
                self._remove_stale()
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._info(None, None), f)
            self.held = True
            return None
        raise OSError(f"could not take the lock {self.path}")

    def _info(self, port: int | None, url: str | None) -> dict:
        # When our process started: a later process with the same pid is not us.
        return {
            "pid": self.pid,
            "port": port,
            "url": url,
            "started": _started(self.pid) or None,
            "host": socket.gethostname(),
        }

    def _remove_stale(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass  # another launch removed it first; the retry decides who wins

    def publish(self, port: int, url: str) -> None:
        """Record where this instance serves, once the port is bound (if it holds the
        lock: one beside the first leaves the lock naming the first)."""
        if not self.held:
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._info(int(port), url)), "utf-8")
        os.replace(tmp, self.path)

    def release(self) -> None:
        if self.held:
            self.held = False
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if os.name != "nt":  # match waitress, which reuses TIME_WAIT addresses
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host or "0.0.0.0", port))
            return True
        except OSError:
            return False


def suggest_port(host: str, port: int, tries: int = 50) -> int | None:
    """The next free port after ``port``, to suggest when it is taken."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        if port_free(host, candidate):
            return candidate
    return None
