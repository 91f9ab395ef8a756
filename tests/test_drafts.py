"""Drafts from finished uploads, their edits, finalize into a pending video, and the
one-shot multipart upload — all on real clips made with PyAV."""

from __future__ import annotations

import io
import os
import sqlite3

import media_factory
import pytest
from support import VIDEO_HEAD

from clipset.store.db import database
from clipset.store.models import Draft, Upload, User, Video

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    return {"landscape": media_factory.landscape(d), "random": media_factory.random_bytes(d)}


def quota_used(api) -> int:
    with database.connection_context():
        return User.get_by_id(api.user["id"]).quota_used_bytes


def counts() -> tuple[int, int, int]:
    with database.connection_context():
        return Upload.select().count(), Draft.select().count(), Video.select().count()


def upload(api, path, *, complete=True) -> str:
    data = path.read_bytes()
    r = api.post("/api/videos/upload-url", json={"filename": path.name, "size": len(data)})
    assert r.status_code == 201, r.json
    upload_id, url = r.json["upload_id"], r.json["upload_url"]
    if not complete:
        data = data[: len(data) // 2]
    r = api.client.patch(
        url,
        data=data,
        headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert r.status_code == 204
    return upload_id


def draft(api, path, **fields) -> dict:
    r = api.post(
        "/api/videos/drafts", json={"upload_id": upload(api, path), "title": "Beach", **fields}
    )
    assert r.status_code == 201, r.json
    return r.json


def test_draft_probes_the_upload(clips, user, other_user):
    d = draft(user, clips["landscape"], description="Sunny", tags=["Sea", "sea ", "Sand"])
    assert d["title"] == "Beach" and d["tags"] == ["sea", "sand"]
    assert d["privacy"] == "public" and d["filename"] == "landscape.mp4"
    assert d["size_bytes"] == clips["landscape"].stat().st_size
    probe = d["probe"]
    assert probe["video_codec"] == "h264" and (probe["width"], probe["height"]) == (320, 180)
    assert 0.9 <= probe["duration"] <= 1.1
    assert user.get(f"/api/videos/drafts/{d['id']}").json == d
    assert [x["id"] for x in user.get("/api/videos/drafts").json] == [d["id"]]
    # Drafts are their owner's alone.
    assert other_user.get(f"/api/videos/drafts/{d['id']}").status_code == 404
    assert (
        other_user.patch(f"/api/videos/drafts/{d['id']}", json={"title": "Mine"}).status_code
        == 404
    )
    assert other_user.get("/api/videos/drafts").json == []


def test_draft_needs_a_complete_upload_of_ones_own(clips, user, other_user):
    upload_id = upload(user, clips["landscape"], complete=False)
    r = user.post("/api/videos/drafts", json={"upload_id": upload_id, "title": "x"})
    assert r.status_code == 409 and r.json["error_code"] == "upload_incomplete"
    done = upload(user, clips["landscape"])
    r = other_user.post("/api/videos/drafts", json={"upload_id": done, "title": "x"})
    assert r.status_code == 404


def test_non_video_is_refused_and_nothing_is_left(app, clips, user, tmp_path):
    # Noise behind an mp4 header passes the early check during the upload (its index could
    # be at the end); the full probe refuses it.
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(VIDEO_HEAD + clips["random"].read_bytes())
    upload_id = upload(user, damaged)
    assert quota_used(user) > 0
    r = user.post("/api/videos/drafts", json={"upload_id": upload_id, "title": "Noise"})
    assert r.status_code in (415, 422), r.json
    assert "removed" in r.json["detail"] and "quota" in r.json["detail"]
    assert counts() == (0, 0, 0) and quota_used(user) == 0
    assert list(app.extensions["clipset"].data.uploads.iterdir()) == []


def test_upload_cancelled_while_it_is_probed_makes_no_draft(app, clips, user, monkeypatch):
    services = app.extensions["clipset"]
    probe = services.drafts._probe

    def probe_then_cancel(upload):
        found = probe(upload)
        services.uploads.discard(upload)  # a tus DELETE landing meanwhile
        return found

    monkeypatch.setattr(services.drafts, "_probe", probe_then_cancel)
    upload_id = upload(user, clips["landscape"])
    r = user.post("/api/videos/drafts", json={"upload_id": upload_id, "title": "Gone"})
    assert r.status_code == 404 and r.json["error_code"] == "upload_not_found"
    assert counts() == (0, 0, 0) and quota_used(user) == 0
    assert list(services.data.uploads.iterdir()) == []


def test_draft_details_are_validated(clips, user, admin):
    d = draft(user, clips["landscape"])
    url = f"/api/videos/drafts/{d['id']}"
    bad = [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"category_id": 999}, "category_id"),
        ({"privacy": "secret"}, "privacy"),
        ({"trim_start": 0.8, "trim_end": 0.5}, "trim_end"),
        ({"trim_start": 0.2, "trim_end": 0.5}, "trim_end"),
        ({"trim_end": 5.0}, "trim_end"),
        ({"trim_start": -1}, "trim_start"),
        ({"trim_start": 0.2, "trim_end": 0.8, "cover_time": 0.9}, "cover_time"),
    ]
    for body, field in bad:
        r = user.patch(url, json=body)
        assert r.status_code == 400 and r.json["field"] == field, (body, r.json)
    assert user.get(url).json == d  # nothing half-applied
    category = admin.post("/api/categories", json={"name": "Holidays"}).json["id"]
    r = user.patch(
        url,
        json={
            "title": " Better ",
            "tags": ["A", "b", "a"],
            "category_id": category,
            "privacy": "unlisted",
            "trim_start": 0.1,
            "trim_end": 0.9,
            "cover_time": 0.5,
        },
    )
    assert r.status_code == 200, r.json
    assert (r.json["title"], r.json["tags"], r.json["category_id"], r.json["privacy"]) == (
        "Better",
        ["a", "b"],
        category,
        "unlisted",
    )
    assert (r.json["trim_start"], r.json["trim_end"], r.json["cover_time"]) == (0.1, 0.9, 0.5)
    r = user.patch(url, json={"trim_start": None, "trim_end": None, "cover_time": None})
    assert (r.json["trim_start"], r.json["trim_end"], r.json["cover_time"]) == (None,) * 3


