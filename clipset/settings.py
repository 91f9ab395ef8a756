"""Settings: one table of (name, default, help), resolved in a fixed order.

defaults < ``config.toml`` in the data dir < ``CLIPSET_<NAME>`` environment < explicit
overrides (CLI flags, or the dict a test passes to ``create_app``).

The settings marked ``runtime`` are only the *defaults* of the admin config
(`GET/PATCH /api/admin/config`); once an admin changes one, the database wins.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import ConfigurationError
from .store import dirs

MiB = 1024**2
GiB = 1024**3
MAX_WORKERS = 8  # videos processed at once, at most

# The container formats Clipset knows (probing decides by the bytes, in ``media``); kept
# here so checking an admin's list needs no PyAV.
# Our names, and what people call them, for messages.
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


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip().lower() for v in value if str(v).strip()]
    return [v.strip().lower() for v in str(value).split(",") if v.strip()]


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in choices:
            raise ValueError(f"choose one of {', '.join(choices)}")
        return text

    return parse


# An S3 bucket URL: s3://bucket or s3://bucket/prefix (bucket names as S3 allows them).
BUCKET_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/([^?#]*))?")


def _bucket_url(value: Any) -> str | None:
    text = str(value).strip()
    if not text:
        return None
    if not BUCKET_URL.fullmatch(text):
        raise ValueError("give s3://bucket or s3://bucket/prefix")
    return text.rstrip("/")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = str
    runtime: bool = False  # default of an admin-editable config value
    # For those: the bounds an admin's value keeps, read by the admin API's schema and by
    # the config service alike (ge/le for a number, min/max_length for a list or text).
    bounds: dict[str, int] = field(default_factory=dict)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        None,
        "Folder for the database, media, logs and secret key "
        "(default: the platform's user data dir).",
        str,
    ),
    Setting(
        "database_url",
        None,
        "The database: empty for the SQLite file in the data dir (the default), or "
        "postgresql://user:password@host:port/name for a PostgreSQL server.",
        str,
    ),
    Setting(
        "media_store",
        None,
        "Where finished videos, thumbnails and previews live: empty for the data dir (the "
        "default), or s3://bucket/prefix for an S3-compatible bucket (MinIO, Garage, AWS), "
        "whose presigned URLs then carry the bytes. Uploads and originals stay in the data dir.",
        _bucket_url,
    ),
    Setting(
        "s3_endpoint_url",
        None,
        "The S3 service of media_store (http(s)://host:port); empty: AWS's own for the region.",
        str,
    ),
    Setting("s3_region", "us-east-1", "The region of media_store's bucket.", str),
    Setting(
        "s3_access_key_id",
        None,
        "Access key of media_store; empty: the usual AWS_* environment and files.",
        str,
    ),
    Setting(
        "s3_secret_access_key", None, "Secret key of media_store (see s3_access_key_id).", str
    ),
    Setting("host", "0.0.0.0", "Interface the server listens on.", str),
    Setting("port", 8420, "TCP port of the web app, API and WebSockets.", int),
    Setting(
        "trusted_proxy",
        None,
        "Address of the reverse proxy in front of Clipset (several instances): its "
        "X-Forwarded-For and X-Forwarded-Proto then name the client, for sign-in limits "
        "and the host-only controls; empty: no proxy, those headers are ignored.",
        str,
    ),
    Setting("threads", 16, "Waitress threads that answer HTTP requests.", int),
    Setting(
        "media_threads",
        2,
        "Waitress threads that answer /media requests (video and thumbnail bytes), apart "
        "from those of the API, so that many viewers never queue ahead of API requests. "
        "Each only checks a request and starts its transfer (the bytes go out from the "
        "server's loop), so few are enough; more take interpreter time from the API.",
        int,
    ),
    Setting(
        "max_media_transfers",
        64,
        "Most /media responses in flight at once (until the last byte is sent or the "
        "viewer leaves); beyond it a request is answered 503 with Retry-After.",
        int,
    ),
    Setting("connection_limit", 400, "Most simultaneous HTTP connections waitress accepts.", int),
    Setting(
        "max_connections_per_client",
        50,
        "Most simultaneous HTTP connections from "
        "one client address; further ones are closed as they arrive.",
        int,
    ),
    Setting(
        "request_head_timeout_seconds",
        10,
        "Seconds a connection may take to send a "
        "request's headers (counted from connecting or from the last response); then "
        "it is closed. Bodies and responses are not cut by it.",
        int,
    ),
    Setting(
        "max_request_body_bytes",
        1024 * 1024,
        "Largest request body accepted, except "
        "uploads with a valid upload link or sign-in; larger ones get 413 unread.",
        int,
    ),
    Setting(
        "ws_max_connections",
        300,
        "Most simultaneous WebSocket connections; "
        "further ones are closed with code 1013 (try again later).",
        int,
    ),
    Setting(
        "ws_max_per_user",
        20,
        "Most simultaneous WebSocket connections of one user; "
        "further ones are closed with code 1013.",
        int,
    ),
    Setting(
        "ws_max_unauthenticated",
        50,
        "Most WebSocket connections not yet signed in; further ones are closed with code 1013.",
        int,
    ),
    Setting(
        "open_browser",
        False,
        "Open the browser on every start (the first run, before "
        "the admin account exists, always opens it).",
        _bool,
    ),
    Setting("tray", True, "Show the tray icon when a display is available.", _bool),
    Setting("log_level", "INFO", "Logging level (DEBUG, INFO, WARNING, ERROR).", str),
    Setting("token_ttl_hours", 24 * 14, "Lifetime of a sign-in token, in hours.", int),
    Setting(
        "media_url_ttl_seconds",
        6 * 3600,
        "Lifetime of a signed media URL, in seconds "
        "(at least the length of a video plus a margin).",
        int,
    ),
    Setting(
        "login_attempts",
        10,
        "Failed logins one client may make on one username "
        "within the login window before answering 429 (a username takes ten times "
        "as many from all clients together, a client ten times as many over all "
        "usernames).",
        int,
    ),
    Setting("login_window_seconds", 300, "The login rate-limit window, in seconds.", int),
    Setting("invitation_ttl_days", 7, "Days an invitation link stays valid.", int),
    Setting("max_file_size_bytes", 4 * GiB, "Largest upload accepted.", int, True, {"ge": MiB}),
    Setting(
        "weekly_upload_limit_bytes",
        20 * GiB,
        "Bytes each user may upload per week.",
        int,
        True,
        {"ge": 0},
    ),
    Setting(
        "accepted_formats",
        list(KNOWN_FORMATS),
        "Container formats accepted (decided by probing the bytes).",
        _list,
        True,
        {"min_length": 1, "max_length": 16},
    ),
    Setting(
        "worker_count",
        1,
        "Videos this server processes at the same time; 0 leaves every job to remote "
        "workers (clipset worker).",
        int,
        True,
        {"ge": 0, "le": MAX_WORKERS},
    ),
    Setting(
        "worker_lease_seconds",
        60,
        "How long a remote worker's claim on a job lasts without a heartbeat; then the "
        "job goes back to the queue.",
        int,
    ),
    Setting("keep_originals", False, "Keep the uploaded original after processing.", _bool, True),
    Setting("max_duration_seconds", 3 * 3600, "Longest video accepted, in seconds.", int),
    Setting("x264_preset", "medium", "libx264 preset used when transcoding.", str),
    Setting("x264_crf", 23, "libx264 constant rate factor used when transcoding.", int),
    Setting(
        "max_fps",
        60,
        "Highest frame rate of a processed video; faster footage "
        "(120/240 fps slow motion) keeps every 2nd, 4th... frame to fit.",
        int,
    ),
    Setting(
        "surround_audio",
        "stereo",
        "5.1/7.1 sound when it is re-encoded: stereo "
        "(downmixed, what phones and laptops play) or keep.",
        _choice("stereo", "keep"),
    ),
    Setting(
        "video_encoder",
        "auto",
        "H.264 encoder: auto (the first hardware encoder that "
        "passes a test encode, else libx264), libx264, or one by name (h264_nvenc, "
        "h264_qsv, h264_amf, h264_videotoolbox, h264_v4l2m2m).",
        lambda value: str(value).strip().lower(),
    ),
    Setting(
        "upload_expiry_hours",
        24,
        "Unfinished uploads and unposted drafts older "
        "than this are removed and their quota given back.",
        int,
    ),
    Setting(
        "disk_margin_bytes",
        256 * 1024**2,
        "Disk space kept free for the database, "
        "logs and processing: uploads that would eat into it are refused with 507.",
        int,
    ),
    Setting(
        "backup_dir",
        None,
        "Folder scheduled backups go to, as an absolute path (another "
        "disk or a NAS mount); none: no scheduled backups.",
        str,
        True,
        {"max_length": 1024},
    ),
    Setting(
        "backup_interval_hours",
        24,
        "Hours between scheduled backups.",
        int,
        True,
        {"ge": 1, "le": 24 * 31},
    ),
    Setting(
        "backup_keep",
        7,
        "Scheduled backups kept in the backup folder; older ones are deleted.",
        int,
        True,
        {"ge": 1, "le": 365},
    ),
    Setting(
        "web_dist",
        None,
        "Folder of the built web app (default: web/dist of the repository or the bundle).",
        str,
    ),
    Setting("testing", False, "Testing mode: never touches the real user data dir.", _bool),
)

BY_NAME = {s.name: s for s in SETTINGS}
RUNTIME_KEYS = tuple(s.name for s in SETTINGS if s.runtime)


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

    testing = _bool(overrides.get("testing", env("testing") or False))
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
