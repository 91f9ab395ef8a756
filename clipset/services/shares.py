"""Guest share links: a video reached without an account, through a random token.

A link grants exactly its target and nothing else of the household: the guest sees the
title, description, uploader name and the media, never comments, other videos or users.
Its media URLs are signed for the link (not for a user) and every request re-checks the
link, so revoking it or letting it expire stops streams already playing. Deleting the
video deletes its links; making it private does not (the owner shared it on purpose),
but the owner's list says so. Passwords are argon2id; wrong guesses are rate-limited per
link and client, per link and per client, like sign-in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import ClipsetError, Forbidden, NotFound, RateLimited, ValidationFailed
from ..security.passwords import hash_password, verify_password
from ..security.ratelimit import RateLimiter
from ..security.tokens import UrlSigner
from ..settings import Settings
from ..store.db import immediate
from ..store.dirs import DataDir
from ..store.models import ShareLink, User, Video, now
from ..store.pagination import paginate
from .catalog import find, managed, ready, visible
from .media_urls import MediaUrls
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
# What a guest's page may fetch: the player, its poster, and the file when allowed.
MEDIA_KINDS = {"video": "video", "thumbnail": "thumbnail", "download": "video"}
# How long an unlocked password link stays unlocked in that browser tab.
ACCESS_TTL_SECONDS = 12 * 3600
# As for sign-in: one client on one link, then all clients on a link, one client on all.
LINK_FACTOR = 10
CLIENT_FACTOR = 10


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


def _not_found() -> NotFound:
    return NotFound("This share link does not exist.", error_code="share_not_found")


def usable(link: ShareLink | None) -> ShareLink:
    """The link if a guest may still use it; else an error that says why not."""
    if link is None or link.video_id is None:
        raise _not_found()
    state = status(link)
    if state == "revoked":
        raise ShareGone("The owner has turned this link off.", error_code="share_revoked")
    if state == "expired":
        raise ShareGone("This link has expired.", error_code="share_expired")
    return link


def describe(link: ShareLink, video: Video) -> dict:
    """A link as its owner sees it."""
    return {
        "id": link.id,
        "token": link.token,
        "path": path_of(link),
        "target_kind": link.target_kind,
        "video": {"id": video.public_id, "title": video.title, "privacy": video.privacy},
        "video_is_private": video.privacy == "private",
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


def _with_video():
    return ShareLink.select(ShareLink, Video).join(Video, on=(ShareLink.video == Video.id))


class Shares:
    def __init__(self, settings: Settings, data: DataDir, keys: list[bytes], urls: MediaUrls):
        self.data = data
        self.urls = urls
        self._media = UrlSigner(keys, "share-media")
        self._access = UrlSigner(keys, "share-access")
        window, attempts = settings.login_window_seconds, settings.login_attempts
        self._by_pair = RateLimiter(attempts, window)
        self._by_link = RateLimiter(attempts * LINK_FACTOR, window)
        self._by_client = RateLimiter(attempts * CLIENT_FACTOR, window)

    # -- the owner's side --------------------------------------------------------------
    def create(
        self,
        user: User,
        video_id: str,
        expires_in: str = "7d",
        password: str | None = None,
        allow_download: bool = False,
        label: str = "",
    ) -> dict:
        if expires_in not in EXPIRIES:
            raise ValidationFailed(
                f"expires_in: choose one of {', '.join(EXPIRIES)}", field="expires_in"
            )
        label = " ".join((label or "").split())
        if len(label) > LABEL_MAX:
            raise ValidationFailed(f"label: at most {LABEL_MAX} characters", field="label")
        if password is not None and not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise ValidationFailed(
                f"password: {PASSWORD_MIN} to {PASSWORD_MAX} characters", field="password"
            )
        video = ready(
            managed(user, video_id, "share this video"), "Share the video once it has finished."
        )
        hashed = hash_password(password) if password else None  # slow: outside the write
        created = now()
        lifetime = EXPIRIES[expires_in]
        with immediate():
            visible(user, find(video_id))  # still there
            link = ShareLink.create(
                video=video.id,
                created_by=user.id,
                label=label,
                password_hash=hashed,
                allow_download=bool(allow_download),
                created_at=created,
                expires_at=created + lifetime if lifetime else None,
            )
        return describe(link, video)

    def for_video(self, user: User, video_id: str) -> list[dict]:
        video = managed(user, video_id, "share this video")
        links = ShareLink.select().where(ShareLink.video == video.id)
        return [
            describe(link, video)
            for link in links.order_by(ShareLink.created_at.desc(), ShareLink.id)
        ]

    def mine(self, user: User, page: int, page_size: int) -> dict:
        query = (
            _with_video()
            .where(ShareLink.created_by == user.id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id)
        )
        return paginate(query, page, page_size, lambda link: describe(link, link.video))

    def revoke(self, user: User, link_id: str) -> None:
        """Turn a link off at once (its creator, the video's owner or an admin)."""
        with immediate():
            link = _with_video().where(ShareLink.id == link_id).first()
            allowed = link is not None and (
                link.created_by_id == user.id or can_manage(user, link.video)
            )
            if not allowed:
                raise _not_found()
            if link.revoked_at is None:
                ShareLink.update(revoked_at=now()).where(ShareLink.id == link.id).execute()

    # -- the guest's side --------------------------------------------------------------
    def _link(self, token: str) -> ShareLink:
        if not isinstance(token, str) or not 0 < len(token) <= 64:
            raise _not_found()
        return usable(_with_video().where(ShareLink.token == token).first())

    def preview(self, token: str) -> dict | None:
        """What a chat app's preview may show (no count, nothing behind a password)."""
        try:
            link = self._link(token)
        except (NotFound, ShareGone):
            return None
        if link.password_hash is not None or link.video.processing_status != "completed":
            return {"locked": True}
        return {
            "locked": False,
            "title": link.video.title,
            "description": link.video.description,
            "thumbnail_url": self._media_url(link, "thumbnail"),
        }

    def open(self, token: str, access: str | None = None) -> dict:
        """The guest's page: the video and its media, or that a password is needed."""
        link = self._link(token)
        if link.password_hash is not None and not self._unlocked(link, access):
            return self._guest(link, None)
        return self._opened(link, access if link.password_hash is not None else None)

    def unlock(self, token: str, password: str, client: str) -> dict:
        link = self._link(token)
        if link.password_hash is None:
            return self._opened(link, None)
        pair = f"{client}\n{link.id}"
        wait = max(
            self._by_pair.retry_after(pair),
            self._by_link.retry_after(link.id),
            self._by_client.retry_after(client),
        )
        if wait:
            raise RateLimited(
                wait, f"Too many wrong passwords. Try again in {int(wait) + 1} seconds."
            )
        if not verify_password(link.password_hash, password or ""):
            self._by_pair.hit(pair)
            self._by_link.hit(link.id)
            self._by_client.hit(client)
            raise Forbidden("That password is not right.", error_code="share_password_wrong")
        self._by_pair.reset(pair)
        return self._opened(link, self._access.sign({"l": link.id}))

    def _unlocked(self, link: ShareLink, access: str | None) -> bool:
        if not access:
            return False
        try:
            claims = self._access.verify(access, ACCESS_TTL_SECONDS)
        except Forbidden:
            return False
        return isinstance(claims, dict) and claims.get("l") == link.id

    def _opened(self, link: ShareLink, access: str | None) -> dict:
        ready(link.video, "This video is being processed again; try again in a minute.")
        at = now()
        with immediate():
            ShareLink.update(open_count=ShareLink.open_count + 1, last_opened_at=at).where(
                ShareLink.id == link.id
            ).execute()
        return self._guest(link, access)

    def _guest(self, link: ShareLink, access: str | None) -> dict:
        locked = link.password_hash is not None and access is None
        video = link.video
        out = {
            "requires_password": link.password_hash is not None,
            "unlocked": not locked,
            "access": access,
            "allow_download": link.allow_download,
            "expires_at": link.expires_at,
            "video": None,
            "media": None,
        }
        if locked:
            return out
        out["video"] = {
            "id": video.public_id,
            "title": video.title,
            "description": video.description,
            "uploader_name": User.get_by_id(video.uploader_id).username,
            "duration_seconds": video.duration_seconds,
            "width": video.width,
            "height": video.height,
            "created_at": video.created_at,
        }
        out["media"] = {
            "stream_url": self._media_url(link, "video"),
            "thumbnail_url": self._media_url(link, "thumbnail"),
            "download_url": self._media_url(link, "download") if link.allow_download else None,
            "expires_at": now() + dt.timedelta(seconds=self.urls.ttl_for(video)),
        }
        return out

    # -- the guest's media -------------------------------------------------------------
    def _media_url(self, link: ShareLink, kind: str) -> str:
        token = self._media.sign({"l": link.id, "v": link.video.public_id, "k": kind})
        ext = "jpg" if kind == "thumbnail" else "mp4"
        return f"/media/shared/{kind}/{link.video.public_id}.{ext}?token={token}"

    def media_file(self, video_id: str, kind: str, token: str) -> tuple[Path, int, str]:
        """The file a link-scoped URL points at, how long it may be cached, and the
        name to save it under. The link is checked on every request, ranges included."""
        if kind not in MEDIA_KINDS:
            raise _not_found()
        video = find(video_id)
        max_age = self.urls.ttl_for(video) if video is not None else self.urls.ttl_seconds
        claims = self._media.verify(token or "", max_age)
        if not (
            isinstance(claims, dict) and claims.get("v") == video_id and claims.get("k") == kind
        ):
            raise Forbidden("This link is not valid.", error_code="invalid_link")
        link = usable(_with_video().where(ShareLink.id == str(claims.get("l"))).first())
        if video is None or link.video_id != video.id or video.processing_status != "completed":
            raise _not_found()
        if kind == "download" and not link.allow_download:
            raise Forbidden("This link does not allow downloads.", error_code="download_off")
        store = self.data.thumbnail_file if kind == "thumbnail" else self.data.video_file
        path = store(video.storage_key)
        if not path.is_file():
            raise NotFound("The file of this video is missing.", error_code="file_missing")
        # Never cached: a link turned off must stop working in the browser at once too.
        return path, 0, f"{_filename(video.title)}.mp4"


def _filename(title: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in title).strip()
    return safe[:80] or "video"
