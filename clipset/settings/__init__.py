"""Settings: one table of (name, default, help), resolved in a fixed order.

defaults < ``config.toml`` in the data dir < ``CLIPSET_<NAME>`` environment < explicit
overrides (CLI flags, or the dict a test passes to ``create_app``).

The settings marked ``runtime`` are only the *defaults* of the admin config
(`GET/PATCH /api/admin/config`); once an admin changes one, the database wins.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ..store import dirs
from .table import BY_NAME, MAX_WORKERS, RUNTIME_KEYS, SETTINGS, GiB, MiB, Setting
from .values import BUCKET_URL, FORMAT_NAMES, KNOWN_FORMATS, boolean

__all__ = [
    "BUCKET_URL",
    "BY_NAME",
    "FORMAT_NAMES",
    "GiB",
    "KNOWN_FORMATS",
    "MAX_WORKERS",
    "MiB",
    "RUNTIME_KEYS",
    "SETTINGS",
    "Setting",
    "Settings",
    "load",
    "markdown_table",
]


class Settings:
    """Resolved settings with attribute access; immutable once built."""

    def __init__(self, values: dict[str, Any]):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("settings are read-only")

    @property
    def data_path(self) -> Path:
        return Path(self._values["data_dir"])


def _parse(setting: Setting, value: Any, source: str) -> Any:
    if value is None:
        return None
    try:
        return setting.parse(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{source}: invalid value for {setting.name}: {exc}") from exc


def load(
    overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    unknown = set(overrides) - set(BY_NAME)
    if unknown:
        raise ConfigurationError(f"unknown setting(s): {', '.join(sorted(unknown))}")

    def env(name: str) -> str | None:
        return environ.get(f"CLIPSET_{name.upper()}")

    testing = boolean(overrides.get("testing", env("testing") or False))
    data_dir = overrides.get("data_dir") or env("data_dir")
    if not data_dir:
        if testing:
            raise ConfigurationError("testing mode needs an explicit data_dir")
        data_dir = dirs.user_data_dir()
    data_dir = Path(data_dir).expanduser().resolve()

    from_file: dict[str, Any] = {}
    config_file = dirs.DataDir(data_dir).config
    if config_file.is_file():
        try:
            from_file = tomllib.loads(config_file.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{config_file}: {exc}") from exc
        unknown = set(from_file) - set(BY_NAME) - {"data_dir"}
        if unknown:
            raise ConfigurationError(
                f"{config_file}: unknown setting(s): {', '.join(sorted(unknown))}"
            )

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.name in from_file:
            value = _parse(setting, from_file[setting.name], str(config_file))
        if env(setting.name) is not None:
            value = _parse(setting, env(setting.name), f"CLIPSET_{setting.name.upper()}")
        if setting.name in overrides:
            value = _parse(setting, overrides[setting.name], "override")
        values[setting.name] = value
    values["data_dir"] = str(data_dir)
    values["testing"] = testing
    return Settings(values)


def markdown_table() -> str:
    """The settings table as Markdown, as README.md documents it."""
    rows = ["| name | default | help |", "| --- | --- | --- |"]
    for s in SETTINGS:
        default = ", ".join(s.default) if isinstance(s.default, list) else s.default
        default = "platform user data dir" if s.name == "data_dir" else default
        rows.append(f"| `{s.name}` | `{default}` | {s.help} |")
    return "\n".join(rows)
