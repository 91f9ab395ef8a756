"""``/media`` bytes over the real server: sent by the kernel, through a lane of their own
that keeps a crowd of viewers from holding up the API."""

from __future__ import annotations

import errno
import http.client
import json
import os
import random
import socket
import time
from urllib.parse import urlsplit

import pytest
from video_rows import file_bytes, make_video

BIG = 24 * 1024 * 1024  # far more than loopback's socket buffers hold


@pytest.fixture
def settings_overrides():
    return {"media_threads": 1, "max_media_transfers": 2}


def address(server) -> tuple[str, int]:
    url = urlsplit(server.url)
    return url.hostname, url.port


def media_url(api, video) -> str:
    r = api.get(f"/api/videos/stream/{video.public_id}")
    assert r.status_code == 200, r.json
    return r.json["url"]


def get(server, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection(*address(server), timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


class StalledViewer:
    """Asks for the whole file and reads only the response head: its transfer stays in
    flight (a receive window of a few KiB, a file many MiB long)."""

    def __init__(self, server, path: str):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect(address(server))
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: clipset\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            assert chunk, "closed before the response head"
            head += chunk
        assert head.startswith(b"HTTP/1.1 200"), head

    def leave(self) -> None:
        # Unread data makes the kernel reset the connection, as a closed tab does.
        self.sock.close()


def wait_for(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def check_ranges(app, live_server, user, size, spans):
    """Ask a new video of ``size`` bytes for each [start, stop) of ``spans`` on one
    keep-alive connection (so nothing may be left over between responses) and check each
    answer; gives the file's bytes and its URL."""
    video = make_video(app, user, size=size)
    expected = file_bytes(size)
    url = media_url(user, video)
    conn = http.client.HTTPConnection(*address(live_server), timeout=10)
    try:
        for start, stop in spans:
            conn.request("GET", url, headers={"Range": f"bytes={start}-{stop - 1}"})
            r = conn.getresponse()
            assert r.status == 206
            assert r.getheader("Content-Range") == f"bytes {start}-{stop - 1}/{size}"
            assert r.read() == expected[start:stop]
    finally:
        conn.close()
    return expected, url


def test_ranges_sent_by_the_kernel_match_the_file(app, live_server, user, monkeypatch):
    calls = []
    real_sendfile = os.sendfile

    def sendfile(*args):
        calls.append(args)
        return real_sendfile(*args)

    monkeypatch.setattr(os, "sendfile", sendfile)
    size = 5 * 1024 * 1024 + 333
    rng = random.Random(15)
    spans = []
    for _ in range(12):
        start = rng.randrange(size)
        spans.append((start, min(size, start + rng.randrange(1, 2 * 1024 * 1024))))
    expected, url = check_ranges(app, live_server, user, size, spans)
    status, _, body = get(live_server, url)
    assert status == 200 and body == expected
    assert calls, "the bytes went out through os.sendfile"


def test_where_the_kernel_refuses_sendfile_the_bytes_are_copied(
    app, live_server, user, monkeypatch
):
    refused = []

    def sendfile(*args):  # a file system without sendfile
        refused.append(args)
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "sendfile", sendfile)
    size = 3 * 1024 * 1024 + 77
    check_ranges(app, live_server, user, size, ((5, 1_500_000), (2_000_000, size), (0, size)))
    assert refused, "sendfile was tried first"


def test_a_full_lane_answers_503_and_the_api_still_answers(app, live_server, user):
    video = make_video(app, user, size=BIG)
    url = media_url(user, video)
    viewers = [StalledViewer(live_server, url) for _ in range(2)]
    try:
        status, headers, body = get(live_server, url, {"Range": "bytes=0-99"})
        assert status == 503
        assert headers["Retry-After"] == "1"
        assert json.loads(body)["error_code"] == "media_busy"

        # The API has threads of its own: it answers while every media slot is taken.
        status, _, body = get(live_server, "/api/health")
        assert status == 200
        status, _, body = get(
            live_server, "/api/videos/feed?limit=5", {"Authorization": f"Bearer {user.token}"}
        )
        assert status == 200
        assert video.public_id in body.decode()

        # A viewer who leaves mid-transfer gives its slot back.
        viewers.pop().leave()
        status, _, body = wait_for(
            lambda: (r := get(live_server, url, {"Range": "bytes=10-19"}))[0] == 206 and r
        )
        assert body == file_bytes(20)[10:]
    finally:
        for viewer in viewers:
            viewer.leave()


def test_answers_without_a_body_hold_no_slot(app, live_server, user):
    video = make_video(app, user, size=4096)
    url = media_url(user, video)
    _, headers, _ = get(live_server, url)
    etag = headers["ETag"]
    for _ in range(3):  # more than the lane's two slots
        assert get(live_server, url, {"If-None-Match": etag})[0] == 304
        assert get(live_server, url, {"Range": "bytes=5000-"})[0] == 416
        assert get(live_server, url.replace("token=", "token=x"))[0] == 403
        conn = http.client.HTTPConnection(*address(live_server), timeout=10)
        conn.request("HEAD", url)
        r = conn.getresponse()
        assert r.status == 200 and r.getheader("Content-Length") == "4096"
        conn.close()
    status, _, body = get(live_server, url, {"Range": "bytes=0-9"})
    assert status == 206 and body == file_bytes(4096)[:10]
