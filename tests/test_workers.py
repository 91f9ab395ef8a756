"""Remote transcode workers: a real worker loop against the real waitress server with
real clips, and the lease rules (expiry, late results, revocation, bad deliveries)
through the worker API on a real database."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import threading

import media_factory
import pytest
from test_realtime import connect, receive
from test_websocket import wait_until

from clipset.remote import run
from clipset.services.jobs import MAX_ATTEMPTS
from clipset.store.db import database
from clipset.store.fields import new_key
from clipset.store.models import Video, now

LEASE = 30


@pytest.fixture
def settings_overrides():
    return {"worker_count": 0, "worker_lease_seconds": LEASE}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return media_factory.webm_vp9(tmp_path_factory.mktemp("clips"))  # needs a transcode


@pytest.fixture
def services(app):
    return app.extensions["clipset"]


def make_worker(admin, name="gaming pc") -> dict:
    r = admin.post("/api/admin/workers", json={"name": name})
    assert r.status_code == 201, r.json
    assert r.json["token"].startswith("cw_")
    return r.json


def queue(services, owner, clip) -> str:
    """A pending video with ``clip`` as its original, as posting a draft leaves it."""
    key = new_key()  # the original is in place before the row a worker may claim
    shutil.copyfile(clip, services.data.original_file(key))
    with database.connection_context():
        video = Video.create(
            storage_key=key, uploader=owner.user["id"], title="trip", source_size_bytes=1
        )
    services.jobs.wake()
    return video.public_id


def row(video_id: str) -> Video:
    with database.connection_context():
        return Video.get(Video.public_id == video_id)


def as_worker(client, token: str):
    """The worker API through the test client, with the worker's token."""

    def call(method, path, json=None, **kw):
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        return client.open(f"/api/workers{path}", method=method, json=json, headers=headers, **kw)

    return call


def claim(call) -> dict:
    r = call("POST", "/jobs/claim", {"wait_seconds": 0})
    assert r.status_code == 200, (r.status_code, r.get_json())
    return r.json


def later(services, seconds: float) -> None:
    """Move the leases' clock forward (no waiting)."""
    at = now() + dt.timedelta(seconds=seconds)
    services.leases.clock = lambda: at


