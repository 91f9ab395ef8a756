"""The processing queue: real clips through the worker pool, crash recovery, failures
that leave the worker alive, shutdown that requeues, and the admin retry."""

from __future__ import annotations

import shutil
import threading
import time

import media_factory
import pytest

from clipset import media
from clipset.services.jobs import INTERRUPTED_TWICE
from clipset.store.db import database
from clipset.store.fields import new_key
from clipset.store.models import Video

WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    return {
        "landscape": media_factory.landscape(d),
        "webm": media_factory.webm_vp9(d),
        "random": media_factory.random_bytes(d),
    }


@pytest.fixture
def services(app):
    return app.extensions["clipset"]


@pytest.fixture
def events(services):
    received = []
    services.events.subscribe(received.append)
    return received


def queue(services, api, clip, status="pending", attempts=0, **fields) -> str:
    """A video row with ``clip`` as its original, as finalize leaves it."""
    # The original is in place before the row: a running worker may claim it at once.
    key = new_key()
    shutil.copyfile(clip, services.data.original_file(key))
    with database.connection_context():
        video = Video.create(
            storage_key=key,
            uploader=api.user["id"],
            title=clip.name,
            source_size_bytes=1,
            processing_status=status,
            attempts=attempts,
            **fields,
        )
    return video.public_id


def row(video_id: str) -> Video:
    with database.connection_context():
        return Video.get(Video.public_id == video_id)


def wait_for(video_id, *statuses) -> Video:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        video = row(video_id)
        if video.processing_status in statuses:
            return video
        time.sleep(0.05)
    raise AssertionError(f"video {video_id} stayed {video.processing_status}")


