"""Signed media URLs and the ``/media/...`` byte-range server."""

from __future__ import annotations

import datetime as dt
import http.client
import time
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from support import Api
from video_rows import db, file_bytes, make_video

from clipset.app import create_app
from clipset.security import keys
from clipset.store.models import User, now

SIZE = 5000


@pytest.fixture
def video(app, user):
    return make_video(app, user, size=SIZE)


def media_url(api: Api, video, kind: str = "stream") -> str:
    r = api.get(f"/api/videos/{kind}/{video.public_id}")
    assert r.status_code == 200, r.json
    return r.json["url"]


def test_stream_and_thumbnail_urls_follow_visibility(app, user, other_user, admin, anon):
    public = make_video(app, user)
    private = make_video(app, user, privacy="private")
    unlisted = make_video(app, user, privacy="unlisted")
    pending = make_video(app, user, status="pending", files=False)
    for kind in ("stream", "thumbnail"):
        assert anon.get(f"/api/videos/{kind}/{public.public_id}").status_code == 401
        assert other_user.get(f"/api/videos/{kind}/{private.public_id}").status_code == 404
        assert other_user.get(f"/api/videos/{kind}/{pending.public_id}").status_code == 404
        assert other_user.get(f"/api/videos/{kind}/999999").status_code == 404
        r = user.get(f"/api/videos/{kind}/{pending.public_id}")
        assert r.status_code == 409 and r.json["error_code"] == "not_ready"
        for viewer, v in (
            (other_user, public),
            (other_user, unlisted),
            (admin, private),
            (user, private),
        ):
            r = viewer.get(f"/api/videos/{kind}/{v.public_id}")
            assert r.status_code == 200
            folder, ext = ("videos", "mp4") if kind == "stream" else ("thumbnails", "jpg")
            assert r.json["url"].startswith(f"/media/{folder}/{v.public_id}.{ext}?token=")
            assert r.json["expires_at"].endswith("Z")


def test_url_outlives_a_long_video(app, user):
    long = make_video(app, user, duration_seconds=10 * 3600)
    short = make_video(app, user, duration_seconds=60)
    ttl = app.config["CLIPSET_SETTINGS"].media_url_ttl_seconds

    def expires(v):
        text = user.get(f"/api/videos/stream/{v.public_id}").json["expires_at"]
        return dt.datetime.fromisoformat(text.rstrip("Z")) - now()

    assert expires(long) > dt.timedelta(hours=10, minutes=59)
    assert dt.timedelta(seconds=ttl - 60) < expires(short) <= dt.timedelta(seconds=ttl)


def test_full_file_and_headers(client, user, video):
    r = client.get(media_url(user, video))
    assert r.status_code == 200
    assert r.data == file_bytes(SIZE)
    assert r.headers["Content-Type"] == "video/mp4"
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["Content-Length"] == str(SIZE)
    assert r.headers["ETag"].startswith('"') and r.headers["Last-Modified"]
    assert r.headers["Cache-Control"].startswith("private, max-age=")
    thumb = client.get(media_url(user, video, "thumbnail"))
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.data.startswith(b"\xff\xd8\xff")
    head = client.head(media_url(user, video))
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(SIZE)
    # A player's requests take a shorter way than the app's routes (api.video_bytes):
    # the same security headers as every other answer all the same.
    page = client.get("/api/health")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert r.headers[name] == head.headers[name] == page.headers[name]


@pytest.mark.parametrize(
    "header,start,end",
    [
        ("bytes=0-0", 0, 0),  # first byte
        (f"bytes={SIZE - 1}-{SIZE - 1}", SIZE - 1, SIZE - 1),  # last byte
        ("bytes=-100", SIZE - 100, SIZE - 1),  # suffix
        ("bytes=4000-", 4000, SIZE - 1),  # open-ended
        ("bytes=100-299", 100, 299),
        (f"bytes=4990-{SIZE + 1000}", 4990, SIZE - 1),  # end clipped to the file
        (f"bytes=-{SIZE * 2}", 0, SIZE - 1),  # suffix longer than the file
    ],
)
def test_single_ranges(client, user, video, header, start, end):
    r = client.get(media_url(user, video), headers={"Range": header})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert r.headers["Content-Length"] == str(end - start + 1)
    assert r.data == file_bytes(SIZE)[start : end + 1]


def test_unsatisfiable_and_ignored_ranges(client, user, video):
    url = media_url(user, video)
    for header in (f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}"):
        r = client.get(url, headers={"Range": header})
        assert r.status_code == 416, header
        assert r.headers["Content-Range"] == f"bytes */{SIZE}"
        assert r.json["error_code"] == "range_not_satisfiable"
    # Several ranges, or a malformed header, are ignored: the whole file, 200.
    for header in ("bytes=0-1,10-20", "bytes=5-2", "lines=0-1", "bytes=x-y"):
        r = client.get(url, headers={"Range": header})
        assert r.status_code == 200, header
        assert r.data == file_bytes(SIZE)


def test_etag_if_none_match_and_if_range(app, client, user, video):
    url = media_url(user, video)
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b"" and r.headers["ETag"] == etag
    r = client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert r.status_code == 206 and len(r.data) == 10
    r = client.get(url, headers={"Range": "bytes=0-9", "If-Range": modified})
    assert r.status_code == 206
    r = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert r.status_code == 200 and r.data == file_bytes(SIZE)
    # The file changed (a re-processed video): old validators no longer match.
    path = app.extensions["clipset"].data.video_file(video.storage_key)
    path.write_bytes(b"new bytes")
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.data == b"new bytes"
    assert r.headers["ETag"] != etag


