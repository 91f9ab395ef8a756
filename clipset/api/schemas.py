"""Response and shared request shapes (pydantic); field names are the API contract."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AliasChoices,
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    computed_field,
)

from ..services.chapters import chapters
from ..services.videos import TAGS_MAX, TAGS_SENT_MAX
from ..store.models import PRIVACY, STATUSES, iso_utc
from ..store.pagination import MAX_PAGE, MAX_PAGE_SIZE

# Times are stored as naive UTC and sent as ISO 8601 with a trailing Z.
UtcDatetime = Annotated[dt.datetime, PlainSerializer(iso_utc, return_type=str)]

T = TypeVar("T")

# The models' value lists, as the API states them.
Privacy = Literal[PRIVACY]
Status = Literal[STATUSES]
# A video's tags as sent; the service normalizes them and holds them to TAGS_MAX.
Tags = Annotated[
    list[str],
    Field(
        max_length=TAGS_SENT_MAX,
        description=f"At most {TAGS_MAX} once normalized (lower-case, de-duplicated).",
    ),
]

# A video's ``id`` in every response is its public id; the integer key stays inside.
# Read from a Video's ``public_id`` (or an ``id`` already made public, in dicts).
VideoId = Annotated[
    str,
    Field(
        validation_alias=AliasChoices("public_id", "id"),
        description="The video's public id: 11 URL-safe characters.",
    ),
]
# The same for ``video_id`` of rows that belong to a video (loaded with it).
VideoOfRow = Annotated[
    str,
    Field(
        validation_alias=AliasChoices(AliasPath("video", "public_id"), "video_id"),
        description="The video's public id.",
    ),
]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# An optional email address, as sign-up and invitations take it.
Email = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


class ErrorOut(Out):
    detail: str
    error_code: str
    field: str | None = None


class UserRef(Out):
    id: int
    username: str


class UserOut(Out):
    id: int
    username: str
    email: str | None
    role: Literal["admin", "user"]
    is_active: bool
    created_at: UtcDatetime


class SessionOut(Out):
    access_token: str
    token_type: Literal["bearer"]
    user: UserOut


class PageQuery(In):
    model_config = ConfigDict(extra="ignore")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class Page(Out, Generic[T]):
    items: list[T]
    total_count: int
    page: int
    page_size: int
    total_pages: int
    has_more: bool


class ChapterOut(Out):
    start: float = Field(description="Seconds from the start.")
    title: str


class VideoOut(Out):
    id: VideoId
    title: str
    description: str
    tags: list[str]
    category_id: int | None
    privacy: Privacy
    is_featured: bool
    storage_key: str
    processing_status: Status
    progress: float
    error_message: str | None
    transcode_mode: Literal["transcode", "remux"] | None
    duration_seconds: float | None
    width: int | None
    height: int | None
    fps: float | None
    file_size_bytes: int | None
    view_count: int
    like_count: int
    comment_count: int
    liked: bool = Field(description="Whether you liked this video.")
    uploader: UserRef
    created_at: UtcDatetime
    recorded_at: UtcDatetime | None = Field(
        description="When the camera recorded it, from the file's tags (null if none)."
    )
    processing_started_at: UtcDatetime | None
    processing_finished_at: UtcDatetime | None
    stand_in_type: str | None = Field(
        description="While it is processed: the MIME type with codecs (`video/mp4; "
        'codecs="avc1.64001f, mp4a.40.2"`) of the original, playing meanwhile at '
        "`GET /api/videos/{id}/stand-in` for browsers whose `canPlayType` accepts it; "
        "else null."
    )

    @computed_field(description="Chapters from `0:00 Intro` lines in the description.")
    @property
    def chapters(self) -> list[ChapterOut]:
        return [ChapterOut(**c) for c in chapters(self.description, self.duration_seconds)]
