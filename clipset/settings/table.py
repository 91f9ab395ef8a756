"""The settings table: one row (name, default, help, how to parse) for each setting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .values import KNOWN_FORMATS, boolean, bucket_url, one_of, word_list

MiB = 1024**2
GiB = 1024**3
MAX_WORKERS = 8  # videos processed at once, at most


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
        bucket_url,
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
        boolean,
    ),
    Setting("tray", True, "Show the tray icon when a display is available.", boolean),
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
        word_list,
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
    Setting(
        "keep_originals", False, "Keep the uploaded original after processing.", boolean, True
    ),
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
        one_of("stereo", "keep"),
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
    Setting("testing", False, "Testing mode: never touches the real user data dir.", boolean),
)

BY_NAME = {s.name: s for s in SETTINGS}
RUNTIME_KEYS = tuple(s.name for s in SETTINGS if s.runtime)