def test_bad_tokens_are_refused(app, client, user, other_user, video):
    url = media_url(user, video)
    path, _, token = url.partition("?token=")
    other = make_video(app, user)
    # One signature character changed, well inside it: the last character of a base64
    # signature carries spare bits, so changing it may decode to the same bytes.
    i = len(token) - 10
    tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
    cases = {
        f"{path}": "invalid_link",  # no token
        f"{path}?token=nonsense": "invalid_link",
        f"{path}?token={tampered}": "invalid_link",
        f"/media/videos/{other.public_id}.mp4?token={token}": "invalid_link",  # another video
        f"/media/thumbnails/{video.public_id}.jpg?token={token}": "invalid_link",  # another kind
        f"/media/videos/{'a' * 11}.mp4?token={token}": "invalid_link",  # no such video
    }
    for target, code in cases.items():
        r = client.get(target)
        assert r.status_code == 403, target
        assert r.json["error_code"] == code
    # Not even shaped like a video id (an integer key, say): simply not found.
    for guess in ("999999", str(video.id)):
        r = client.get(f"/media/videos/{guess}.mp4?token={token}")
        assert r.status_code == 404 and r.json["error_code"] == "video_not_found"


def test_expired_token(monkeypatch, client, user, video):
    ttl = client.application.config["CLIPSET_SETTINGS"].media_url_ttl_seconds
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(
        itsdangerous.timed.TimestampSigner,
        "get_timestamp",
        lambda self: int(time.time()) - ttl - 10,
    )
    url = media_url(user, video)
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", real)
    r = client.get(url)
    assert r.status_code == 403 and r.json["error_code"] == "link_expired"


def test_every_request_rechecks_the_viewer(app, client, user, other_user, admin, video):
    url = media_url(other_user, video)
    assert client.get(url, headers={"Range": "bytes=0-1"}).status_code == 206
    # A change made through the API stops the very next range.
    user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "private"})
    r = client.get(url, headers={"Range": "bytes=2-3"})
    assert r.status_code == 404 and r.json["error_code"] == "video_not_found"
    assert client.get(media_url(user, video)).status_code == 200  # the owner still plays
    user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "unlisted"})
    assert client.get(url).status_code == 200
    # One made elsewhere (here straight in the database) holds once a pass has stood its
    # moment.
    passed = app.extensions["clipset"].catalog.passed
    with db():
        User.update(is_active=False).where(User.id == other_user.user["id"]).execute()
    assert client.get(url, headers={"Range": "bytes=4-5"}).status_code == 206
    start = passed.clock()
    passed.clock = lambda: start + passed.seconds
    r = client.get(url)
    assert r.status_code == 403 and r.json["error_code"] == "invalid_link"
    # A deleted video's link goes dead.
    owner_url = media_url(user, video)
    assert user.delete(f"/api/videos/{video.public_id}").status_code == 204
    assert client.get(owner_url).status_code == 404


def test_a_file_gone_since_its_check_passed_is_missing_not_an_error(app, client, user, video):
    url = media_url(user, video)
    assert client.get(url, headers={"Range": "bytes=0-1"}).status_code == 206
    app.extensions["clipset"].data.video_file(video.storage_key).unlink()
    for method in (client.get, client.head):  # the check stands, the file is gone
        r = method(url, headers={"Range": "bytes=2-3"})
        assert r.status_code == 404
    assert client.get(url).json["error_code"] == "file_missing"


def test_url_signed_before_key_rotation_still_plays(app, user, video):
    url = media_url(user, video)
    settings = app.config["CLIPSET_SETTINGS"]
    keys.rotate(app.extensions["clipset"].data.secret_key)
    rotated = create_app(settings)
    client = rotated.test_client()
    r = client.get(url, headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.data == file_bytes(SIZE)[:10]
    # New URLs are signed with the new key and the old app (old key only) refuses them.
    login = client.post(
        "/api/auth/login",
        json={"username": user.user["username"], "password": "correct horse battery"},
    )
    fresh = media_url(Api(client, login.json["access_token"]), video)
    assert client.get(fresh).status_code == 200
    assert app.test_client().get(fresh).status_code == 403


def test_range_over_the_real_server(app, live_server, user):
    size = 3 * 1024 * 1024 + 17  # several waitress/file-wrapper blocks
    video = make_video(app, user, size=size)
    url = media_url(user, video)
    host = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        start = 1_000_003
        conn.request("GET", url, headers={"Range": f"bytes={start}-"})
        r = conn.getresponse()
        body = r.read()
        assert r.status == 206
        assert r.getheader("Content-Range") == f"bytes {start}-{size - 1}/{size}"
        assert int(r.getheader("Content-Length")) == size - start == len(body)
        assert body == file_bytes(size)[start:]
        # The same keep-alive connection serves the next request (nothing left over).
        conn.request("GET", url, headers={"Range": "bytes=-5"})
        r = conn.getresponse()
        assert r.status == 206 and r.read() == file_bytes(size)[-5:]
        conn.request("GET", url)
        r = conn.getresponse()
        assert r.status == 200 and r.read() == file_bytes(size)
        conn.request("GET", url, headers={"Range": f"bytes={size}-"})
        r = conn.getresponse()
        assert r.status == 416 and r.getheader("Content-Range") == f"bytes */{size}"
        r.read()
    finally:
        conn.close()
