"""Guest share links, the owner's side: a video or an album reached without an account,
through a random token. ``share_guests`` is the guest's side.

A link grants exactly its target and nothing else of the household. Deleting the video
or album deletes its links; making a video private does not (the owner shared it on
purpose), but the owner's list says so. One token, expiry and password path serves both
kinds; the owner (or an admin, or whoever made the link) changes its label, expiry and
download switch, or turns it off at once.
"""

from __future__ import annotations

import datetime as dt

from peewee import JOIN

from ..errors import ClipsetError, Conflict, Forbidden, NotFound, ValidationFailed
from ..security.passwords import hash_password
from ..store.db import immediate
from ..store.models import Album, ShareLink, User, Video, now
from ..store.pagination import paginate
from .album_access import can_manage_album
from .albums import Albums
from .catalog import find, managed, ready, visible
from .visibility import can_manage

EXPIRIES = {
    "1d": dt.timedelta(days=1),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
    "never": None,
}
LABEL_MAX = 80
PASSWORD_MIN = 4  # a word for grandma, not an account's password
PASSWORD_MAX = 128


class ShareGone(ClipsetError):
    status = 410
    error_code = "share_gone"
    detail = "This link no longer works."


def path_of(link: ShareLink) -> str:
    return f"/s/{link.token}"


def status(link: ShareLink) -> str:
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at is not None and link.expires_at <= now():
        return "expired"
    return "active"


def not_found() -> NotFound:
    return NotFound("This share link does not exist.", error_code="share_not_found")


def usable(link: ShareLink | None) -> ShareLink:
    """The link if a guest may still use it; else an error that says why not."""
    if link is None or (link.video_id is None and link.album_id is None):
        raise not_found()
    state = status(link)
    if state == "revoked":
        raise ShareGone("The owner has turned this link off.", error_code="share_revoked")
    if state == "expired":
        raise ShareGone("This link has expired.", error_code="share_expired")
    return link


def with_targets():
    """Links with their video or album in one query (the other side is null)."""
    return (
        ShareLink.select(ShareLink, Video, Album)
        .join(Video, JOIN.LEFT_OUTER, on=(ShareLink.video == Video.id))
        .switch(ShareLink)
        .join(Album, JOIN.LEFT_OUTER, on=(ShareLink.album == Album.id))
    )


def describe(link: ShareLink) -> dict:
    """A link as its owner sees it."""
    video = link.video if link.video_id is not None else None
    album = link.album if link.album_id is not None else None
    return {
        "id": link.id,
        "token": link.token,
        "path": path_of(link),
        "target_kind": link.target_kind,
        "video": video and {"id": video.public_id, "title": video.title, "privacy": video.privacy},
        "album": album and {"id": album.id, "title": album.title},
        "video_is_private": video is not None and video.privacy == "private",
        "label": link.label,
        "has_password": link.password_hash is not None,
        "allow_download": link.allow_download,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "last_opened_at": link.last_opened_at,
        "open_count": link.open_count,
        "status": status(link),
    }


def _expiry(expires_in: str) -> dt.timedelta | None:
    if expires_in not in EXPIRIES:
        raise ValidationFailed(
            f"expires_in: choose one of {', '.join(EXPIRIES)}", field="expires_in"
        )
    return EXPIRIES[expires_in]


def _label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise ValidationFailed(f"label: at most {LABEL_MAX} characters", field="label")
    return label


