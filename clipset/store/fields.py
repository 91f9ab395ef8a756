"""Column types and the values the models default to (ids, keys, times), kept apart from
``models.py``, which re-exports them."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import uuid

from peewee import BooleanField, TextField


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def iso_utc(value: dt.datetime) -> str:
    """A stored (naive UTC) time as the API sends it: ISO 8601 with a trailing Z."""
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def new_key() -> str:
    return uuid.uuid4().hex


# A video's id as URLs and responses show it: 64 random bits in 11 base64url characters,
# so unlisted videos cannot be found by counting. The integer primary key stays inside.
PUBLIC_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")


def new_public_id() -> str:
    return secrets.token_urlsafe(8)


def is_public_id(value) -> bool:
    return isinstance(value, str) and PUBLIC_ID_RE.match(value) is not None


class JSONField(TextField):
    """JSON kept as compact text, on SQLite (as its ``json()`` wrote it) and PostgreSQL
    alike."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def python_value(self, value):
        return None if value is None else json.loads(value)


class Flag(BooleanField):
    """A boolean declared as ``BOOLEAN`` on every database (peewee's own says ``INTEGER``
    on SQLite), so one frozen migration step suits SQLite and PostgreSQL alike."""

    field_type = "BOOLEAN"


def new_share_id() -> str:
    return secrets.token_urlsafe(12)


def new_share_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits, never derived from any id