def deliver(call, lease: str, kind: str, data: bytes) -> dict:
    r = call(
        "PATCH",
        f"/jobs/{lease}/outputs/{kind}",
        data=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert r.status_code == 204, r.get_json()
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_a_worker_processes_the_job_and_progress_reaches_the_uploader(
    services, live_server, admin, user, clip
):
    services.start()
    assert services.jobs.worker_count == 0  # the server's own pool is off
    worker = make_worker(admin)
    ws = connect(live_server, user)
    video_id = queue(services, user, clip)
    stop = threading.Event()
    thread = threading.Thread(
        target=run,
        args=(live_server.url, worker["token"]),
        kwargs={"encoder": "libx264", "stop": stop, "wait": 0.5},
    )
    thread.start()
    try:
        seen = []
        while not seen or seen[-1]["type"] not in ("video.ready", "video.failed"):
            message = receive(ws)
            if message.get("video_id") == video_id:
                seen.append(message)
    finally:
        stop.set()
        thread.join(30)
        ws.close()
    assert seen[-1]["type"] == "video.ready", seen[-1]
    assert any(m["type"] == "video.progress" for m in seen)
    video = row(video_id)
    assert (video.processing_status, video.attempts, video.transcode_mode) == (
        "completed",
        1,
        "transcode",
    )
    assert video.lease_token is None and video.worker_id == worker["id"]
    key = video.storage_key
    assert video.file_size_bytes == services.data.video_file(key).stat().st_size
    assert services.data.thumbnail_file(key).stat().st_size > 0
    assert services.data.thumbnail_variant(key, 320).exists()
    assert list(services.data.tmp.glob("remote-*")) == []
    listed = admin.get("/api/admin/workers").json
    assert listed[0]["jobs_done"] == 1 and listed[0]["encoder"] == "libx264"
    assert listed[0]["address"] == "127.0.0.1" and listed[0]["last_seen_at"]
    assert "token" not in listed[0] and listed[0]["current_job"] is None
    played = user.get(f"/api/videos/{video_id}").json
    assert played["processing_status"] == "completed" and played["width"] == 320


def test_an_expired_lease_requeues_the_job_and_its_late_result_is_refused(
    services, client, admin, user, clip
):
    first = as_worker(client, make_worker(admin, "first")["token"])
    second = as_worker(client, make_worker(admin, "second")["token"])
    video_id = queue(services, user, clip)
    job = claim(first)
    assert job["video_id"] == video_id and job["lease_seconds"] == LEASE
    source = client.get(job["source_url"], headers={"Range": "bytes=0-9"})
    assert source.status_code == 206 and source.data == clip.read_bytes()[:10]
    assert first("POST", f"/jobs/{job['lease']}/heartbeat", {"percent": 40}).status_code == 200
    assert row(video_id).progress == 40
    assert second("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204  # taken

    later(services, LEASE + 1)  # the first worker died: no heartbeat within the lease
    again = claim(second)
    assert again["video_id"] == video_id and again["lease"] != job["lease"]
    assert row(video_id).attempts == 2  # the lost lease counted as an attempt
    lease = job["lease"]
    for r in (
        first("POST", f"/jobs/{lease}/heartbeat", {"percent": 90}),
        first("POST", f"/jobs/{lease}/finish", {"result": {}, "files": {}}),
        first("HEAD", f"/jobs/{lease}/outputs/video"),
    ):
        assert r.status_code == 409
    late = first("POST", f"/jobs/{lease}/finish", {"result": {}, "files": {}})
    assert late.json["error_code"] == "lease_expired" and late.json["detail"]
    assert client.get(job["source_url"]).status_code == 409
    assert row(video_id).lease_token == again["lease"]  # the second worker keeps its job

    later(services, 3 * LEASE)  # the second dies too: its last attempt, so it fails
    assert first("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204
    video = row(video_id)
    assert video.processing_status == "failed" and video.attempts == MAX_ATTEMPTS
    assert "interrupted twice" in video.error_message


def test_a_revoked_worker_is_refused_and_its_job_goes_back(services, client, admin, user, clip):
    worker = make_worker(admin)
    call = as_worker(client, worker["token"])
    video_id = queue(services, user, clip)
    job = claim(call)
    current = admin.get("/api/admin/workers").json[0]["current_job"]
    assert current["video_id"] == video_id
    assert admin.delete(f"/api/admin/workers/{worker['id']}").status_code == 204
    video = row(video_id)
    assert (video.processing_status, video.attempts, video.lease_token) == ("pending", 0, None)
    for r in (
        call("POST", "/jobs/claim", {"wait_seconds": 0}),
        call("POST", f"/jobs/{job['lease']}/heartbeat", {"percent": 10}),
    ):
        assert r.status_code == 401 and r.json["error_code"] == "worker_revoked"
    assert admin.get("/api/admin/workers").json[0]["revoked"] is True
    assert admin.delete("/api/admin/workers/999").status_code == 404
    blank = admin.post("/api/admin/workers", json={"name": "   "})
    assert blank.status_code == 400 and blank.json["error_code"] == "validation_error"
    assert len(admin.get("/api/admin/workers").json) == 1  # nothing was made
    # A user's own session is no worker token.
    r = as_worker(client, user.token)("POST", "/jobs/claim", {"wait_seconds": 0})
    assert r.status_code == 401 and r.json["error_code"] == "invalid_worker_token"


def test_a_checksum_mismatch_is_refused_and_the_job_retried(services, client, admin, user, clip):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clip)
    job = claim(call)
    lease = job["lease"]
    files = {"video": deliver(call, lease, "video", b"\x00" * 1000)}
    files["thumbnail"] = deliver(call, lease, "thumbnail", b"jpeg")
    # Resumable: the offset says how much arrived; another offset is refused.
    assert call("HEAD", f"/jobs/{lease}/outputs/video").headers["Upload-Offset"] == "1000"
    r = call("PATCH", f"/jobs/{lease}/outputs/video", data=b"x", headers={"Upload-Offset": "5"})
    assert r.status_code == 409 and r.json["error_code"] == "offset_mismatch"
    files["video"]["sha256"] = "0" * 64
    r = call("POST", f"/jobs/{lease}/finish", {"result": {}, "files": files})
    assert r.status_code == 422 and r.json["error_code"] == "checksum_mismatch"
    video = row(video_id)
    assert (video.processing_status, video.attempts, video.lease_token) == ("pending", 1, None)
    assert list(services.data.tmp.glob("remote-*")) == []
    assert not services.data.video_file(video.storage_key).exists()
    assert claim(call)["video_id"] == video_id  # back in the queue for another try


def test_an_output_that_fails_the_probe_is_refused(services, client, admin, user, clip):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clip)
    lease = claim(call)["lease"]
    files = {
        "video": deliver(call, lease, "video", clip.read_bytes()),  # VP9 in WebM: not playable
        "thumbnail": deliver(call, lease, "thumbnail", b"jpeg"),
    }
    r = call("POST", f"/jobs/{lease}/finish", {"result": {}, "files": files})
    assert r.status_code == 422 and r.json["error_code"] == "output_unplayable"
    video = row(video_id)
    assert (video.processing_status, video.attempts) == ("pending", 1)
    assert not services.data.video_file(video.storage_key).exists()


def test_a_worker_that_cannot_read_the_file_fails_it_on_the_last_attempt(
    services, client, admin, user, clip
):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clip)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        lease = claim(call)["lease"]
        r = call("POST", f"/jobs/{lease}/fail", {"error": "The file is damaged."})
        assert r.status_code == 204
        expected = "pending" if attempt < MAX_ATTEMPTS else "failed"
        assert row(video_id).processing_status == expected
    assert row(video_id).error_message == "The file is damaged."


