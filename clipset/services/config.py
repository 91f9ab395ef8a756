"""The admin-editable configuration: settings give the defaults, the Config table wins.

Read on every use (one small query) so a change applies at once, without a restart and
without a cache to invalidate; listeners hear about changes (the worker pool resizes).
"""

from __future__ import annotations

from typing import Any, Callable

from peewee import Value

from ..errors import ClipsetError, ValidationFailed
from ..settings import BY_NAME, KNOWN_FORMATS, RUNTIME_KEYS, Settings
from ..store.db import immediate
from ..store.models import Config


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
                Config.put(key, stored)
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
        for key, value in changes.items():
            problem = _out_of_bounds(value, BY_NAME[key].bounds)
            if problem:
                raise ValidationFailed(f"{key}: {problem}", field=key)
        bad = sorted(set(changes.get("accepted_formats") or ()) - set(KNOWN_FORMATS))
        if bad:
            raise ValidationFailed(
                f"accepted_formats: unknown format(s) {', '.join(bad)}; choose from "
                f"{', '.join(KNOWN_FORMATS)}",
                field="accepted_formats",
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


def _out_of_bounds(value: Any, bounds: dict[str, int]) -> str | None:
    """What is wrong with ``value`` by its setting's ``bounds``, or None."""
    if value is None:
        return None
    if isinstance(value, (list, str)):
        if len(value) < bounds.get("min_length", 0):
            return f"give at least {bounds['min_length']}"
        if len(value) > bounds.get("max_length", len(value)):
            return f"give at most {bounds['max_length']}"
        return None
    low, high = bounds.get("ge"), bounds.get("le")
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            return f"must be between {low} and {high}"
        return f"must be at least {low}" if low is not None else f"must be at most {high}"
    return None