def test_uploaded_clip_is_processed_end_to_end(services, events, user):
    services.start()
    clip = media_factory.make_clip(services.data.tmp / "in.mkv", duration=1.0)
    with open(clip, "rb") as f:
        r = user.client.post(
            "/api/videos",
            data={"file": (f, "in.mkv"), "title": "Trip"},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {user.token}"},
        )
    assert r.status_code == 201, r.json
    video = wait_for(r.json["id"], "completed", "failed")
    assert video.processing_status == "completed", video.error_message
    # The status is saved first; the original's removal and video.ready follow it.
    deadline = time.monotonic() + WAIT_SECONDS
    while not any(e.type == "video.ready" for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    key = video.storage_key
    out = media.probe(services.data.video_file(key))
    assert (out.video_codec, out.pix_fmt, out.width, out.height) == ("h264", "yuv420p", 320, 240)
    assert services.data.thumbnail_file(key).stat().st_size > 0
    assert not services.data.original_file(key).exists()  # keep_originals is off
    assert (video.width, video.height, video.transcode_mode) == (320, 240, "remux")
    assert video.attempts == 1 and video.progress == 100
    assert video.file_size_bytes == services.data.video_file(key).stat().st_size
    assert video.processing_started_at <= video.processing_finished_at
    assert list(services.data.tmp.glob(f"{key}*")) == []
    mine = [e for e in events if e.video_id == video.public_id and not e.everyone]
    assert all(e.owner_id == user.user["id"] for e in mine)
    # Public and finished: announced to everyone who may see it, once, after video.ready.
    while not any(e.type == "video.published" for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    published = [e for e in events if e.type == "video.published"]
    assert len(published) == 1 and published[0].everyone and published[0].owner_id is None
    assert published[0].data["video_id"] == video.public_id
    assert published[0].data["uploader_id"] == user.user["id"]
    assert any(e.type == "video.progress" for e in mine)
    ready = [e for e in mine if e.type == "video.ready"]
    assert len(ready) == 1 and ready[0].data["processing_status"] == "completed"
    assert ready[0].data["width"] and ready[0].data["duration_seconds"]
    assert user.get(f"/api/videos/{video.public_id}").json["processing_status"] == "completed"


def test_transcode_keeps_the_original_when_configured(services, admin, clips):
    admin.patch("/api/admin/config", json={"keep_originals": True})
    video_id = queue(services, admin, clips["webm"], trim_start=0.2, cover_time=0.5)
    services.start()
    video = wait_for(video_id, "completed", "failed")
    assert video.processing_status == "completed", video.error_message
    assert video.transcode_mode == "transcode" and video.video_codec == "h264"
    assert 0.6 <= video.duration_seconds <= 0.9  # the trim was applied
    assert services.data.original_file(video.storage_key).exists()


def test_restart_retries_an_interrupted_job_once(services, user, clips):
    once = queue(services, user, clips["landscape"], status="processing", attempts=1)
    twice = queue(services, user, clips["landscape"], status="processing", attempts=2)
    # What the dead process was writing when it died.
    (services.data.tmp / "0123abcd.5678ef90.mp4").write_bytes(b"\0" * 4096)
    with database.connection_context():
        services.jobs.recover()
    assert list(services.data.tmp.iterdir()) == []
    assert row(once).processing_status == "pending"
    failed = row(twice)
    assert failed.processing_status == "failed" and failed.error_message == INTERRUPTED_TWICE
    services.start()
    assert wait_for(once, "completed", "failed").processing_status == "completed"
    assert row(once).attempts == 2
    assert row(twice).processing_status == "failed"


def test_a_bad_file_fails_and_the_worker_goes_on(services, events, user, clips):
    bad = queue(services, user, clips["random"])
    good = queue(services, user, clips["landscape"])
    services.start()
    assert wait_for(good, "completed", "failed").processing_status == "completed"
    failed = row(bad)
    assert failed.processing_status == "failed"
    assert "not a video we can read" in failed.error_message
    assert [e.data for e in events if e.type == "video.failed"] == [
        {"video_id": bad, "error": failed.error_message}
    ]
    assert services.jobs.worker_count == 1
    assert list(services.data.tmp.iterdir()) == []


def test_disk_full_requeues_without_failing_or_losing_the_original(
    monkeypatch, services, user, clips
):
    real, calls = media.process, []

    def full_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(media, "process", full_once)
    video_id = queue(services, user, clips["landscape"])
    services.start()
    video = wait_for(video_id, "completed", "failed")
    assert video.processing_status == "completed" and len(calls) == 2
    assert video.attempts == 1  # the attempt that met the full disk doesn't count


def test_stop_requeues_a_running_job_without_counting_it(monkeypatch, services, user, clips):
    started = threading.Event()

    def slow(src, dst_video, dst_thumbnail, options, progress=None, cancel=None, **_):
        started.set()
        assert cancel.wait(WAIT_SECONDS)
        raise media.Cancelled()

    monkeypatch.setattr(media, "process", slow)
    video_id = queue(services, user, clips["landscape"])
    services.start()
    assert started.wait(WAIT_SECONDS)
    assert row(video_id).processing_status == "processing"
    services.stop()
    video = row(video_id)
    assert (video.processing_status, video.attempts) == ("pending", 0)
    assert services.jobs.worker_count == 0


def test_pool_resizes_with_the_config(services, admin):
    services.start()
    assert services.jobs.worker_count == 1
    assert admin.patch("/api/admin/config", json={"worker_count": 3}).status_code == 200
    assert services.jobs.worker_count == 3
    admin.patch("/api/admin/config", json={"worker_count": 2})
    assert services.jobs.worker_count == 2


def test_admin_retry(services, admin, user, clips):
    failed = queue(
        services, user, clips["landscape"], status="failed", attempts=2, error_message="boom"
    )
    url = f"/api/admin/videos/{failed}/retry"
    assert user.post(url).status_code == 403
    r = admin.post(url)
    assert r.status_code == 200, r.json
    assert r.json["processing_status"] == "pending" and r.json["error_message"] is None
    assert row(failed).attempts == 0
    r = admin.post(url)
    assert r.status_code == 409 and r.json["error_code"] == "not_failed"
    assert admin.post("/api/admin/videos/9999/retry").status_code == 404
    # The integer key is no id from outside.
    assert admin.post(f"/api/admin/videos/{row(failed).id}/retry").status_code == 404
    gone = queue(services, user, clips["landscape"], status="failed")
    services.data.original_file(row(gone).storage_key).unlink()
    r = admin.post(f"/api/admin/videos/{gone}/retry")
    assert r.status_code == 404 and r.json["error_code"] == "original_missing"
    assert "original" in r.json["detail"]
    services.start()
    assert wait_for(failed, "completed", "failed").processing_status == "completed"
