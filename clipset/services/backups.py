"""Scheduled backups to the folder an admin picks (admin config ``backup_dir``), every
``backup_interval_hours``, keeping the newest ``backup_keep`` snapshots; and what the
dashboard and ``clipset doctor`` show of them. The last outcome is kept in the Config
table, so it survives a restart and the next run is due from it."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from ..errors import BackupFailed, ClipsetError, Conflict
from ..store.db import immediate
from ..store.dirs import DataDir
from ..store.models import Config, now
from . import snapshots
from .config import RuntimeConfig

log = logging.getLogger(__name__)

STATE_KEY = "backup_state"
RETRY_AFTER_FAILURE = dt.timedelta(hours=1)  # sooner than the interval: a NAS may be back


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class Backups:
    def __init__(self, data: DataDir, config: RuntimeConfig):
        self.data = data
        self.config = config
        self._running = threading.Lock()

    # -- state ------------------------------------------------------------------------
    @staticmethod
    def state() -> dict:
        row = Config.get_or_none(Config.key == STATE_KEY)
        return dict(row.value) if row is not None else {}

    @staticmethod
    def _record(**changes) -> None:
        with immediate():
            row = Config.get_or_none(Config.key == STATE_KEY)
            value = {**(row.value if row is not None else {}), **changes}
            Config.put(STATE_KEY, value)

    def next_at(self, config: dict | None = None, state: dict | None = None) -> dt.datetime | None:
        """When the next scheduled backup runs; None when no backup folder is set."""
        config = config or self.config.get()
        state = self.state() if state is None else state
        if not config["backup_dir"]:
            return None
        attempted = _parse(state.get("attempted_at"))
        if attempted is None:
            return now()
        interval = dt.timedelta(hours=config["backup_interval_hours"])
        if state.get("error"):
            interval = min(interval, RETRY_AFTER_FAILURE)
        return attempted + interval

    def status(self) -> dict:
        config, state = self.config.get(), self.state()
        return {
            "backup_dir": config["backup_dir"],
            "interval_hours": config["backup_interval_hours"],
            "keep": config["backup_keep"],
            "running": self._running.locked(),
            "last_success_at": _parse(state.get("success_at")),
            "last_path": state.get("path"),
            "last_bytes": state.get("bytes"),
            "last_copied_bytes": state.get("copied_bytes"),
            "last_failure_at": _parse(state.get("failure_at")),
            "last_error": state.get("error"),
            "next_at": self.next_at(config, state),
        }

    # -- running ----------------------------------------------------------------------
    def run(self) -> dict:
        """A backup into the configured folder now, then old ones pruned; the outcome
        is recorded either way. Raises what went wrong."""
        config = self.config.get()
        if not config["backup_dir"]:
            raise BackupFailed(
                "Choose a backup folder first (backup_dir).", error_code="backup_dir_unset"
            )
        if not self._running.acquire(blocking=False):
            raise Conflict("A backup is running already.", error_code="backup_running")
        started = now()
        try:
            made = snapshots.create(self.data, config["backup_dir"])
            snapshots.prune(
                snapshots.check_destination(config["backup_dir"]), config["backup_keep"]
            )
        except ClipsetError as exc:
            self._failed(started, exc.detail)
            raise
        except Exception as exc:
            self._failed(started, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self._running.release()
        self._record(
            attempted_at=started.isoformat(),
            success_at=now().isoformat(),
            path=made["path"],
            bytes=made["bytes"],
            copied_bytes=made["copied_bytes"],
            error=None,
        )
        log.info(
            "backup made in %s (%d bytes, %d copied)",
            made["path"],
            made["bytes"],
            made["copied_bytes"],
        )
        return made

    def _failed(self, started: dt.datetime, message: str) -> None:
        log.warning("backup failed: %s", message)
        self._record(attempted_at=started.isoformat(), failure_at=now().isoformat(), error=message)

    def run_if_due(self) -> bool:
        """The schedule's tick: backs up when one is due; True if it ran (whatever the
        outcome: a failure is recorded and retried later)."""
        due = self.next_at()
        if due is None or due > now():
            return False
        try:
            self.run()
        except ClipsetError:
            pass  # recorded; shown on the dashboard
        return True
