"""Peewee models for the whole product. Times are naive UTC.

The schema itself is owned by ``migrations.py``; these classes describe the newest
version of it (a test checks that the two agree).
"""

from __future__ import annotations

from peewee import (
    EXCLUDED,
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.sqlite_ext import AutoIncrementField

from .db import database
from .fields import PUBLIC_ID_RE as PUBLIC_ID_RE
from .fields import Flag, JSONField, new_key, new_public_id, new_share_id, new_share_token, now
from .fields import is_public_id as is_public_id
from .fields import iso_utc as iso_utc

PRIVACY = ("public", "unlisted", "private")
STATUSES = ("pending", "processing", "completed", "failed")


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    id = AutoIncrementField()  # never reused: ids reach URLs and tokens
    # Random and never reused: what tokens and signed URLs name the user by.
    subject = CharField(max_length=32, unique=True, default=new_key)
    username = CharField(max_length=32, unique=True)  # stored lower-case
    email = CharField(max_length=254, null=True)
    password_hash = CharField()
    role = CharField(max_length=16, default="user")
    is_active = BooleanField(default=True)
    # Bumped to revoke every token issued before (logout, password change, deactivation).
    token_version = IntegerField(default=0)
    # Bytes reserved by uploads this quota week; reset weekly, given back on delete.
    quota_used_bytes = BigIntegerField(default=0)
    created_at = DateTimeField(default=now)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Invitation(BaseModel):
    id = AutoIncrementField()  # never reused: ids reach URLs
    token = CharField(max_length=64, unique=True)
    email = CharField(max_length=254, null=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=now)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    used_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    revoked = BooleanField(default=False)


class Category(BaseModel):
    id = AutoIncrementField()  # never reused: ids reach URLs
    name = CharField(max_length=64, unique=True)
    slug = CharField(max_length=80, unique=True)
    created_at = DateTimeField(default=now)


class Upload(BaseModel):
    """A resumable upload (tus): bytes land in ``media/uploads/<id>``."""

    id = CharField(max_length=32, primary_key=True, default=new_key)
    user = ForeignKeyField(User, on_delete="CASCADE", backref="uploads")
    filename = CharField(max_length=255)
    content_type = CharField(max_length=128, null=True)
    length = BigIntegerField()  # declared size, reserved against the quota
    offset = BigIntegerField(default=0)
    state = CharField(max_length=16, default="uploading")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    expires_at = DateTimeField()


class Draft(BaseModel):
    id = AutoIncrementField()  # never reused: ids reach URLs
    user = ForeignKeyField(User, on_delete="CASCADE", backref="drafts")
    upload = ForeignKeyField(Upload, unique=True, on_delete="CASCADE", backref="+")
    title = CharField(max_length=200)
    description = TextField(default="")
    tags = JSONField(default=list)
    category = ForeignKeyField(Category, null=True, on_delete="SET NULL", backref="+")
    privacy = CharField(max_length=16, default="public")
    trim_start = FloatField(null=True)
    trim_end = FloatField(null=True)
    cover_time = FloatField(null=True)
    probe = JSONField(default=dict)  # what PyAV found when the draft was made
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class Video(BaseModel):
    id = AutoIncrementField()  # internal; never in a response
    public_id = CharField(max_length=11, unique=True, default=new_public_id)
    storage_key = CharField(max_length=32, unique=True, default=new_key)
    uploader = ForeignKeyField(User, on_delete="CASCADE", backref="videos")
    title = CharField(max_length=200)
    description = TextField(default="")
    tags = JSONField(default=list)
    category = ForeignKeyField(Category, null=True, on_delete="SET NULL", backref="videos")
    privacy = CharField(max_length=16, default="public")
    is_featured = BooleanField(default=False)
    original_filename = CharField(max_length=255, default="")
    source_size_bytes = BigIntegerField(default=0)  # counted against the quota
    # Editing choices carried over from the draft, applied by the job.
    trim_start = FloatField(null=True)
    trim_end = FloatField(null=True)
    cover_time = FloatField(null=True)
    # The job: claimed with a conditional UPDATE on processing_status.
    processing_status = CharField(max_length=16, default="pending")
    attempts = IntegerField(default=0)
    progress = FloatField(default=0)
    error_message = TextField(null=True)
    transcode_mode = CharField(max_length=16, null=True)
    processing_started_at = DateTimeField(null=True)
    processing_finished_at = DateTimeField(null=True)
    # While processing runs: the MIME type with codecs of the original's stream copy that
    # browsers may play meanwhile (services/stand_ins.py); None once it is gone.
    stand_in_type = CharField(max_length=128, null=True)
    # What the output turned out to be.
    duration_seconds = FloatField(null=True)
    width = IntegerField(null=True)
    height = IntegerField(null=True)
    fps = FloatField(null=True)
    video_codec = CharField(max_length=32, null=True)
    audio_codec = CharField(max_length=32, null=True)
    bitrate = IntegerField(null=True)
    file_size_bytes = BigIntegerField(null=True)
    recorded_at = DateTimeField(null=True)  # from the camera's tags; never its location
    # Every caption track's words, for search (the captions service keeps it in step).
    caption_text = TextField(default="")
    default_caption = CharField(max_length=32, null=True)  # a Caption id of this video
    # Counters kept consistent with their rows inside one transaction.
    view_count = IntegerField(default=0)
    like_count = IntegerField(default=0)
    comment_count = IntegerField(default=0)
    created_at = DateTimeField(default=now, index=True)
    # A remote worker's lease on the job (services/workers.py); null for the server's pool.
    worker_id = IntegerField(null=True)
    lease_token = CharField(max_length=32, null=True)
    lease_expires_at = DateTimeField(null=True)
    # The remote worker whose try failed last: not handed the job again while another can.
    failed_by_worker_id = IntegerField(null=True)
    bucket_files = CharField(max_length=255, null=True)  # kinds in the bucket (media_files)
    # The instance whose pool runs the job (PostgreSQL, several instances; notify.gone).
    claimed_by = CharField(max_length=32, null=True)

    class Meta:
        indexes = (
            (("processing_status", "privacy", "created_at"), False),
            (("processing_status", "privacy", "view_count"), False),
            (("processing_status", "privacy", "like_count"), False),
            (("processing_status", "privacy", "is_featured", "created_at"), False),
            (("uploader", "created_at"), False),
        )


class Caption(BaseModel):
    """A WebVTT caption track of a video: uploaded, or taken from the file's subtitles."""

    id = CharField(max_length=32, primary_key=True, default=new_key)  # reaches URLs
    video = ForeignKeyField(Video, on_delete="CASCADE", backref="captions")
    language = CharField(max_length=35)  # a BCP 47 tag ("en", "pt-BR")
    label = CharField(max_length=64)
    source = CharField(max_length=16)  # CAPTION_SOURCES
    vtt = TextField()  # sanitised WebVTT, served as it is
    text = TextField()  # its cues' plain words
    created_at = DateTimeField(default=now)


CAPTION_SOURCES = ("upload", "file")


class Like(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="likes")
    video = ForeignKeyField(Video, on_delete="CASCADE", backref="likes")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("video", "user"), True),)


