"""Housekeeping on a schedule: abandoned uploads and drafts go (their quota with them),
the weekly quota rolls over, scheduled backups run when due, and bucket objects a delete
left behind are tried again. One ``schedule.Scheduler`` of our own (not the module's
global one) on a background thread that ``Services`` starts and stops.

Several instances on one PostgreSQL database each run this loop, and each task still runs
once: an instance runs a task only under that task's advisory lock (``notify.task_lock``;
one that finds it taken skips its turn), and an hourly task records the clock hour it ran
for, so another instance's turn in the same hour finds it done. On SQLite the lock is
always free and nothing is recorded.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

import schedule

from ..store import db
from ..store.db import database
from ..store.models import Config
from ..store.notify import task_lock
from . import quota
from .backups import Backups
from .bucket_deletes import RETRY_MINUTES, BucketDeletes
from .uploads import Uploads

log = logging.getLogger(__name__)

TICK_SECONDS = 30  # how often due jobs are looked for; also how fast stop() returns at worst
HOUR = 3600
SLOT_KEY = "schedule.{}"  # Config key: the last period a task ran for (PostgreSQL)


class Schedules:
    def __init__(self, uploads: Uploads, backups: Backups, deletes: BucketDeletes | None = None):
        self.uploads = uploads
        self.backups = backups
        self.deletes = deletes
        # name: (seconds between runs or None for every tick, the task)
        self.tasks: dict[str, tuple[int | None, Callable[[], object]]] = {
            "quota.roll_over": (HOUR, quota.roll_over),
            "cleanup": (HOUR, self.cleanup),
            "backups": (None, self.backups.run_if_due),  # one small read when none is due
        }
        if deletes is not None:  # only with a bucket (media_store)
            self.tasks["bucket.deletes"] = (RETRY_MINUTES * 60, deletes.retry)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def cleanup(self) -> int:
        """Removes abandoned uploads and stale drafts now; returns how many went."""
        return self.uploads.remove_abandoned()

    def run(self, name: str) -> bool:
        """Run task ``name`` unless another instance runs it now or already ran it this
        period; True if it ran here. A failure is logged; the caller lives on."""
        every, task = self.tasks[name]
        try:
            with database.connection_context(), task_lock(name) as mine:
                if not mine or not _claim_period(name, every):
                    return False
                task()
                return True
        except Exception:
            log.exception("scheduled task %s failed", name)
            return False

    def start(self) -> None:
        if self._thread is not None:
            return
        scheduler = schedule.Scheduler()
        scheduler.every().hour.do(self.run, "cleanup")
        scheduler.every().hour.do(self.run, "quota.roll_over")
        if "bucket.deletes" in self.tasks:
            scheduler.every(RETRY_MINUTES).minutes.do(self.run, "bucket.deletes")
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
        self.run("quota.roll_over")
        self.run("cleanup")
        while not self._stop.wait(TICK_SECONDS):
            self.reopen_writable()
            scheduler.run_pending()
            self.run("backups")

    @staticmethod
    def reopen_writable() -> None:
        """After a start on a full disk: write again as soon as there is room."""
        if db.is_read_only() and db.reopen_writable():
            log.warning("the disk has room again: the database is writable")


def _claim_period(name: str, every: int | None) -> bool:
    """PostgreSQL, under the task's lock: False if the task already ran this period (on
    any instance), else records that it runs now."""
    if every is None or not db.is_postgres():
        return True
    period = int(time.time() // every)
    key = SLOT_KEY.format(name)
    row = Config.get_or_none(Config.key == key)
    if row is not None and row.value == period:
        return False
    Config.put(key, period)
    return True
