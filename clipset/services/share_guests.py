"""Guest share links, the guest's side: opening a link, its password, its media.

A video link shows the player, title, description and uploader name; an album link its
title, description, owner name and its videos in the album's order (``guest_reach``:
what a viewer of the album would see). Never comments, other videos or users. Media URLs
are signed for the link (not for a user) and every request, each byte range included,
re-checks the link and, for an album, that the video is still in it: revoking, expiry, a
deleted album or a video taken out of it stop what is already playing. Passwords are
argon2id; wrong guesses are rate-limited per link and client, per link and per client,
like sign-in.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from ..errors import Forbidden, NotFound, RateLimited
from ..security.passwords import verify_password
from ..security.ratelimit import limiter
from ..security.tokens import UrlSigner
from ..settings import Settings
from ..store.db import immediate
from ..store.models import Album, AlbumVideo, ShareLink, User, Video, now
from .album_access import guest_reach
from .catalog import find, ready
from .media_files import MediaFiles
from .media_urls import MediaUrls
from .shares import ShareGone, not_found, usable, with_targets

# What a guest's page may fetch: the player, its poster, and the file when allowed.
MEDIA_KINDS = {"video": "video", "thumbnail": "thumbnail", "download": "video"}
# How long an unlocked password link stays unlocked in that browser tab.
ACCESS_TTL_SECONDS = 12 * 3600
# As for sign-in: one client on one link, then all clients on a link, one client on all.
LINK_FACTOR = 10
# A guest's presigned URL into the media store outlives the video by this much.
GUEST_STORE_MARGIN_SECONDS = 600
CLIENT_FACTOR = 10


def _album_videos(album: Album):
    """The album's videos a guest sees, with their uploaders, in the album's order."""
    return (
        Video.select(Video, User)
        .join(User, on=(Video.uploader == User.id))
        .switch(Video)
        .join(AlbumVideo, on=(AlbumVideo.video == Video.id))
        .where(AlbumVideo.album == album.id, guest_reach(album.id))
        .order_by(AlbumVideo.position, AlbumVideo.added_at)
    )


def _cover(album: Album) -> Video | None:
    videos = _album_videos(album)
    cover = None
    if album.cover_video_id is not None:
        cover = videos.where(Video.id == album.cover_video_id).first()
    return cover or videos.first()


def _guest_video(video: Video, uploader_name: str) -> dict:
    return {
        "id": video.public_id,
        "title": video.title,
        "description": video.description,
        "uploader_name": uploader_name,
        "duration_seconds": video.duration_seconds,
        "width": video.width,
        "height": video.height,
        "created_at": video.created_at,
    }


class ShareGuests:
    def __init__(self, settings: Settings, files: MediaFiles, keys: list[bytes], urls: MediaUrls):
        self.files = files
        self.urls = urls
        self._media = UrlSigner(keys, "share-media")
        self._access = UrlSigner(keys, "share-access")
        window, attempts = settings.login_window_seconds, settings.login_attempts
        self._by_pair = limiter("share.pair", attempts, window)
        self._by_link = limiter("share.link", attempts * LINK_FACTOR, window)
        self._by_client = limiter("share.client", attempts * CLIENT_FACTOR, window)

    def _link(self, token: str) -> ShareLink:
        if not isinstance(token, str) or not 0 < len(token) <= 64:
            raise not_found()
        return usable(with_targets().where(ShareLink.token == token).first())

    def preview(self, token: str) -> dict | None:
        """What a chat app's preview may show (no count, nothing behind a password)."""
        try:
            link = self._link(token)
        except (NotFound, ShareGone):
            return None
        kind = link.target_kind
        if link.password_hash is not None:
            return {"locked": True, "kind": kind}
        if kind == "album":
            cover = _cover(link.album)
            return {
                "locked": False,
                "kind": kind,
                "title": link.album.title,
                "description": link.album.description,
                "thumbnail_url": cover and self._media_url(link, cover, "thumbnail"),
            }
        if link.video.processing_status != "completed":
            return {"locked": True, "kind": kind}
        return {
            "locked": False,
            "kind": kind,
            "title": link.video.title,
            "description": link.video.description,
            "thumbnail_url": self._media_url(link, link.video, "thumbnail"),
        }

    def open(self, token: str, access: str | None = None) -> dict:
        """The guest's page: the video or album and its media, or that a password is
        needed. Each call is one opening (the page asks once per load; media never count)."""
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
        if link.target_kind == "video":
            ready(link.video, "This video is being processed again; try again in a minute.")
        with immediate():
            ShareLink.update(open_count=ShareLink.open_count + 1, last_opened_at=now()).where(
                ShareLink.id == link.id
            ).execute()
        return self._guest(link, access)

    def _guest(self, link: ShareLink, access: str | None) -> dict:
        locked = link.password_hash is not None and access is None
        out = {
            "kind": link.target_kind,
            "requires_password": link.password_hash is not None,
            "unlocked": not locked,
            "access": access,
            "allow_download": link.allow_download,
            "expires_at": link.expires_at,
            "video": None,
            "media": None,
            "album": None,
        }
        if locked:
            return out
        if link.target_kind == "album":
            out["album"] = self._album(link)
        else:
            video = link.video
            uploader = User.get_by_id(video.uploader_id).username
            out["video"] = _guest_video(video, uploader)
            out["media"] = self._media_of(link, video)
        return out

    def _album(self, link: ShareLink) -> dict:
        album = link.album
        videos = list(_album_videos(album))
        cover = _cover(album)
        return {
            "title": album.title,
            "description": album.description,
            "owner_name": User.get_by_id(album.owner_id).username,
            "cover_thumbnail_url": cover and self._media_url(link, cover, "thumbnail"),
            "videos": [
                {
                    "video": _guest_video(v, v.uploader.username),
                    "media": self._media_of(link, v),
                }
                for v in videos
            ],
        }

    # -- the guest's media -------------------------------------------------------------
    def _media_of(self, link: ShareLink, video: Video) -> dict:
        return {
            "stream_url": self._media_url(link, video, "video"),
            "thumbnail_url": self._media_url(link, video, "thumbnail"),
            "download_url": self._media_url(link, video, "download")
            if link.allow_download
            else None,
            "expires_at": now() + dt.timedelta(seconds=self.urls.ttl_for(video)),
        }

    def _media_url(self, link: ShareLink, video: Video, kind: str) -> str:
        token = self._media.sign({"l": link.id, "v": video.public_id, "k": kind})
        ext = "jpg" if kind == "thumbnail" else "mp4"
        return f"/media/shared/{kind}/{video.public_id}.{ext}?token={token}"

    def media_file(self, video_id: str, kind: str, token: str) -> tuple[Path | str, int, str]:
        """The file a link-scoped URL points at, how long it may be cached, and the
        name to save it under. The link is checked on every request, ranges included."""
        if kind not in MEDIA_KINDS:
            raise not_found()
        video = find(video_id)
        max_age = self.urls.ttl_for(video) if video is not None else self.urls.ttl_seconds
        claims = self._media.verify(token or "", max_age)
        if not (
            isinstance(claims, dict) and claims.get("v") == video_id and claims.get("k") == kind
        ):
            raise Forbidden("This link is not valid.", error_code="invalid_link")
        link = usable(with_targets().where(ShareLink.id == str(claims.get("l"))).first())
        if video is None or not self._reaches(link, video):
            raise not_found()
        if kind == "download" and not link.allow_download:
            raise Forbidden("This link does not allow downloads.", error_code="download_off")
        filename = f"{_filename(video.title)}.mp4"
        file_kind = "thumbnail" if kind == "thumbnail" else "video"
        # The store's URL lives for one playing: a link turned off stops working soon after.
        ttl = math.ceil(video.duration_seconds or 0) + GUEST_STORE_MARGIN_SECONDS
        direct = self.files.direct_url(
            video, file_kind, ttl, filename if kind == "download" else None
        )
        # Never cached: a link turned off must stop working in the browser at once too.
        return direct or self.files.local(video, file_kind), 0, filename

    @staticmethod
    def _reaches(link: ShareLink, video: Video) -> bool:
        if video.processing_status != "completed":
            return False
        if link.target_kind == "album":
            reach = guest_reach(link.album_id)
            return Video.select(Video.id).where(Video.id == video.id, reach).exists()
        return link.video_id == video.id


def _filename(title: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in title).strip()
    return safe[:80] or "video"