class Comment(BaseModel):
    id = AutoIncrementField()  # never reused: ids reach URLs
    video = ForeignKeyField(Video, on_delete="CASCADE", backref="comments")
    author = ForeignKeyField(User, on_delete="CASCADE", backref="comments")
    body = TextField()
    timestamp_seconds = FloatField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("video", "created_at"), False),)


class View(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    video = ForeignKeyField(Video, on_delete="CASCADE", backref="+")
    viewed_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("user", "video", "viewed_at"), False),)


class Worker(BaseModel):
    """A computer lent to transcoding: its token is stored hashed, shown once."""

    id = AutoIncrementField()  # never reused: ids reach URLs
    name = CharField(max_length=64)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=now)
    revoked_at = DateTimeField(null=True)
    last_seen_at = DateTimeField(null=True)
    address = CharField(max_length=64, null=True)
    encoder = CharField(max_length=32, null=True)
    jobs_done = IntegerField(default=0)


class Config(BaseModel):
    """Admin-edited settings (JSON values) that override the settings defaults."""

    key = CharField(max_length=64, primary_key=True)
    value = JSONField()
    updated_at = DateTimeField(default=now)

    @classmethod
    def put(cls, key: str, value) -> None:
        """Write one value, new or not (ON CONFLICT: the same on SQLite and PostgreSQL)."""
        cls.insert(key=key, value=value, updated_at=now()).on_conflict(
            conflict_target=[cls.key],
            update={cls.value: EXCLUDED.value, cls.updated_at: EXCLUDED.updated_at},
        ).execute()


