"""Remote workers with ``media_store`` set, against moto's standalone server: the video and
seek previews go from the worker straight to the bucket in presigned multipart uploads
(resumed from the parts the store holds), the server completes and checks them, and a
delivery that doesn't match leaves nothing in the bucket and sends the job back."""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import urllib.request

import media_factory
import pytest
from PIL import Image
from test_jobs import wait_for
from test_workers import LEASE, as_worker, claim, deliver, later, make_worker, queue, row

from clipset.remote import run
from clipset.remote.client import Client
from clipset.services.bucket import PART_SIZE

DIRECT = ["video", "sprite", "previews"]


@pytest.fixture
def settings_overrides(bucket_settings):
    return {**bucket_settings, "worker_count": 0, "worker_lease_seconds": LEASE}


@pytest.fixture
def services(app):
    return app.extensions["clipset"]


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """A clip that needs a transcode, and an H.264 MP4 a worker could have made, padded
    with a trailing ``free`` box (which players skip) to span two parts."""
    d = tmp_path_factory.mktemp("clips")
    made = media_factory.make_clip(d / "made.mp4", duration=1.0)
    padding = PART_SIZE + 4096 - made.stat().st_size
    with open(made, "ab") as f:
        f.write(struct.pack(">I", padding) + b"free" + b"\0" * (padding - 8))
    return {"webm": media_factory.webm_vp9(d), "mp4": made}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def put(url: str, data: bytes) -> None:
    headers = {"Content-Type": "application/octet-stream"}
    with urllib.request.urlopen(urllib.request.Request(url, data, headers, method="PUT")) as r:
        assert r.status == 200


def uploads(s3, bucket: str) -> list[str]:
    return [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]


def objects(s3, bucket: str) -> dict[str, dict]:
    return {o["Key"]: o for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def plan(call, lease: str, size: int, kind: str = "video") -> dict:
    r = call("POST", f"/jobs/{lease}/outputs/{kind}/parts", {"size": size})
    assert r.status_code == 200, r.get_json()
    return r.json


def sent(data: bytes, part_md5s: list[str]) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "parts": part_md5s}


