"""Managing and exploring videos, the signed-in user's library, views and media URLs.

Creating videos (upload URLs, drafts, finalize, the one-shot ``POST /api/videos``) and
likes/comments live in their own blueprints. A ``<video_id>`` is a public id; literal
paths (``/feed``, ``/mine``...) win over it in routing, and never look like one.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g
from pydantic import Field

from ..services.feed import CURSOR_FORMAT
from ..services.videos import DESCRIPTION_MAX, TITLE_MAX, TITLE_PATTERN
from .access import services
from .endpoint import ADMIN, endpoint
from .schemas import In, Out, Page, PageQuery, Privacy, Tags, UtcDatetime, VideoOut

bp = Blueprint("videos", __name__, url_prefix="/api/videos")

Order = Literal["asc", "desc"]
SearchText = Field(None, max_length=200)


class DetailsIn(In):
    title: str = Field(None, min_length=1, max_length=TITLE_MAX, pattern=TITLE_PATTERN)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
    tags: Tags | None = None
    category_id: int | None = None


class PrivacyIn(In):
    privacy: Privacy


class FeatureIn(In):
    is_featured: bool


class ListQuery(PageQuery):
    category_id: int | None = None
    uploaded_by: int | None = None
    q: str | None = SearchText
    sort_by: Literal["created_at", "recorded_at", "view_count", "like_count"] = "created_at"
    order: Order = "desc"


class FeedQuery(In):
    cursor: str | None = Field(
        None,
        max_length=200,
        description="A `next_cursor` from an earlier page, as it came; any other answers 400.",
        json_schema_extra={"format": CURSOR_FORMAT},
    )
    limit: int = Field(10, ge=1, le=50)


class SearchQuery(PageQuery):
    q: str = Field(min_length=1, max_length=200)


class MineQuery(PageQuery):
    search: str | None = SearchText
    sort_by: Literal[
        "created_at", "recorded_at", "title", "view_count", "like_count", "file_size_bytes"
    ] = "created_at"
    sort_order: Order = "desc"


class RecentQuery(In):
    limit: int = Field(5, ge=1, le=20)


class FeedOut(Out):
    items: list[VideoOut]
    next_cursor: str | None
    as_of: UtcDatetime = Field(
        description="The walk's snapshot time: videos created later join a feed started again."
    )


class ViewOut(Out):
    view_count: int
    counted: bool


class VariantOut(Out):
    url: str
    width: int


class StandInOut(Out):
    url: str
    type: str = Field(description="Its MIME type with codecs, for `canPlayType`.")
    expires_at: UtcDatetime


class MediaUrlOut(Out):
    url: str
    expires_at: UtcDatetime
    srcset: list[VariantOut] = Field(
        description="A thumbnail's WebP copies by width, for an `<img srcset>` (else empty)."
    )


# -- explore ---------------------------------------------------------------------------
@endpoint(bp, "", query=ListQuery, response=Page[VideoOut])
def list_videos(query: ListQuery):
    """Public, finished videos, filtered and sorted; `q` searches title, description, tags."""
    return services().catalog.list(
        g.user,
        query.page,
        query.page_size,
        query.category_id,
        query.uploaded_by,
        query.q,
        query.sort_by,
        query.order,
    )


@endpoint(bp, "/feed", query=FeedQuery, response=FeedOut, errors=(400,))
def feed(query: FeedQuery):
    """Public videos for infinite scroll: unwatched first, uploaders taking turns, newest
    first within a turn; pass `next_cursor` back as `cursor` (its pages never repeat)."""
    return services().feed.page(g.user, query.cursor, query.limit)


@endpoint(bp, "/featured", query=PageQuery, response=Page[VideoOut])
def featured(query: PageQuery):
    """Featured public videos, newest first."""
    return services().catalog.featured(g.user, query.page, query.page_size)


@endpoint(bp, "/search", query=SearchQuery, response=Page[VideoOut])
def search(query: SearchQuery):
    """Full-text search over title, description and tags; best matches first."""
    return services().catalog.search(g.user, query.q, query.page, query.page_size)


@endpoint(bp, "/user/<int:user_id>", query=PageQuery, response=Page[VideoOut], errors=(404,))
def by_uploader(user_id: int, query: PageQuery):
    """A user's videos: their public ones, or all of them when it is your own list."""
    return services().catalog.by_uploader(g.user, user_id, query.page, query.page_size)