ALBUM_ROLES = ("viewer", "contributor")


class Album(BaseModel):
    """An ordered collection of videos with members. Its id is random like a video's
    public id, so albums cannot be found by counting."""

    id = CharField(max_length=11, primary_key=True, default=new_public_id)
    owner = ForeignKeyField(User, on_delete="CASCADE", backref="albums")
    title = CharField(max_length=200)
    description = TextField(default="")
    cover_video = ForeignKeyField(Video, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class AlbumMember(BaseModel):
    album = ForeignKeyField(Album, on_delete="CASCADE", backref="members")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    role = CharField(max_length=16)  # one of ALBUM_ROLES
    created_at = DateTimeField(default=now)

    class Meta:
        primary_key = CompositeKey("album", "user")


class AlbumVideo(BaseModel):
    album = ForeignKeyField(Album, on_delete="CASCADE", backref="entries")
    video = ForeignKeyField(Video, on_delete="CASCADE", backref="+")
    added_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    position = IntegerField()
    added_at = DateTimeField(default=now)

    class Meta:
        primary_key = CompositeKey("album", "video")
        indexes = ((("album", "position"), False),)


class WatchLater(BaseModel):
    """A user's "Watch later" list (their favourites are their likes)."""

    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    video = ForeignKeyField(Video, on_delete="CASCADE", backref="+")
    added_at = DateTimeField(default=now)

    class Meta:
        primary_key = CompositeKey("user", "video")
        indexes = ((("user", "added_at"), False),)


SHARE_TARGETS = ("video", "album")  # what a share link can point at


class ShareLink(BaseModel):
    """A guest link to one video or one album (``target_kind`` says which key is set)."""

    id = CharField(max_length=16, primary_key=True, default=new_share_id)
    token = CharField(max_length=64, unique=True, default=new_share_token)
    target_kind = CharField(max_length=16, default="video")
    # Deleting the video deletes its links; making it private does not (shared on purpose).
    video = ForeignKeyField(Video, null=True, on_delete="CASCADE", backref="+")
    # Deleting the album deletes its links too; its videos are reached only while in it.
    album = ForeignKeyField(Album, null=True, on_delete="CASCADE", backref="+")
    created_by = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    label = CharField(max_length=80, default="")
    password_hash = CharField(null=True)
    allow_download = Flag(default=False)
    created_at = DateTimeField(default=now)
    expires_at = DateTimeField(null=True)  # null: never
    revoked_at = DateTimeField(null=True)
    last_opened_at = DateTimeField(null=True)
    open_count = IntegerField(default=0)


class BucketDelete(BaseModel):
    """An object of the bucket ``bucket`` (a ``media_store`` URL) that a delete left
    behind: retried on a schedule until the store removes it."""

    bucket = CharField(max_length=255)
    name = CharField(max_length=255)  # the object's name under the bucket's prefix
    storage_key = CharField(max_length=32)  # whose file it was, and which kind
    kind = CharField(max_length=32)
    attempts = IntegerField(default=1)
    error = TextField(null=True)  # what the store said last
    created_at = DateTimeField(default=now)
    tried_at = DateTimeField(default=now)

    class Meta:
        primary_key = CompositeKey("bucket", "name")


TRIM_STATES = ("running", "idle", "failed")  # idle: the last one ended or was stopped


class Trim(BaseModel):
    """A video's last trim (services/edits.py); no row: never trimmed."""

    video = ForeignKeyField(Video, primary_key=True, on_delete="CASCADE", backref="+")
    state = CharField(max_length=16)  # one of TRIM_STATES
    percent = FloatField(default=0)
    error = TextField(null=True)
    started_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    instance = CharField(max_length=32, null=True)  # the instance running it (notify.gone)


MODELS = (
    User,
    Invitation,
    Category,
    Upload,
    Draft,
    Video,
    Caption,
    Like,
    Comment,
    View,
    Config,
    Album,
    AlbumMember,
    AlbumVideo,
    WatchLater,
    ShareLink,
    Worker,
    BucketDelete,
    Trim,
)
