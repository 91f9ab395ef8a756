"""Helpers the tests import: the shared password, a JSON API client, settings."""

from __future__ import annotations

import os

PASSWORD = "correct horse battery"
# An mp4 file's first box: bytes that look like a video from the start, so tests about the
# protocol can send filler after it (a head that is clearly no video is refused early).
VIDEO_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def video_like(size: int) -> bytes:
    return (VIDEO_HEAD + os.urandom(max(0, size - len(VIDEO_HEAD))))[:size]


class Api:
    """A test client that speaks JSON with an optional bearer token."""

    def __init__(self, client, token: str | None = None, user: dict | None = None):
        self.client = client
        self.token = token
        self.user = user

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def request(self, method, url, json=None, headers=None, **kw):
        return self.client.open(
            url, method=method, json=json, headers=self._headers(headers), **kw
        )

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, json=None, **kw):
        return self.request("POST", url, json=json, **kw)

    def patch(self, url, json=None, **kw):
        return self.request("PATCH", url, json=json, **kw)

    def put(self, url, json=None, **kw):
        return self.request("PUT", url, json=json, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)


def make_settings(tmp_path, **overrides) -> dict:
    return {"data_dir": str(tmp_path / "data"), "testing": True, **overrides}