def test_deleting_a_draft_removes_its_file_and_gives_quota_back(app, clips, user):
    d = draft(user, clips["landscape"])
    assert user.delete(f"/api/videos/drafts/{d['id']}").status_code == 204
    assert counts() == (0, 0, 0) and quota_used(user) == 0
    assert not (app.extensions["clipset"].data.upload_file(d["upload_id"])).exists()
    assert user.get(f"/api/videos/drafts/{d['id']}").status_code == 404


def test_finalize_makes_a_pending_video_and_moves_the_file(app, clips, user, other_user):
    data = app.extensions["clipset"].data
    d = draft(user, clips["landscape"], description="Sunny", tags=["sea"], privacy="private")
    user.patch(f"/api/videos/drafts/{d['id']}", json={"trim_start": 0.2, "cover_time": 0.5})
    assert other_user.post("/api/videos/finalize", json={"draft_id": d["id"]}).status_code == 404
    r = user.post("/api/videos/finalize", json={"draft_id": d["id"]})
    assert r.status_code == 201, r.json
    video = r.json
    assert video["processing_status"] == "pending" and video["uploader"]["id"] == user.user["id"]
    assert (video["title"], video["description"], video["tags"], video["privacy"]) == (
        "Beach",
        "Sunny",
        ["sea"],
        "private",
    )
    original = data.original_file(video["storage_key"])
    assert original.read_bytes() == clips["landscape"].read_bytes()
    assert not data.upload_file(d["upload_id"]).exists()
    with database.connection_context():
        row = Video.get(Video.public_id == video["id"])
    assert (row.trim_start, row.cover_time, row.original_filename) == (0.2, 0.5, "landscape.mp4")
    assert row.source_size_bytes == original.stat().st_size == quota_used(user)
    assert counts() == (0, 0, 1)
    # The draft is consumed.
    r = user.post("/api/videos/finalize", json={"draft_id": d["id"]})
    assert r.status_code == 404


