"""Housekeeping on a schedule: abandoned uploads and drafts go (their quota with them),
the weekly quota rolls over, and scheduled backups run when due. One
``schedule.Scheduler`` of our own (not the module's global one) on a background thread
that ``Services`` starts and stops."""

from __future__ import annotations

import logging
import threading
from typing import Callable

import schedule

from ..store import db
from ..store.db import database
from . import quota
from .backups import Backups
from .uploads import Uploads

log = logging.getLogger(__name__)

TICK_SECONDS = 30  # how often due jobs are looked for; also how fast stop() returns at worst


class Schedules:
    def __init__(self, uploads: Uploads, backups: Backups):
        self.uploads = uploads
        self.backups = backups
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def cleanup(self) -> int:
        """Removes abandoned uploads and stale drafts now; returns how many went."""
        return self.uploads.remove_abandoned()

    def start(self) -> None:
        if self._thread is not None:
            return
        scheduler = schedule.Scheduler()
        scheduler.every().hour.do(_guarded, self.cleanup)
        scheduler.every().hour.do(_guarded, quota.roll_over)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(scheduler,), name="clipset-schedules", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self, scheduler: schedule.Scheduler) -> None:
        # A server that was off on Monday catches up at once; old leftovers go too.
        _guarded(quota.roll_over)
        _guarded(self.cleanup)
        while not self._stop.wait(TICK_SECONDS):
            self.reopen_writable()
            scheduler.run_pending()
            _guarded(self.backups.run_if_due)  # one small read when none is due

    @staticmethod
    def reopen_writable() -> None:
        """After a start on a full disk: write again as soon as there is room."""
        if db.is_read_only() and db.reopen_writable():
            log.warning("the disk has room again: the database is writable")


def _guarded(task: Callable[[], object]) -> None:
    """Runs ``task`` with its own connection; a failure is logged, the thread lives on."""
    try:
        with database.connection_context():
            task()
    except Exception:
        log.exception("scheduled task %s failed", getattr(task, "__name__", task))