def worked(live_server, worker: dict, video_id: str):
    """The video's row once a real worker loop has processed it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run,
        args=(live_server.url, worker["token"]),
        kwargs={"encoder": "libx264", "stop": stop, "wait": 0.5},
    )
    thread.start()
    try:
        wait_for(video_id, "completed", "failed")
    finally:
        stop.set()
        thread.join(30)  # its last call, the finish that puts the thumbnail up, returned
    return row(video_id)


def test_a_worker_delivers_straight_to_the_bucket(
    services, live_server, admin, user, clips, s3, bucket_name
):
    services.start()
    worker = make_worker(admin)
    video_id = queue(services, user, clips["webm"])
    video = worked(live_server, worker, video_id)
    assert video.processing_status == "completed", video.error_message
    key = video.storage_key
    assert set(video.bucket_files.split()) >= {*DIRECT, "thumbnail", "thumbnail-320"}
    stored = objects(s3, bucket_name)
    mp4 = stored[f"library/videos/{key}.mp4"]
    # A multipart object (the worker's parts), not one the server put.
    assert mp4["Size"] == video.file_size_bytes and mp4["ETag"].strip('"').endswith("-1")
    assert f"library/previews/{key}.vtt" in stored
    assert f"library/thumbnails/{key}.jpg" in stored  # through the server, as before
    assert uploads(s3, bucket_name) == []
    assert not services.data.video_file(key).exists()
    assert list(services.data.tmp.glob("remote-*")) == []
    url = user.get(f"/api/videos/stream/{video_id}").json["url"]
    assert url.startswith(f"{s3.meta.endpoint_url}/{bucket_name}/library/videos/{key}.mp4?")


def test_an_interrupted_upload_resumes_from_the_parts_the_store_holds(
    services, client, admin, user, clips, s3, bucket_name
):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clips["webm"])
    job = claim(call)
    lease = job["lease"]
    assert job["direct"] == DIRECT
    data = clips["mp4"].read_bytes()
    first = plan(call, lease, len(data))
    assert first["part_size"] == PART_SIZE
    assert [(p["number"], p["etag"]) for p in first["parts"]] == [(1, None), (2, None)]
    head, tail = data[:PART_SIZE], data[PART_SIZE:]
    put(first["parts"][0]["url"], head)  # then the connection drops

    again = plan(call, lease, len(data))  # the same upload, one part already there
    assert [(p["number"], p["etag"]) for p in again["parts"]] == [(1, md5(head)), (2, None)]
    assert len(uploads(s3, bucket_name)) == 1
    put(again["parts"][1]["url"], tail)
    files = {"video": sent(data, [md5(head), md5(tail)])}
    files["thumbnail"] = deliver(call, lease, "thumbnail", jpeg())
    r = call("POST", f"/jobs/{lease}/finish", {"result": {"mode": "transcode"}, "files": files})
    assert r.status_code == 204, r.get_json()

    video = row(video_id)
    assert (video.processing_status, video.file_size_bytes) == ("completed", len(data))
    key = video.storage_key
    assert set(video.bucket_files.split()) >= {"video", "thumbnail"}
    assert objects(s3, bucket_name)[f"library/videos/{key}.mp4"]["Size"] == len(data)
    assert uploads(s3, bucket_name) == []
    assert not services.data.video_file(key).exists()
    assert list(services.data.tmp.glob("remote-*")) == []


def test_the_worker_sends_only_the_parts_the_store_lacks_and_they_join_in_order(
    services, live_server, client, admin, user, clips, s3, bucket_name, monkeypatch
):
    worker = make_worker(admin)
    call = as_worker(client, worker["token"])
    video_id = queue(services, user, clips["webm"])
    lease = claim(call)["lease"]
    data = clips["mp4"].read_bytes()
    put(plan(call, lease, len(data))["parts"][1]["url"], data[PART_SIZE:])  # the last one
    sent_parts = []
    real_put = Client._put_part

    def put_part(self, url, chunk):
        sent_parts.append(chunk)
        real_put(self, url, chunk)

    monkeypatch.setattr(Client, "_put_part", put_part)
    worker_client = Client(live_server.url, worker["token"])
    md5s = worker_client.upload_parts(
        f"/api/workers/jobs/{lease}/outputs/video/parts", clips["mp4"]
    )
    assert md5s == [md5(data[:PART_SIZE]), md5(data[PART_SIZE:])]  # the plan's order
    assert sent_parts == [data[:PART_SIZE]]
    files = {"video": sent(data, md5s), "thumbnail": deliver(call, lease, "thumbnail", jpeg())}
    r = call("POST", f"/jobs/{lease}/finish", {"result": {"mode": "transcode"}, "files": files})
    assert r.status_code == 204, r.get_json()
    key = row(video_id).storage_key
    body = s3.get_object(Bucket=bucket_name, Key=f"library/videos/{key}.mp4")["Body"].read()
    assert body == data


def test_a_checksum_mismatch_leaves_nothing_in_the_bucket_and_requeues_the_job(
    services, client, admin, user, clips, s3, bucket_name
):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clips["webm"])
    data = clips["mp4"].read_bytes()[:PART_SIZE]  # one part
    # The part the store holds is not the one the worker reports: refused before it is
    # completed, and the upload is aborted.
    lease = claim(call)["lease"]
    put(plan(call, lease, len(data))["parts"][0]["url"], data)
    files = {
        "video": sent(data, [md5(data[:-1] + b"x")]),
        "thumbnail": deliver(call, lease, "thumbnail", jpeg()),
    }
    r = call("POST", f"/jobs/{lease}/finish", {"result": {}, "files": files})
    assert r.status_code == 422 and r.json["error_code"] == "checksum_mismatch"
    video = row(video_id)
    assert (video.processing_status, video.attempts, video.lease_token) == ("pending", 1, None)
    assert uploads(s3, bucket_name) == [] and objects(s3, bucket_name) == {}
    assert list(services.data.tmp.glob("remote-*")) == []

    # A part the worker reports but never sent.
    lease = claim(call)["lease"]
    put(plan(call, lease, PART_SIZE + 10)["parts"][0]["url"], data)
    files = {
        "video": sent(data + b"0123456789", [md5(data), md5(b"0123456789")]),
        "thumbnail": deliver(call, lease, "thumbnail", jpeg()),
    }
    r = call("POST", f"/jobs/{lease}/finish", {"result": {}, "files": files})
    assert r.status_code == 422 and r.json["error_code"] == "checksum_mismatch"
    video = row(video_id)
    assert (video.processing_status, video.attempts) == ("failed", 2)  # its last try
    assert "arrived damaged" in video.error_message
    assert uploads(s3, bucket_name) == [] and objects(s3, bucket_name) == {}


def test_an_output_in_the_bucket_that_fails_the_probe_is_removed(
    services, client, admin, user, clips, s3, bucket_name
):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clips["webm"])
    lease = claim(call)["lease"]
    data = clips["webm"].read_bytes()  # VP9 in WebM: not what browsers are given
    put(plan(call, lease, len(data))["parts"][0]["url"], data)
    files = {
        "video": sent(data, [md5(data)]),
        "thumbnail": deliver(call, lease, "thumbnail", jpeg()),
    }
    r = call("POST", f"/jobs/{lease}/finish", {"result": {}, "files": files})
    assert r.status_code == 422 and r.json["error_code"] == "output_unplayable"
    assert (row(video_id).processing_status, row(video_id).attempts) == ("pending", 1)
    assert uploads(s3, bucket_name) == [] and objects(s3, bucket_name) == {}


def test_a_lost_lease_aborts_its_uploads(services, client, admin, user, clips, s3, bucket_name):
    call = as_worker(client, make_worker(admin)["token"])
    video_id = queue(services, user, clips["webm"])
    lease = claim(call)["lease"]
    data = clips["mp4"].read_bytes()
    put(plan(call, lease, len(data))["parts"][0]["url"], data[:PART_SIZE])
    assert plan(call, lease, 100, "previews")["parts"][0]["etag"] is None
    assert len(uploads(s3, bucket_name)) == 2
    # Not for the thumbnail, which the server needs for its variants.
    r = call("POST", f"/jobs/{lease}/outputs/thumbnail/parts", {"size": 100})
    assert r.status_code == 404 and r.json["error_code"] == "not_direct"

    later(services, LEASE + 1)  # the worker died mid-upload
    assert call("POST", "/jobs/claim", {"wait_seconds": 0}).status_code == 200
    assert row(video_id).attempts == 2
    assert uploads(s3, bucket_name) == []
    assert call("POST", f"/jobs/{lease}/outputs/video/parts", {"size": 1}).status_code == 409


def test_with_the_store_out_of_reach_the_worker_sends_through_the_server(
    services, live_server, admin, user, clips, s3, bucket_name
):
    services.start()
    s3.delete_bucket(Bucket=bucket_name)  # the store refuses every upload
    worker = make_worker(admin)
    video_id = queue(services, user, clips["webm"])
    video = worked(live_server, worker, video_id)
    # Processed all the same, and on disk until the store is back (migrate-media).
    assert (video.processing_status, video.attempts) == ("completed", 1)
    assert video.bucket_files is None
    assert services.data.video_file(video.storage_key).stat().st_size == video.file_size_bytes
    assert services.data.sprite_file(video.storage_key).is_file()
