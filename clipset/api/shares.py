"""Share links: owners make and revoke them; guests open them without an account.

``/api/guest/...`` is all a guest's page ever calls: it answers only the link's video.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g
from pydantic import Field

from ..services.shares import EXPIRIES, LABEL_MAX, PASSWORD_MAX, PASSWORD_MIN
from .access import client_address, services
from .endpoint import PUBLIC, endpoint
from .schemas import In, Out, Page, PageQuery, Privacy, UtcDatetime

bp = Blueprint("shares", __name__, url_prefix="/api")

Expiry = Literal[tuple(EXPIRIES)]
LinkStatus = Literal["active", "expired", "revoked"]


class ShareIn(In):
    expires_in: Expiry = Field("7d", description="How long the link works.")
    password: str | None = Field(None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    allow_download: bool = False
    label: str = Field("", max_length=LABEL_MAX, description='Your note, e.g. "for grandma".')


class SharedVideoRef(Out):
    id: str
    title: str
    privacy: Privacy


class ShareLinkOut(Out):
    id: str
    token: str
    path: str = Field(description="The guest page, `/s/<token>`, on this server.")
    target_kind: Literal["video"]
    video: SharedVideoRef
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


class GuestShareOut(Out):
    requires_password: bool
    unlocked: bool
    access: str | None = Field(description="Pass back as `access` to stay unlocked.")
    allow_download: bool
    expires_at: UtcDatetime | None
    video: GuestVideoOut | None
    media: GuestMediaOut | None


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


@endpoint(bp, "/shares", query=PageQuery, response=Page[ShareLinkOut])
def my_shares(query: PageQuery):
    """The guest links you made, newest first."""
    return services().shares.mine(g.user, query.page, query.page_size)


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
    """A guest link's video, or that it needs its password; 410 if expired or revoked."""
    return services().shares.open(token, query.access)


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
    return services().shares.unlock(token, body.password, client_address())
