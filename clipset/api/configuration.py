"""The admin configuration's shapes, derived from the settings table: each runtime
setting is one field, typed by its default and bounded as its ``bounds`` say (the config
service checks the same bounds)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model, field_validator

from ..services.snapshots import ABSOLUTE_PATH_PATTERN
from ..settings import BY_NAME, KNOWN_FORMATS, RUNTIME_KEYS, Setting
from .schemas import In, Out


def _type(setting: Setting) -> Any:
    if isinstance(setting.default, bool):
        return bool
    if isinstance(setting.default, int):
        return int
    if isinstance(setting.default, list):
        return list[str]
    return str | None  # a folder, or none


def _known_formats(schema: dict) -> None:
    schema["items"] = {"type": "string", "enum": list(KNOWN_FORMATS)}


def _absolute_path(schema: dict) -> None:
    for branch in schema["anyOf"]:
        if branch.get("type") == "string":
            branch["pattern"] = ABSOLUTE_PATH_PATTERN


def _patch_field(setting: Setting) -> Any:
    extra: dict[str, Any] = {}
    if _type(setting) is bool:
        extra["strict"] = True  # "yes" is not a boolean here
    if setting.name == "accepted_formats":
        extra["json_schema_extra"] = _known_formats
    if setting.name == "backup_dir":  # checked by the backup service (its error codes)
        extra["json_schema_extra"] = _absolute_path
    return Field(None, description=setting.help, **setting.bounds, **extra)


def _lower(cls, formats: list[str]) -> list[str]:
    return [f.strip().lower() for f in formats]


ConfigOut = create_model(
    "ConfigOut",
    __base__=Out,
    **{key: (_type(BY_NAME[key]), Field(description=BY_NAME[key].help)) for key in RUNTIME_KEYS},
)

ConfigPatch = create_model(
    "ConfigPatch",
    __base__=In,
    __doc__="Any subset of the configuration; fields left out keep their value. A null "
    "or empty backup_dir turns scheduled backups off.",
    __validators__={"_lower": field_validator("accepted_formats")(classmethod(_lower))},
    **{key: (_type(BY_NAME[key]), _patch_field(BY_NAME[key])) for key in RUNTIME_KEYS},
)
