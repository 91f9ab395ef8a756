"""What a setting's value may be: the parsers of the table's values, and the names they know.

Kept apart from PyAV and the store, so checking a value (an admin's list of formats, a
bucket URL) needs neither.
"""

from __future__ import annotations

import re
from typing import Any, Callable

# The container formats Clipset knows (probing decides by the bytes, in ``media``): our
# names, and what people call them, for messages.
FORMAT_NAMES = {
    "mp4": "MP4",
    "mov": "QuickTime MOV",
    "m4v": "M4V",
    "mkv": "Matroska MKV",
    "webm": "WebM",
    "avi": "AVI",
    "mts": "AVCHD camcorder file (MTS/M2TS)",
    "3gp": "3GP phone video",
    "mpg": "MPEG/DVD video (MPG/VOB)",
    "dv": "DV camcorder file",
    "gif": "animated GIF",
}
KNOWN_FORMATS = tuple(FORMAT_NAMES)


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def word_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip().lower() for v in value if str(v).strip()]
    return [v.strip().lower() for v in str(value).split(",") if v.strip()]


def one_of(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in choices:
            raise ValueError(f"choose one of {', '.join(choices)}")
        return text

    return parse


# An S3 bucket URL: s3://bucket or s3://bucket/prefix (bucket names as S3 allows them).
BUCKET_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/([^?#]*))?")


def bucket_url(value: Any) -> str | None:
    text = str(value).strip()
    if not text:
        return None
    if not BUCKET_URL.fullmatch(text):
        raise ValueError("give s3://bucket or s3://bucket/prefix")
    return text.rstrip("/")