def test_finalize_whose_commit_fails_keeps_the_draft_and_its_file(app, clips, user, monkeypatch):
    data = app.extensions["clipset"].data
    d = draft(user, clips["landscape"])
    real_commit = database.obj.commit  # the bound database, behind the proxy
    failures = []

    def commit_fails_once():
        if not failures:
            failures.append(1)
            raise sqlite3.OperationalError("disk I/O error")
        return real_commit()

    monkeypatch.setattr(database.obj, "commit", commit_fails_once)
    assert user.post("/api/videos/finalize", json={"draft_id": d["id"]}).status_code == 500
    # Nothing was posted, nothing was moved: the draft still has its file.
    assert counts() == (1, 1, 0)
    assert data.upload_file(d["upload_id"]).read_bytes() == clips["landscape"].read_bytes()
    assert list(data.originals.iterdir()) == []
    r = user.post("/api/videos/finalize", json={"draft_id": d["id"]})
    assert r.status_code == 201, r.json
    assert (
        data.original_file(r.json["storage_key"]).read_bytes() == clips["landscape"].read_bytes()
    )


def test_a_post_interrupted_by_a_crash_is_put_back_at_start_up(app, clips, user):
    # The process died after finalize moved the file and before it committed: the draft
    # and upload rows are still there, the file sits in the originals folder.
    services = app.extensions["clipset"]
    data = services.data
    d = draft(user, clips["landscape"])
    os.replace(data.upload_file(d["upload_id"]), data.original_file(d["upload_id"]))
    services.start()
    try:
        assert data.upload_file(d["upload_id"]).read_bytes() == clips["landscape"].read_bytes()
        assert not data.original_file(d["upload_id"]).exists()
        r = user.post("/api/videos/finalize", json={"draft_id": d["id"]})
        assert r.status_code == 201, r.json
        assert r.json["storage_key"] == d["upload_id"]
    finally:
        services.stop()


def one_shot(api, path, **fields):
    with open(path, "rb") as f:
        return api.client.post(
            "/api/videos",
            data={"file": (f, path.name), **fields},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {api.token}"},
        )


def test_one_shot_multipart_upload(app, clips, user):
    r = one_shot(
        user, clips["landscape"], title="From curl", tags="Cat, dog,cat", privacy="unlisted"
    )
    assert r.status_code == 201, r.json
    assert r.json["processing_status"] == "pending"
    assert (r.json["title"], r.json["tags"], r.json["privacy"]) == (
        "From curl",
        ["cat", "dog"],
        "unlisted",
    )
    size = clips["landscape"].stat().st_size
    original = app.extensions["clipset"].data.original_file(r.json["storage_key"])
    assert original.stat().st_size == size
    # The quota held for the whole request was trimmed to the file's size.
    assert quota_used(user) == size
    assert counts() == (0, 0, 1)


def test_one_shot_refusals_leave_nothing(app, clips, user):
    r = one_shot(user, clips["random"], title="Noise")
    assert r.status_code in (415, 422) and "removed" in r.json["detail"]
    r = one_shot(user, clips["landscape"])
    assert r.status_code == 400 and r.json["field"] == "title"
    r = user.client.post(
        "/api/videos",
        data={"title": "No file"},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {user.token}"},
    )
    assert r.status_code == 400 and r.json["field"] == "file"
    r = user.post("/api/videos", json={"title": "json"})
    assert r.status_code == 415
    assert counts() == (0, 0, 0) and quota_used(user) == 0
    assert list(app.extensions["clipset"].data.uploads.iterdir()) == []


def test_one_shot_streams_large_binary_files_to_the_probe(app, user):
    # Compressed video looks like random bytes; the form parser must pass megabytes of it
    # through to disk (the probe then refuses this one as not a video).
    noise = io.BytesIO(os.urandom(3 * 1024**2))
    r = user.client.post(
        "/api/videos",
        data={"file": (noise, "noise.mp4"), "title": "N"},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {user.token}"},
    )
    assert r.status_code == 415 and r.json["error_code"] == "unsupported_media"
    assert counts() == (0, 0, 0) and quota_used(user) == 0


def test_one_shot_checks_the_size_before_reading(clips, user, admin):
    admin.patch("/api/admin/config", json={"max_file_size_bytes": 1024**2})
    big = b"x" * (2 * 1024**2)
    r = user.client.post(
        "/api/videos",
        data={"file": (io.BytesIO(big), "big.mp4"), "title": "Big"},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {user.token}"},
    )
    assert r.status_code == 413 and r.json["error_code"] == "file_too_large"
    assert counts() == (0, 0, 0) and quota_used(user) == 0
