"""A draft's filmstrip: frames of its uploaded original for the editor's trim bar and
cover picker, made once with PyAV and served behind a signed URL (an ``<img>`` sends no
bearer header), like a video's thumbnail."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..errors import Forbidden, NotFound
from ..security.tokens import UrlSigner
from ..store.dirs import DataDir
from ..store.models import User, now
from . import storage
from .bearers import bearer, claims_for
from .drafts import Drafts

TTL_SECONDS = 3600  # an editing session; the editor asks again after a reload


class Filmstrips:
    def __init__(self, data: DataDir, signer: UrlSigner, drafts: Drafts):
        self.data = data
        self.signer = signer
        self.drafts = drafts

    def issue(self, user: User, draft_id: int) -> dict:
        """The strip of this draft (made now if it isn't yet) and a URL for it."""
        from .. import media  # PyAV is loaded when the first video is probed

        draft = self.drafts.get(user, draft_id)
        path = self.data.filmstrip_file(draft.upload.id)
        if not path.is_file():
            tmp = path.with_name(path.name + ".part")
            try:
                media.make_filmstrip(self.data.upload_file(draft.upload.id), tmp)
                os.replace(tmp, path)  # whole or not at all, for a reader at that moment
            finally:
                storage.remove(tmp)
        duration = float(draft.probe.get("duration") or 0)
        times = media.filmstrip_times(duration)
        token = self.signer.sign({**claims_for(user), "d": draft.id})
        return {
            "url": f"/media/filmstrips/{draft.id}.jpg?token={token}",
            "expires_at": now() + dt.timedelta(seconds=TTL_SECONDS),
            "frames": len(times),
            "times": list(times),
            "duration": duration,
            "aspect": (draft.probe.get("width") or 16) / (draft.probe.get("height") or 9),
        }

    def file(self, draft_id: int, token: str) -> Path:
        """The strip a signed URL points at; the draft must still be its user's."""
        claims = self.signer.verify(token or "", TTL_SECONDS)
        if not isinstance(claims, dict) or claims.get("d") != draft_id:
            raise Forbidden("This link is not valid.", error_code="invalid_link")
        user = bearer(claims)
        draft = self.drafts.get(user, draft_id)
        path = self.data.filmstrip_file(draft.upload.id)
        if not path.is_file():
            raise NotFound("This filmstrip is gone; ask for it again.", error_code="file_missing")
        return path
