"""Albums: ordered collections of videos with members. Who may do what is the albums
service's (``album_access``); an album the caller may not see answers 404."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g
from pydantic import Field

from ..services.albums import ALBUM_MAX_VIDEOS, BULK_MAX
from ..services.videos import DESCRIPTION_MAX, TITLE_MAX, TITLE_PATTERN
from ..store.models import ALBUM_ROLES
from .access import services
from .endpoint import endpoint
from .schemas import In, Out, Page, PageQuery, UserRef, UtcDatetime, VideoOut

bp = Blueprint("albums", __name__, url_prefix="/api/albums")

AlbumRole = Literal[ALBUM_ROLES]
VideoIds = Field(min_length=1, max_length=BULK_MAX, description="Public ids of videos.")


class AlbumIn(In):
    title: str = Field(min_length=1, max_length=TITLE_MAX, pattern=TITLE_PATTERN)
    description: str = Field("", max_length=DESCRIPTION_MAX)


class AlbumPatch(In):
    title: str = Field(None, min_length=1, max_length=TITLE_MAX, pattern=TITLE_PATTERN)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
    cover_video_id: str | None = Field(
        None, max_length=11, description="One of the album's videos; null for the first one."
    )


class VideosIn(In):
    video_ids: list[str] = VideoIds


class OrderIn(In):
    video_ids: list[str] = Field(
        max_length=ALBUM_MAX_VIDEOS,
        json_schema_extra={"uniqueItems": True},
        description="Videos of the album in their new order; they take the places they "
        "held between them, so videos left out keep theirs.",
    )


class MemberIn(In):
    role: AlbumRole


class AlbumOut(Out):
    id: str = Field(description="The album's id: 11 URL-safe characters.")
    title: str
    description: str
    owner: UserRef
    role: Literal["owner", "admin", "contributor", "viewer"] = Field(
        description="What you are to this album."
    )
    video_count: int = Field(description="Videos in it that you may see.")
    member_count: int
    cover_video_id: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class MemberOut(Out):
    user: UserRef
    role: AlbumRole
    created_at: UtcDatetime


@endpoint(bp, "", response=list[AlbumOut])
def list_albums():
    """Albums you own or are a member of, most recently changed first."""
    return services().albums.mine(g.user)


@endpoint(bp, "", "POST", body=AlbumIn, response=AlbumOut, status=201)
def create_album(body: AlbumIn):
    """Create an album; you are its owner."""
    return services().albums.create(g.user, body.title, body.description)


@endpoint(bp, "/<album_id>", response=AlbumOut, errors=(404,))
def get_album(album_id: str):
    """One album, if you own it, are a member or are an admin."""
    return services().albums.get(g.user, album_id)


@endpoint(bp, "/<album_id>", "PATCH", body=AlbumPatch, response=AlbumOut, errors=(403, 404))
def update_album(album_id: str, body: AlbumPatch):
    """Change the title, description or cover (owner or admin)."""
    sent = body.model_fields_set
    return services().albums.update(
        g.user,
        album_id,
        body.title,
        body.description,
        body.cover_video_id,
        clear_cover="cover_video_id" in sent and body.cover_video_id is None,
    )


@endpoint(bp, "/<album_id>", "DELETE", status=204, errors=(403, 404))
def delete_album(album_id: str):
    """Delete an album (owner or admin); its videos stay where they were."""
    services().albums.delete(g.user, album_id)


@endpoint(bp, "/<album_id>/videos", query=PageQuery, response=Page[VideoOut], errors=(404,))
def album_videos(album_id: str, query: PageQuery):
    """The album's videos that you may see, in the album's order."""
    return services().albums.videos(g.user, album_id, query.page, query.page_size)


@endpoint(bp, "/<album_id>/videos", "POST", body=VideosIn, response=AlbumOut, errors=(403, 404))
def add_videos(album_id: str, body: VideosIn):
    """Add videos at the end (owner: any you may see; contributor: your own); all or none."""
    return services().albums.add_videos(g.user, album_id, body.video_ids)


@endpoint(bp, "/<album_id>/videos/<video_id>", "DELETE", status=204, errors=(403, 404))
def remove_video(album_id: str, video_id: str):
    """Take a video out (owner or admin; a contributor what they added)."""
    services().albums.remove_video(g.user, album_id, video_id)


@endpoint(bp, "/<album_id>/order", "PUT", body=OrderIn, status=204, errors=(403, 404))
def reorder(album_id: str, body: OrderIn):
    """Reorder the album's videos (owner or admin)."""
    services().albums.reorder(g.user, album_id, body.video_ids)


@endpoint(bp, "/<album_id>/members", response=list[MemberOut], errors=(404,))
def members(album_id: str):
    """Who the album is shared with, and as what."""
    return services().albums.members(g.user, album_id)


@endpoint(
    bp,
    "/<album_id>/members/<int:user_id>",
    "PUT",
    body=MemberIn,
    response=MemberOut,
    errors=(403, 404),
)
def set_member(album_id: str, user_id: int, body: MemberIn):
    """Share the album with a user as viewer or contributor, or change their role."""
    return services().albums.set_member(g.user, album_id, user_id, body.role)


@endpoint(bp, "/<album_id>/members/<int:user_id>", "DELETE", status=204, errors=(403, 404))
def remove_member(album_id: str, user_id: int):
    """Remove a member (owner or admin), or leave an album yourself."""
    services().albums.remove_member(g.user, album_id, user_id)