@endpoint(bp, "/<video_id>", response=VideoOut, errors=(404,))
def get_video(video_id: str):
    """One video, if you may see it."""
    return services().catalog.get(g.user, video_id)


@endpoint(bp, "/by-key/<storage_key>", response=VideoOut, errors=(404,))
def by_key(storage_key: str):
    """One video by its storage key, if you may see it."""
    return services().catalog.by_key(g.user, storage_key)


# -- library -----------------------------------------------------------------------------
@endpoint(bp, "/mine", query=MineQuery, response=Page[VideoOut])
def mine(query: MineQuery):
    """Your videos in any state (pending, processing, failed included)."""
    return services().catalog.mine(
        g.user, query.page, query.page_size, query.search, query.sort_by, query.sort_order
    )


@endpoint(bp, "/mine/recent", query=RecentQuery, response=list[VideoOut])
def mine_recent(query: RecentQuery):
    """Your most recent uploads (at most 20)."""
    return services().catalog.recent(g.user, query.limit)


# -- media -------------------------------------------------------------------------------
@endpoint(bp, "/stream/<video_id>", response=MediaUrlOut, errors=(404, 409))
def stream_url(video_id: str):
    """A short-lived signed URL that plays the video (byte ranges supported)."""
    return services().catalog.media_url(g.user, video_id, "video")


@endpoint(bp, "/<video_id>/stand-in", response=StandInOut, errors=(404,))
def stand_in_url(video_id: str):
    """While the video is processed: a signed URL of its original, copied as it is into an
    MP4, that plays until the processed file is ready (404 `no_stand_in` when there is none)."""
    return services().stand_ins.url(g.user, video_id)


@endpoint(bp, "/thumbnail/<video_id>", response=MediaUrlOut, errors=(404, 409))
def thumbnail_url(video_id: str):
    """A short-lived signed URL of the video's thumbnail."""
    return services().catalog.media_url(g.user, video_id, "thumbnail")


@endpoint(bp, "/<video_id>/views", "POST", response=ViewOut, errors=(404, 409))
def record_view(video_id: str):
    """Count a view (at most once per user and video per hour)."""
    return services().videos.record_view(g.user, video_id)


# -- manage ------------------------------------------------------------------------------
@endpoint(bp, "/<video_id>/details", "PATCH", body=DetailsIn, response=VideoOut, errors=(403, 404))
def update_details(video_id: str, body: DetailsIn):
    """Change title, description, tags or category (owner or admin); omitted fields stay."""
    changes = body.model_dump(include=body.model_fields_set)
    return services().videos.update_details(g.user, video_id, changes)


@endpoint(bp, "/<video_id>/privacy", "PATCH", body=PrivacyIn, response=VideoOut, errors=(403, 404))
def set_privacy(video_id: str, body: PrivacyIn):
    """Make a video public, unlisted or private (owner or admin)."""
    return services().videos.set_privacy(g.user, video_id, body.privacy)


@endpoint(
    bp,
    "/<video_id>/feature",
    "PATCH",
    body=FeatureIn,
    response=VideoOut,
    auth=ADMIN,
    errors=(403, 404),
)
def set_featured(video_id: str, body: FeatureIn):
    """Feature or unfeature a video (admin)."""
    return services().videos.set_featured(g.user, video_id, body.is_featured)


@endpoint(bp, "/<video_id>", "DELETE", status=204, errors=(403, 404))
def delete_video(video_id: str):
    """Delete a video with its files; its size is given back to this week's quota."""
    services().videos.delete(g.user, video_id)