def failed_by_a_with_b_around(services, client, admin, user, clip):
    """Workers A and B (B has asked for work); A fails the queued job."""
    a = as_worker(client, make_worker(admin, "laptop")["token"])
    b = as_worker(client, make_worker(admin, "gaming pc")["token"])
    assert b("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204
    video_id = queue(services, user, clip)
    lease = claim(a)["lease"]
    assert a("POST", f"/jobs/{lease}/fail", {"error": "The encoder crashed."}).status_code == 204
    assert (row(video_id).processing_status, row(video_id).attempts) == ("pending", 1)
    return a, b, video_id


def test_a_job_a_worker_failed_is_retried_by_another(services, client, admin, user, clip):
    a, b, video_id = failed_by_a_with_b_around(services, client, admin, user, clip)
    assert a("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204  # not A again
    assert row(video_id).processing_status == "pending"
    assert claim(b)["video_id"] == video_id


def test_the_worker_that_failed_a_job_retries_it_when_no_one_else_is_left(
    services, client, admin, user, clip
):
    a, _, video_id = failed_by_a_with_b_around(services, client, admin, user, clip)
    later(services, LEASE + 1)  # B hasn't been seen for a lease: gone
    assert claim(a)["video_id"] == video_id


def test_the_pool_can_be_set_to_zero(services, admin):
    services.start()
    assert admin.patch("/api/admin/config", json={"worker_count": 2}).status_code == 200
    assert services.jobs.worker_count == 2
    r = admin.patch("/api/admin/config", json={"worker_count": 0})
    assert r.status_code == 200 and r.json["worker_count"] == 0
    assert services.jobs.worker_count == 0


def test_a_job_whose_original_is_gone_fails_instead_of_being_handed_out(
    services, client, admin, user, clip
):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clip)
    services.data.original_file(row(video_id).storage_key).unlink()
    assert call("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204
    video = row(video_id)
    assert video.processing_status == "failed" and video.lease_token is None
    assert "missing" in video.error_message


def test_a_worker_revoked_during_its_long_poll_gets_no_job(services, client, admin, user, clip):
    worker = make_worker(admin)
    call = as_worker(client, worker["token"])
    answers = []
    poll = threading.Thread(
        target=lambda: answers.append(call("POST", "/jobs/claim", {"wait_seconds": 20}))
    )
    poll.start()
    assert wait_until(lambda: admin.get("/api/admin/workers").json[0]["last_seen_at"])
    assert admin.delete(f"/api/admin/workers/{worker['id']}").status_code == 204
    video_id = queue(services, user, clip)  # wakes the waiting poll
    poll.join(30)
    assert answers[0].status_code == 401 and answers[0].json["error_code"] == "worker_revoked"
    video = row(video_id)
    assert (video.processing_status, video.attempts) == ("pending", 0)


def test_a_worker_hands_back_a_job_for_its_own_trouble_without_spending_a_try(
    services, client, admin, user, clip
):
    a = as_worker(client, make_worker(admin, "laptop")["token"])
    b = as_worker(client, make_worker(admin, "gaming pc")["token"])
    assert b("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204
    video_id = queue(services, user, clip)
    lease = claim(a)["lease"]
    r = a("POST", f"/jobs/{lease}/release", {"reason": "OSError: No space left on device"})
    assert r.status_code == 204
    assert (row(video_id).processing_status, row(video_id).attempts) == ("pending", 0)
    # Not A again while B is around; the lease is over, so A's late calls are refused.
    assert a("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 204
    assert a("POST", f"/jobs/{lease}/release", {"reason": "again"}).status_code == 409
    assert claim(b)["video_id"] == video_id


def test_an_output_larger_than_a_request_body_goes_through_with_its_link(
    services, live_server, admin, user, clip, tmp_path
):
    from clipset.remote.client import Client, Refused

    client = Client(live_server.url, make_worker(admin)["token"])
    queue(services, user, clip)
    job = client.call("POST", "/api/workers/jobs/claim", {"wait_seconds": 0})
    assert job["direct"] == []  # no bucket: everything comes to the server
    big = tmp_path / "out.mp4"
    big.write_bytes(bytes(range(256)) * (12 * 1024))  # 3 MiB, past max_request_body_bytes
    path = f"/api/workers/jobs/{job['lease']}/outputs/video"
    with pytest.raises(Refused) as refused:
        client.upload(path, big)  # no link: held to the small bodies' limit
    assert (refused.value.status, refused.value.error_code) == (413, "body_too_large")
    with pytest.raises(Refused) as refused:
        client.upload(path, big, "not-the-link")
    assert refused.value.status == 403
    client.upload(path, big, job["output_token"])
    assert (services.data.tmp / f"remote-{job['lease']}.mp4").read_bytes() == big.read_bytes()
