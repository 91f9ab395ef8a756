"""The admin-editable configuration: settings give the defaults, the Config table wins.

Read on every use (one small query) so a change applies at once, without a restart and
without a cache to invalidate; listeners hear about changes (the worker pool resizes).
"""

from __future__ import annotations

from typing import Any, Callable

from peewee import Value

from ..errors import ClipsetError, ValidationFailed
from ..settings import RUNTIME_KEYS, Settings
from ..store.db import immediate
from ..store.models import Config, now

MAX_WORKERS = 8


class RuntimeConfig:
    def __init__(self, settings: Settings):
        self._defaults = {key: getattr(settings, key) for key in RUNTIME_KEYS}
        self._listeners: list[Callable[[dict[str, Any]], None]] = []

    def get(self) -> dict[str, Any]:
        values = dict(self._defaults)
        for row in Config.select().where(Config.key.in_(RUNTIME_KEYS)):
            values[row.key] = row.value
        return values

    def __getitem__(self, key: str) -> Any:
        return self.get()[key]

    def on_change(self, listener: Callable[[dict[str, Any]], None]) -> None:
        self._listeners.append(listener)

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        self._check(changes)
        with immediate():
            for key, value in changes.items():
                # JSON null, not SQL NULL: a setting turned off (backup_dir) stays off
                # rather than falling back to the settings file.
                stored = Value("null", converter=False) if value is None else value
                (
                    Config.insert(key=key, value=stored, updated_at=now())
                    .on_conflict("replace")
                    .execute()
                )
        values = self.get()
        for listener in self._listeners:
            listener(values)
        return values

    @staticmethod
    def _check(changes: dict[str, Any]) -> None:
        unknown = set(changes) - set(RUNTIME_KEYS)
        if unknown:
            field = sorted(unknown)[0]
            raise ValidationFailed(f"{field}: not a configurable setting", field=field)
        formats = changes.get("accepted_formats")
        if formats is not None:
            from ..media import KNOWN_FORMATS  # PyAV loads when needed, not at start

            bad = sorted(set(formats) - set(KNOWN_FORMATS))
            if bad:
                raise ValidationFailed(
                    f"accepted_formats: unknown format(s) {', '.join(bad)}; choose from "
                    f"{', '.join(KNOWN_FORMATS)}",
                    field="accepted_formats",
                )
            if not formats:
                raise ValidationFailed(
                    "accepted_formats: accept at least one format", field="accepted_formats"
                )
        if changes.get("backup_dir") == "":
            changes["backup_dir"] = None  # empty turns scheduled backups off
        if changes.get("backup_dir"):
            from .snapshots import check_destination

            try:
                changes["backup_dir"] = str(check_destination(changes["backup_dir"]))
            except ClipsetError as exc:
                raise ValidationFailed(
                    f"backup_dir: {exc.detail}", field="backup_dir", error_code=exc.error_code
                ) from None
        workers = changes.get("worker_count")
        if workers is not None and not 1 <= workers <= MAX_WORKERS:
            raise ValidationFailed(
                f"worker_count: must be between 1 and {MAX_WORKERS}", field="worker_count"
            )
