"""Signed ``/media/...`` URLs: the self-hosted twin of an S3 presigned URL.

A ``<video>`` or ``<img>`` tag cannot send a bearer header, so the URL carries a token
(itsdangerous, keys rotate: signed with the newest, older ones still accepted) bound to
the user (subject and token version, see ``bearers``), the video's public id and the kind
of file. It lives ``media_url_ttl_seconds`` but never
less than the video plus an hour, so a long film never stops playing half-way. Holding a
valid token is not enough on its own: every request re-checks that the user is still
active and may still see the video (see ``Catalog.media_file``; a pass stands for a
second, ``passed_checks``).
"""

from __future__ import annotations

import datetime as dt
import math

from ..errors import Forbidden
from ..security.tokens import UrlSigner
from ..store.models import User, Video, now
from .bearers import claims_for

# The widths cards show thumbnails at (``srcset``): WebP copies made with each video.
THUMBNAIL_WIDTHS = (320, 640)
# kind: (folder, extension) of its URL; captions name their track under the video's id.
KINDS = {
    "video": ("videos", "mp4"),
    "thumbnail": ("thumbnails", "jpg"),
    "captions": ("captions", "vtt"),
    "sprite": ("previews", "jpg"),
    "previews": ("previews", "vtt"),
    "stand-in": ("stand-ins", "mp4"),  # the original's copy playing while processing
    "filmstrip": ("strips", "jpg"),  # a posted video's filmstrip, for its editor
    **{f"thumbnail-{w}": ("thumbnails", f"{w}.webp") for w in THUMBNAIL_WIDTHS},
}
PLAY_MARGIN_SECONDS = 3600


class MediaUrls:
    def __init__(self, keys: list[bytes], ttl_seconds: int, files=None):
        self._signer = UrlSigner(keys, "media")
        self.ttl_seconds = ttl_seconds
        self.files = files  # MediaFiles: a file in the bucket gets its presigned URL

    def ttl_for(self, video: Video) -> int:
        playing = math.ceil(video.duration_seconds or 0) + PLAY_MARGIN_SECONDS
        return max(self.ttl_seconds, playing)

    def srcset(self, user: User, video: Video, widths) -> list[dict]:
        """Signed URLs of the thumbnail's WebP variants that exist, narrowest first."""
        return [
            {"url": self.issue(user, video, f"thumbnail-{w}")["url"], "width": w} for w in widths
        ]

    def issue(self, user: User, video: Video, kind: str, name: str | None = None) -> dict:
        expires_at = now() + dt.timedelta(seconds=self.ttl_for(video))
        direct = (
            None if self.files is None else self.files.direct_url(video, kind, self.ttl_for(video))
        )
        if direct is not None:  # the store serves it; the user's checks were made here
            return {"url": direct, "expires_at": expires_at}
        folder, ext = KINDS[kind]
        token = self._signer.sign({**claims_for(user), "v": video.public_id, "k": kind})
        path = f"{video.public_id}/{name}" if name else video.public_id
        return {
            "url": f"/media/{folder}/{path}.{ext}?token={token}",
            "expires_at": expires_at,
        }

    def verify(self, token: str, video: Video | None, video_id: str, kind: str) -> dict:
        """The token's claims (see ``bearers.bearer``), else ``Forbidden`` (expired or
        invalid).

        The age limit depends on the video; an unknown id still gets the signature
        checked first, so a bad link never reveals whether a video exists.
        """
        max_age = self.ttl_for(video) if video is not None else self.ttl_seconds
        payload = self._signer.verify(token or "", max_age)
        if not (
            isinstance(payload, dict) and payload.get("v") == video_id and payload.get("k") == kind
        ):
            raise Forbidden("This link is not valid.", error_code="invalid_link")
        return payload