class Shares:
    def __init__(self, albums: Albums):
        self.albums = albums

    # -- whose links ---------------------------------------------------------------------
    def _managed_album(self, user: User, album_id: str) -> Album:
        album = self.albums.find(user, album_id)  # 404 for those who may not see it
        if not can_manage_album(user, album):
            raise Forbidden(
                "Only the album's owner or an admin can share it with guests.",
                error_code="not_album_owner",
            )
        return album

    @staticmethod
    def _changeable(user: User, link_id: str) -> ShareLink:
        """The link if the caller made it or manages its target; else 404."""
        link = with_targets().where(ShareLink.id == link_id).first()
        allowed = link is not None and (
            link.created_by_id == user.id
            or (link.video_id is not None and can_manage(user, link.video))
            or (link.album_id is not None and can_manage_album(user, link.album))
        )
        if not allowed:
            raise not_found()
        return link

    # -- making --------------------------------------------------------------------------
    def create(self, user: User, video_id: str, **options) -> dict:
        """A link to one finished video (its uploader or an admin)."""
        fields = self._fields(**options)
        video = ready(
            managed(user, video_id, "share this video"), "Share the video once it has finished."
        )
        fields = self._hashed(fields)
        with immediate():
            visible(user, find(video_id))  # still there
            link = ShareLink.create(
                target_kind="video", video=video.id, created_by=user.id, **fields
            )
        link.video = video
        return describe(link)

    def create_for_album(self, user: User, album_id: str, **options) -> dict:
        """A link to one album, its videos as they are when a guest asks (owner or admin)."""
        fields = self._fields(**options)
        self._managed_album(user, album_id)
        fields = self._hashed(fields)
        with immediate():
            album = self._managed_album(user, album_id)  # still there
            link = ShareLink.create(
                target_kind="album", album=album.id, created_by=user.id, **fields
            )
        link.album = album
        return describe(link)

    @staticmethod
    def _fields(
        expires_in: str = "7d",
        password: str | None = None,
        allow_download: bool = False,
        label: str = "",
    ) -> dict:
        lifetime = _expiry(expires_in)
        label = _label(label)
        if password is not None and not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise ValidationFailed(
                f"password: {PASSWORD_MIN} to {PASSWORD_MAX} characters", field="password"
            )
        created = now()
        return {
            "label": label,
            "password": password,
            "allow_download": bool(allow_download),
            "created_at": created,
            "expires_at": created + lifetime if lifetime else None,
        }

    @staticmethod
    def _hashed(fields: dict) -> dict:
        password = fields.pop("password", None)
        # Slow on purpose: done before the write lock is taken.
        return {**fields, "password_hash": hash_password(password) if password else None}

    # -- listing -------------------------------------------------------------------------
    def for_video(self, user: User, video_id: str) -> list[dict]:
        video = managed(user, video_id, "share this video")
        return self._listed(ShareLink.video == video.id)

    def for_album(self, user: User, album_id: str) -> list[dict]:
        album = self._managed_album(user, album_id)
        return self._listed(ShareLink.album == album.id)

    @staticmethod
    def _listed(condition) -> list[dict]:
        links = with_targets().where(condition)
        return [describe(x) for x in links.order_by(ShareLink.created_at.desc(), ShareLink.id)]

    def mine(self, user: User, page: int, page_size: int) -> dict:
        query = (
            with_targets()
            .where(ShareLink.created_by == user.id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id)
        )
        return paginate(query, page, page_size, describe)

    # -- changing ------------------------------------------------------------------------
    def update(
        self,
        user: User,
        link_id: str,
        label: str | None = None,
        expires_in: str | None = None,
        allow_download: bool | None = None,
    ) -> dict:
        """Change a link's label, expiry (counted again from now) or download switch. A
        link turned off stays off: make a new one instead."""
        changes = {}
        if label is not None:
            changes["label"] = _label(label)
        if expires_in is not None:
            lifetime = _expiry(expires_in)
            changes["expires_at"] = now() + lifetime if lifetime else None
        if allow_download is not None:
            changes["allow_download"] = bool(allow_download)
        with immediate():
            link = self._changeable(user, link_id)
            if link.revoked_at is not None:
                raise Conflict(
                    "This link is turned off; make a new one instead.",
                    error_code="share_revoked",
                )
            if changes:
                ShareLink.update(**changes).where(ShareLink.id == link.id).execute()
                for name, value in changes.items():
                    setattr(link, name, value)
        return describe(link)

    def revoke(self, user: User, link_id: str) -> None:
        """Turn a link off at once (its creator, the target's owner or an admin)."""
        with immediate():
            link = self._changeable(user, link_id)
            if link.revoked_at is None:
                ShareLink.update(revoked_at=now()).where(ShareLink.id == link.id).execute()
