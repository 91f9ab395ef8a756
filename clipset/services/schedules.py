"""Housekeeping on a schedule: abandoned uploads and drafts go (their quota with them),
and the weekly quota rolls over. One ``schedule.Scheduler`` of our own (not the module's
global one) on a background thread that ``Services`` starts and stops."""
from __future__ import annotations

import logging
import threading
from typing import Callable

import schedule

from ..db import database
from . import quota
from .uploads import Uploads

log = logging.getLogger(__name__)

TICK_SECONDS = 30  # how often due jobs are looked for; also how fast stop() returns at worst


class Schedules:
    def __init__(self, uploads: Uploads):
        self.uploads = uploads
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
        self._thread = threading.Thread(target=self._loop, args=(scheduler,),
                                        name="clipset-schedules", daemon=True)
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
            scheduler.run_pending()


def _guarded(task: Callable[[], object]) -> None:
    """Runs ``task`` with its own connection; a failure is logged, the thread lives on."""
    try:
        with database.connection_context():
            task()
    except Exception:
        log.exception("scheduled task %s failed", getattr(task, "__name__", task))
