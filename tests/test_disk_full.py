"""A full disk, on a real small filesystem (a tmpfs mounted as the data dir) and through
the real server: uploads reserve what they declare, every write that finds no room answers
507 ``disk_full``, cancelling frees the file, jobs wait instead of failing, and Clipset
starts again on a full disk and says why on the admin dashboard."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import media_factory
import pytest
from support import PASSWORD, make_settings

from clipset.app import create_app
from clipset.serve.server import Server
from clipset.services import schedules
from clipset.store.db import database
from clipset.store.models import Upload, Video

MiB = 1024**2
DISK = 64 * MiB
MARGIN = 4 * MiB
WAIT_SECONDS = 60
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def small_disk(tmp_path):
    """The data dir on its own tmpfs of ``DISK`` bytes."""
    data = tmp_path / "data"
    data.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs as the data dir needs root and mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(data)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    yield data
    subprocess.run(["umount", "-l", str(data)], check=False)


def start(tmp_path, **overrides) -> Server:
    settings = make_settings(
        tmp_path,
        disk_margin_bytes=MARGIN,
        max_file_size_bytes=32 * MiB,
        weekly_upload_limit_bytes=1024 * MiB,
        **overrides,
    )
    return Server(create_app(settings), host="127.0.0.1", port=0).start()


class Http:
    """JSON (or raw bytes) over a real socket to the running server."""

    def __init__(self, server: Server, token: str | None = None):
        self.netloc = urlsplit(server.url).netloc
        self.token = token

    def send(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.netloc, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = raw
            return r.status, data, dict(r.getheaders())
        finally:
            conn.close()


def sign_in(server: Server) -> Http:
    status, body, _ = Http(server).send(
        "POST", "/api/setup", {"username": "admin", "password": PASSWORD}
    )
    if status == 409:  # set up before the restart
        status, body, _ = Http(server).send(
            "POST", "/api/auth/login", {"username": "admin", "password": PASSWORD}
        )
    assert status in (200, 201), body
    return Http(server, body["access_token"])


def fill(disk: Path, leave: int = 0) -> Path:
    """A filler file that leaves ``leave`` bytes free (tmpfs allocates in pages)."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "ab") as f:
        os.posix_fallocate(f.fileno(), 0, max(0, free - leave) + _size(filler))
    return filler


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def tus_create(api: Http, size: int) -> str:
    status, body, headers = api.send(
        "POST", "/api/uploads", headers={**TUS, "Upload-Length": str(size)}
    )
    assert status == 201, body
    return headers["Location"]


