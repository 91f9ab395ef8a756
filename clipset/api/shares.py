"""Share links: owners make, change and revoke them; guests open them without an account.

``/api/guest/...`` is all a guest's page ever calls: it answers only the link's video or
album.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g
from pydantic import Field

from ..services.shares import EXPIRIES, LABEL_MAX, PASSWORD_MAX, PASSWORD_MIN
from ..store.models import SHARE_TARGETS
from .access import client_address, services
from .endpoint import PUBLIC, endpoint
from .schemas import In, Out, Page, PageQuery, Privacy, UtcDatetime

bp = Blueprint("shares", __name__, url_prefix="/api")

Expiry = Literal[tuple(EXPIRIES)]
LinkStatus = Literal["active", "expired", "revoked"]
TargetKind = Literal[SHARE_TARGETS]


class ShareIn(In):
    expires_in: Expiry = Field("7d", description="How long the link works.")
    password: str | None = Field(None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    allow_download: bool = False
    label: str = Field("", max_length=LABEL_MAX, description='Your note, e.g. "for grandma".')


class SharePatch(In):
    label: str | None = Field(None, max_length=LABEL_MAX)
    expires_in: Expiry | None = Field(None, description="Counted again from now.")
    allow_download: bool | None = None


class SharedVideoRef(Out):
    id: str
    title: str
    privacy: Privacy


class SharedAlbumRef(Out):
    id: str
    title: str


class ShareLinkOut(Out):
    id: str
    token: str
    path: str = Field(description="The guest page, `/s/<token>`, on this server.")
    target_kind: TargetKind
    video: SharedVideoRef | None = Field(description="The video, for a video link.")
    album: SharedAlbumRef | None = Field(description="The album, for an album link.")
    video_is_private: bool = Field(description="The video is private now; the link still works.")
    label: str
    has_password: bool
    allow_download: bool
    created_at: UtcDatetime
    expires_at: UtcDatetime | None
    revoked_at: UtcDatetime | None
    last_opened_at: UtcDatetime | None
    open_count: int
    status: LinkStatus


class GuestQuery(In):
    access: str | None = Field(
        None, max_length=400, description="The `access` an unlock answered, for a password link."
    )


class UnlockIn(In):
    password: str = Field(min_length=1, max_length=1024)


class GuestVideoOut(Out):
    id: str
    title: str
    description: str
    uploader_name: str
    duration_seconds: float | None
    width: int | None
    height: int | None
    created_at: UtcDatetime


class GuestMediaOut(Out):
    stream_url: str
    thumbnail_url: str
    download_url: str | None = Field(description="Only when the link allows downloads.")
    expires_at: UtcDatetime


class GuestAlbumVideoOut(Out):
    video: GuestVideoOut
    media: GuestMediaOut


class GuestAlbumOut(Out):
    title: str
    description: str
    owner_name: str
    cover_thumbnail_url: str | None
    videos: list[GuestAlbumVideoOut] = Field(
        description="In the album's order: what a viewer of the album sees, private videos "
        "of its owner and contributors included."
    )


class GuestShareOut(Out):
    kind: TargetKind
    requires_password: bool
    unlocked: bool
    access: str | None = Field(description="Pass back as `access` to stay unlocked.")
    allow_download: bool
    expires_at: UtcDatetime | None
    video: GuestVideoOut | None = Field(description="A video link's video, once unlocked.")
    media: GuestMediaOut | None
    album: GuestAlbumOut | None = Field(description="An album link's album, once unlocked.")


# -- the owner's side ------------------------------------------------------------------
@endpoint(
    bp,
    "/videos/<video_id>/shares",
    "POST",
    body=ShareIn,
    response=ShareLinkOut,
    status=201,
    errors=(403, 404, 409),
)
def create_share(video_id: str, body: ShareIn):
    """Make a guest link for a video (owner or admin)."""
    return services().shares.create(g.user, video_id, **body.model_dump())


@endpoint(bp, "/videos/<video_id>/shares", response=list[ShareLinkOut], errors=(403, 404))
def video_shares(video_id: str):
    """The video's guest links, newest first (owner or admin)."""
    return services().shares.for_video(g.user, video_id)


@endpoint(
    bp,
    "/albums/<album_id>/shares",
    "POST",
    body=ShareIn,
    response=ShareLinkOut,
    status=201,
    errors=(403, 404),
)
def create_album_share(album_id: str, body: ShareIn):
    """Make a guest link for an album (owner or admin): its videos as they are when the
    guest looks, private ones of its owner and contributors included."""
    return services().shares.create_for_album(g.user, album_id, **body.model_dump())


@endpoint(bp, "/albums/<album_id>/shares", response=list[ShareLinkOut], errors=(403, 404))
def album_shares(album_id: str):
    """The album's guest links, newest first (owner or admin)."""
    return services().shares.for_album(g.user, album_id)


@endpoint(bp, "/shares", query=PageQuery, response=Page[ShareLinkOut])
def my_shares(query: PageQuery):
    """The guest links you made, newest first."""
    return services().shares.mine(g.user, query.page, query.page_size)


@endpoint(
    bp, "/shares/<link_id>", "PATCH", body=SharePatch, response=ShareLinkOut, errors=(404, 409)
)
def update_share(link_id: str, body: SharePatch):
    """Change a link's label, expiry or download switch (its creator, the target's owner
    or an admin); a link turned off stays off."""
    return services().shares.update(g.user, link_id, **body.model_dump())


@endpoint(bp, "/shares/<link_id>", "DELETE", status=204, errors=(404,))
def revoke_share(link_id: str):
    """Turn a guest link off at once; streams started from it stop too."""
    services().shares.revoke(g.user, link_id)


# -- the guest's side ------------------------------------------------------------------
@endpoint(
    bp,
    "/guest/<token>",
    query=GuestQuery,
    response=GuestShareOut,
    auth=PUBLIC,
    errors=(404, 409, 410),
)
def open_share(token: str, query: GuestQuery):
    """A guest link's video or album, or that it needs its password; 410 if expired or
    revoked. Each call counts as one opening."""
    return services().guests.open(token, query.access)


@endpoint(
    bp,
    "/guest/<token>/unlock",
    "POST",
    body=UnlockIn,
    response=GuestShareOut,
    auth=PUBLIC,
    errors=(403, 404, 409, 410, 429),
)
def unlock_share(token: str, body: UnlockIn):
    """Open a password link; wrong guesses are rate-limited per link and per client."""
    return services().guests.unlock(token, body.password, client_address())
