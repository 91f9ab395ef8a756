"""Resumable uploads: limits and quota before a byte is sent, the tus 1.0.0 protocol,
cancelling, who may write, and cleanup of abandoned uploads."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import shutil
import threading

import pytest
from support import VIDEO_HEAD, video_like

from clipset.store.db import database
from clipset.store.models import Upload, User, now

MiB = 1024**2
TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


@pytest.fixture
def settings_overrides():
    return {"max_file_size_bytes": 16 * MiB, "weekly_upload_limit_bytes": 24 * MiB}


def quota_used(api) -> int:
    with database.connection_context():
        return User.get_by_id(api.user["id"]).quota_used_bytes


def upload_rows() -> list[Upload]:
    with database.connection_context():
        return list(Upload.select())


def uploads_dir(app):
    return app.extensions["clipset"].data.uploads


def new_upload(api, size, filename="clip.mp4"):
    r = api.post("/api/videos/upload-url", json={"filename": filename, "size": size})
    assert r.status_code == 201, r.json
    return r.json


def patch(client, url, data: bytes, offset: int, headers=None, **kw):
    h = {**TUS, "Upload-Offset": str(offset), "Content-Type": OCTETS, **(headers or {})}
    return client.patch(url, data=data, headers=h, **kw)


def test_upload_url_reserves_quota_and_makes_an_empty_file(app, user):
    body = new_upload(user, 5 * MiB)
    assert body["upload_url"].startswith(f"/api/uploads/{body['upload_id']}?token=")
    assert body["expires_at"].endswith("Z")
    assert quota_used(user) == 5 * MiB
    path = uploads_dir(app) / body["upload_id"]
    assert path.exists() and path.stat().st_size == 0


def test_too_large_file_is_refused_before_anything_exists(app, user):
    r = user.post("/api/videos/upload-url", json={"filename": "big.mp4", "size": 17 * MiB})
    assert r.status_code == 413 and r.json["error_code"] == "file_too_large"
    assert "16.0 MiB" in r.json["detail"]
    assert quota_used(user) == 0 and upload_rows() == []
    assert list(uploads_dir(app).iterdir()) == []


def test_quota_is_checked_and_tells_what_is_left(user):
    new_upload(user, 16 * MiB)
    r = user.post("/api/videos/upload-url", json={"filename": "b.mp4", "size": 9 * MiB})
    assert r.status_code == 413 and r.json["error_code"] == "quota_exceeded"
    assert "8.0 MiB" in r.json["detail"]
    assert quota_used(user) == 16 * MiB
    new_upload(user, 8 * MiB)  # exactly what is left still fits


def test_quota_and_limits_are_shown_before_uploading(anon, user, other_user):
    assert anon.get("/api/videos/quota").status_code == 401
    before = user.get("/api/videos/quota").json
    assert before["used_bytes"] == 0 and before["remaining_bytes"] == 24 * MiB
    assert before["max_file_size_bytes"] == 16 * MiB and "mp4" in before["accepted_formats"]
    new_upload(user, 5 * MiB)
    after = user.get("/api/videos/quota").json
    assert after["used_bytes"] == 5 * MiB and after["remaining_bytes"] == 19 * MiB
    assert after["resets_at"] == before["resets_at"]
    assert other_user.get("/api/videos/quota").json["used_bytes"] == 0


def test_two_parallel_reservations_cannot_exceed_the_quota(app, user):
    barrier = threading.Barrier(2)
    statuses = []

    def reserve():
        client = app.test_client()
        barrier.wait()
        r = client.post(
            "/api/videos/upload-url",
            json={"filename": "a.mp4", "size": 15 * MiB},
            headers={"Authorization": f"Bearer {user.token}"},
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=reserve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 413]
    assert quota_used(user) == 15 * MiB and len(upload_rows()) == 1


def test_a_full_disk_answers_507_and_reserves_nothing(monkeypatch, app, user):
    usage = shutil.disk_usage(uploads_dir(app))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=100 * MiB))
    r = user.post("/api/videos/upload-url", json={"filename": "a.mp4", "size": 1 * MiB})
    assert r.status_code == 507 and r.json["error_code"] == "disk_full"
    assert quota_used(user) == 0 and upload_rows() == []


def test_upload_url_needs_sign_in_and_valid_input(anon, user):
    assert (
        anon.post("/api/videos/upload-url", json={"filename": "a.mp4", "size": 10}).status_code
        == 401
    )
    r = user.post("/api/videos/upload-url", json={"filename": "a.mp4", "size": 0})
    assert r.status_code == 400 and r.json["field"] == "size"


def test_tus_upload_in_several_patches(app, client, user):
    data = video_like(3 * MiB + 123)
    up = new_upload(user, len(data))
    url = up["upload_url"]
    head = client.head(url, headers=TUS)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Cache-Control"] == "no-store"
    offset = 0
    for size in (MiB, 2 * MiB - 7, 130):
        r = patch(client, url, data[offset : offset + size], offset)
        assert r.status_code == 204, r.json
        offset += size
        assert r.headers["Upload-Offset"] == str(offset)
        assert r.headers["Tus-Resumable"] == "1.0.0"
    head = client.head(url, headers=TUS)
    assert head.headers["Upload-Offset"] == str(len(data))
    assert (uploads_dir(app) / up["upload_id"]).read_bytes() == data
    with database.connection_context():
        assert Upload.get_by_id(up["upload_id"]).state == "complete"
    # Complete: nothing more fits.
    r = patch(client, url, b"x", len(data))
    assert r.status_code == 413


def test_tus_discovery_and_creation(client, user):
    r = client.options("/api/uploads")
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert r.headers["Tus-Extension"] == "creation,termination"
    assert r.headers["Tus-Max-Size"] == str(16 * MiB)
    assert r.headers["Tus-Resumable"] == "1.0.0"
    meta = (
        "filename "
        + base64.b64encode("ferien é.mov".encode()).decode()
        + ",filetype "
        + base64.b64encode(b"video/quicktime").decode()
    )
    r = client.post(
        "/api/uploads",
        headers={
            **TUS,
            "Upload-Length": "10",
            "Upload-Metadata": meta,
            "Authorization": f"Bearer {user.token}",
        },
    )
    assert r.status_code == 201, r.json
    location = r.headers["Location"]
    assert location.startswith("/api/uploads/")
    assert patch(client, location, VIDEO_HEAD[:10], 0).status_code == 204
    with database.connection_context():
        row = Upload.get()
    assert (row.filename, row.content_type, row.state) == (
        "ferien é.mov",
        "video/quicktime",
        "complete",
    )
    # Creation goes through the same checks as upload-url.
    r = client.post(
        "/api/uploads",
        headers={**TUS, "Upload-Length": str(17 * MiB), "Authorization": f"Bearer {user.token}"},
    )
    assert r.status_code == 413 and r.headers["Tus-Resumable"] == "1.0.0"
    r = client.post("/api/uploads", headers={**TUS, "Upload-Length": "10"})
    assert r.status_code == 401


def test_tus_protocol_errors(app, client, user):
    up = new_upload(user, 100)
    url = up["upload_url"]
    assert patch(client, url, b"a" * 10, 0).status_code == 204
    r = patch(client, url, b"b" * 10, 0)
    assert r.status_code == 409 and r.json["error_code"] == "offset_mismatch"
    assert "byte 10" in r.json["detail"]
    r = patch(client, url, b"b" * 10, 10, headers={"Tus-Resumable": "0.2.2"})
    assert r.status_code == 412 and r.headers["Tus-Version"] == "1.0.0"
    r = patch(client, url, b"b" * 91, 10)
    assert r.status_code == 413 and r.json["error_code"] == "past_length"
    r = patch(client, url, b"b" * 10, 10, headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    # None of the refused requests moved the offset or wrote a byte.
    assert client.head(url, headers=TUS).headers["Upload-Offset"] == "10"
    assert (uploads_dir(app) / up["upload_id"]).read_bytes() == b"a" * 10


def test_an_interrupted_patch_keeps_what_arrived(client, user):
    up = new_upload(user, 4 * MiB)
    sent = video_like(2 * MiB)
    # The client promises 4 MiB and vanishes after 2.
    r = client.patch(
        up["upload_url"],
        input_stream=io.BytesIO(sent),
        headers={
            **TUS,
            "Upload-Offset": "0",
            "Content-Type": OCTETS,
            "Content-Length": str(4 * MiB),
        },
    )
    assert r.status_code in (204, 400)  # what arrived is kept either way
    offset = int(client.head(up["upload_url"], headers=TUS).headers["Upload-Offset"])
    assert offset == len(sent)
    rest = os.urandom(4 * MiB - offset)
    assert patch(client, up["upload_url"], rest, offset).status_code == 204


def test_delete_cancels_and_gives_the_quota_back(app, client, user):
    up = new_upload(user, 2 * MiB)
    patch(client, up["upload_url"], video_like(MiB), 0)
    assert quota_used(user) == 2 * MiB
    r = client.delete(up["upload_url"], headers=TUS)
    assert r.status_code == 204 and r.headers["Tus-Resumable"] == "1.0.0"
    assert quota_used(user) == 0 and upload_rows() == []
    assert not (uploads_dir(app) / up["upload_id"]).exists()
    assert client.head(up["upload_url"], headers=TUS).status_code == 404


def test_only_the_owner_or_the_upload_token_may_write(client, user, other_user):
    mine = new_upload(user, 10)
    theirs = new_upload(other_user, 10)
    bare = f"/api/uploads/{mine['upload_id']}"
    # The owner's bearer token works without the signed token.
    r = patch(client, bare, b"12345", 0, headers={"Authorization": f"Bearer {user.token}"})
    assert r.status_code == 204
    # Someone else's bearer token finds nothing.
    r = patch(client, bare, b"67890", 5, headers={"Authorization": f"Bearer {other_user.token}"})
    assert r.status_code == 404
    # A signed token for another upload is refused.
    their_token = theirs["upload_url"].split("token=")[1]
    r = patch(client, f"{bare}?token={their_token}", b"67890", 5)
    assert r.status_code == 403 and r.json["error_code"] == "invalid_link"
    r = patch(client, f"{bare}?token=forged", b"67890", 5)
    assert r.status_code == 403
    assert patch(client, bare, b"67890", 5).status_code == 401
    assert client.delete(f"{bare}?token={their_token}", headers=TUS).status_code == 403
    assert client.head(bare, headers=TUS).headers.get("Upload-Offset") is None


def test_cleanup_removes_abandoned_uploads_and_stale_drafts(app, client, user):
    services = app.extensions["clipset"]
    old = new_upload(user, 3 * MiB)
    fresh = new_upload(user, 2 * MiB)
    with database.connection_context():
        Upload.update(expires_at=now() - dt.timedelta(minutes=1)).where(
            Upload.id == old["upload_id"]
        ).execute()
        assert services.schedules.cleanup() == 1
    assert [u.id for u in upload_rows()] == [fresh["upload_id"]]
    assert not (uploads_dir(app) / old["upload_id"]).exists()
    assert (uploads_dir(app) / fresh["upload_id"]).exists()
    assert quota_used(user) == 2 * MiB


# -- a file that is clearly not a video is refused as soon as its head arrives --------
def _gone(app, up) -> bool:
    return upload_rows() == [] and not (uploads_dir(app) / up["upload_id"]).exists()


def test_a_non_video_is_refused_within_the_first_mib(app, client, user):
    text = b"These are my holiday notes, not a video.\n" * (5 * MiB // 42)
    up = new_upload(user, len(text), "notes.mp4")
    r = patch(client, up["upload_url"], text[: MiB // 2], 0)
    assert r.status_code == 204  # half a MiB proves nothing yet: keep going
    r = patch(client, up["upload_url"], text[MiB // 2 : 2 * MiB], MiB // 2)
    assert r.status_code == 415
    assert r.json["error_code"] == "unsupported_media"
    assert "not a video" in r.json["detail"]
    # The upload ends: its row, its file and its quota are gone.
    assert _gone(app, up) and quota_used(user) == 0
    assert client.head(up["upload_url"], headers=TUS).status_code == 404


def test_a_small_non_video_is_refused_when_it_is_complete(app, client, user):
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    up = new_upload(user, len(data), "photo.mp4")
    r = patch(client, up["upload_url"], data, 0)
    assert r.status_code == 415 and "not a video" in r.json["detail"]
    assert _gone(app, up) and quota_used(user) == 0


def test_sound_without_video_is_refused_early(app, client, user, tmp_path):
    import wave

    path = tmp_path / "song.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 8000 * 80)
    data = path.read_bytes()
    up = new_upload(user, len(data), "song.mp4")
    r = patch(client, up["upload_url"], data[: MiB + 10], 0)
    assert r.status_code == 415 and r.json["detail"] == "This file has sound but no video."
    assert _gone(app, up) and quota_used(user) == 0


@pytest.mark.parametrize("suffix", [".mp4", ".mkv", ".avi", ".mov"])
def test_the_head_of_a_real_video_is_never_refused(app, client, user, tmp_path, suffix):
    """An mp4 written by PyAV keeps its index (moov) at the end: its head alone can't be
    opened, yet it is a video and must not be refused early."""
    from tests.media_factory import make_clip

    clip = make_clip(tmp_path / f"walk{suffix}", width=960, height=720, duration=3.0, noise=True)
    data = clip.read_bytes()
    assert len(data) > MiB
    if suffix == ".mp4":
        assert data.find(b"moov") > MiB  # the index comes after the head
    up = new_upload(user, len(data), clip.name)
    assert patch(client, up["upload_url"], data[:MiB], 0).status_code == 204
    assert patch(client, up["upload_url"], data[MiB:], MiB).status_code == 204
    assert (uploads_dir(app) / up["upload_id"]).read_bytes() == data