def tus_patch(api: Http, url: str, data: bytes, offset: int = 0):
    return api.send(
        "PATCH",
        url,
        data,
        {**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
    )


def test_uploads_reserve_what_they_declare_against_free_space(tmp_path, small_disk):
    server = start(tmp_path)
    try:
        api = sign_in(server)
        size = 10 * MiB
        fits = (shutil.disk_usage(small_disk).free - MARGIN) // size
        for _ in range(fits):  # nothing written yet: only the reservations fill the disk
            status, body, _ = api.send(
                "POST", "/api/videos/upload-url", {"filename": "a.mp4", "size": size}
            )
            assert status == 201, body
        status, body, _ = api.send(
            "POST", "/api/videos/upload-url", {"filename": "a.mp4", "size": size}
        )
        assert status == 507 and body["error_code"] == "disk_full"
        assert "promised to uploads in progress" in body["detail"]
        status, body, _ = api.send(
            "POST", "/api/uploads", headers={**TUS, "Upload-Length": str(size)}
        )
        assert status == 507 and body["error_code"] == "disk_full"
        with database.connection_context():
            assert Upload.select().count() == fits
        assert len(list((small_disk / "media" / "uploads").iterdir())) == fits
    finally:
        server.stop()


def test_parallel_uploads_cannot_both_take_the_last_room(tmp_path, small_disk):
    server = start(tmp_path)
    try:
        api = sign_in(server)
        size = 10 * MiB
        fits = (shutil.disk_usage(small_disk).free - MARGIN) // size
        statuses = []

        def create():
            statuses.append(
                api.send("POST", "/api/videos/upload-url", {"filename": "a.mp4", "size": size})[0]
            )

        threads = [threading.Thread(target=create) for _ in range(fits + 3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [201] * fits + [507] * 3
    finally:
        server.stop()


def test_a_full_disk_answers_507_cancel_frees_the_file_and_restart_works(
    monkeypatch, tmp_path, small_disk
):
    monkeypatch.setattr(schedules, "TICK_SECONDS", 0.05)  # notices freed space at once
    server = start(tmp_path)
    api = sign_in(server)
    try:
        url = tus_create(api, 8 * MiB)
        # Something else (another program, a log) eats the room the upload was promised.
        filler = fill(small_disk, leave=MARGIN + MiB * 5 // 2)
        status, body, _ = tus_patch(api, url, b"x" * (4 * MiB))
        assert status == 507 and body["error_code"] == "disk_full", body
        status, _, headers = api.send("HEAD", url, headers=TUS)
        assert status == 200
        kept = int(headers["Upload-Offset"])
        assert kept == 2 * MiB  # what reached the disk counts, to resume from

        # Nothing at all left: a database write finds no room either.
        fill(small_disk, leave=0)
        status, body, _ = api.send("POST", "/api/categories", {"name": "x" * 60})
        if status != 201:  # the WAL had room from earlier writes: either way no 500
            assert status == 507 and body["error_code"] == "disk_full", body

        # Cancelling frees the file even though the row can only go once space returns.
        upload_file = small_disk / "media" / "uploads" / url.split("/")[-1].split("?")[0]
        assert upload_file.exists()
        status, body, _ = api.send("DELETE", url, headers=TUS)
        assert not upload_file.exists()
        assert status in (204, 507), body
        if status == 507:
            status, _, _ = api.send("DELETE", url, headers=TUS)
            assert status in (204, 404)
    finally:
        server.stop()

    # Start again on the full disk (the WAL files went with the last connection): it
    # comes up read-only, and the dashboard says why.
    assert not (small_disk / "clipset.db-shm").exists()
    fill(small_disk, leave=0)
    server = start(tmp_path)
    try:
        api = sign_in(server)
        status, stats, _ = api.send("GET", "/api/admin/stats")
        assert status == 200, stats
        assert stats["disk"]["state"] == "full" and stats["disk"]["read_only"]
        assert "free some space" in stats["disk"]["detail"].lower()
        status, body, _ = api.send(
            "POST", "/api/videos/upload-url", {"filename": "a.mp4", "size": MiB}
        )
        assert status == 507 and body["error_code"] == "disk_full"
        status, body, _ = api.send("POST", "/api/categories", {"name": "Trips"})
        assert status == 507 and body["error_code"] == "disk_full", body

        filler.unlink()  # space comes back: writing resumes by itself
        deadline = time.monotonic() + WAIT_SECONDS
        while api.send("GET", "/api/admin/stats")[1]["disk"]["state"] != "ok":
            assert time.monotonic() < deadline, "Clipset stayed read-only"
            time.sleep(0.05)
        status, body, _ = api.send(
            "POST", "/api/videos/upload-url", {"filename": "a.mp4", "size": MiB}
        )
        assert status == 201, body
        status, body, _ = api.send("POST", "/api/categories", {"name": "Trips"})
        assert status == 201, body
    finally:
        server.stop()


def test_a_job_that_finds_the_disk_full_waits_and_keeps_the_original(tmp_path, small_disk):
    clip = media_factory.landscape(tmp_path)
    server = start(tmp_path)
    try:
        api = sign_in(server)
        services = server.services
        services.jobs.pause()
        with database.connection_context():
            video = Video.create(
                uploader=1,
                title="clip",
                processing_status="pending",
                source_size_bytes=clip.stat().st_size,
            )
        original = services.data.original_file(video.storage_key)
        shutil.copyfile(clip, original)
        filler = fill(small_disk, leave=MARGIN)  # the database may write, the output can't
        services.jobs.resume()
        deadline = time.monotonic() + WAIT_SECONDS
        while not services.jobs.waiting_for_disk:
            assert time.monotonic() < deadline, "the job never met the full disk"
            time.sleep(0.05)
        with database.connection_context():
            row = Video.get_by_id(video.id)
        assert row.processing_status == "pending" and row.attempts == 0
        assert row.error_message == "The server's disk is full."
        assert original.exists() and list(services.data.tmp.iterdir()) == []
        status, stats, _ = api.send("GET", "/api/admin/stats")
        assert stats["disk"]["state"] == "full" and stats["disk"]["processing_waits"]

        filler.unlink()
        services.jobs.wake()
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            with database.connection_context():
                row = Video.get_by_id(video.id)
            if row.processing_status == "completed":
                break
            assert row.processing_status != "failed", row.error_message
            assert time.monotonic() < deadline, row.processing_status
            time.sleep(0.1)
        assert services.data.video_file(video.storage_key).exists()
    finally:
        server.stop()


def test_database_writes_on_a_full_disk_answer_507_and_work_again_after(tmp_path, small_disk):
    server = start(tmp_path)
    try:
        api = sign_in(server)
        filler = fill(small_disk, leave=0)
        for n in range(2000):  # until the write-ahead log needs a page the disk hasn't got
            status, body, _ = api.send("POST", "/api/categories", {"name": f"c{n}"})
            if status != 201:
                break
        assert status == 507 and body["error_code"] == "disk_full", body
        status, body, _ = api.send("GET", "/api/categories")
        assert status == 200  # reading goes on
        filler.unlink()
        status, body, _ = api.send("POST", "/api/categories", {"name": "after"})
        assert status == 201, body
    finally:
        server.stop()
