"""Backups: ``clipset backup`` of a running server and ``clipset restore`` onto an empty
data dir bring every account, video and comment back, and the video streams again; the
second backup copies only new media; scheduled backups with retention; the failures."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import media_factory
import pytest
from support import PASSWORD, Api, make_settings

from clipset.app import create_app
from clipset.cli import main
from clipset.desktop.instance import InstanceLock
from clipset.serve.server import Server
from clipset.services import schedules, snapshots
from clipset.store.db import database

WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return media_factory.landscape(tmp_path_factory.mktemp("clips"))


def post_video(api: Api, clip: Path, title: str) -> str:
    with open(clip, "rb") as f:
        r = api.client.post(
            "/api/videos",
            data={"file": (f, "clip.mp4"), "title": title},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {api.token}"},
        )
    assert r.status_code == 201, r.json
    video_id = r.json["id"]
    deadline = time.monotonic() + WAIT_SECONDS
    while (status := api.get(f"/api/videos/{video_id}").json["processing_status"]) != "completed":
        assert status != "failed" and time.monotonic() < deadline, status
        time.sleep(0.05)
    return video_id


def fetch(server: Server, api: Api, video_id: str, byte_range: str | None = None):
    url = api.get(f"/api/videos/stream/{video_id}").json["url"]
    conn = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=30)
    try:
        conn.request("GET", url, headers={"Range": byte_range} if byte_range else {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def sign_in(client, username: str) -> Api:
    r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return Api(client, r.json["access_token"], r.json["user"])


def manifest(snapshot: str | Path) -> dict:
    return json.loads((Path(snapshot) / snapshots.MANIFEST).read_text())


def test_backup_while_running_restore_and_everything_is_back(
    tmp_path, app, admin, user, live_server, clip, capsys
):
    data_dir = app.config["CLIPSET_SETTINGS"].data_dir
    dest = tmp_path / "backups"
    dest.mkdir()
    first = post_video(user, clip, "Trip")
    r = admin.post(f"/api/videos/{first}/comment", json={"body": "Lovely light"})
    assert r.status_code == 201, r.json
    status, streamed = fetch(live_server, user, first)
    assert status == 200 and len(streamed) > 1000

    assert main(["backup", str(dest), "--data-dir", data_dir]) == 0
    assert "verified" in capsys.readouterr().out
    [one] = snapshots.snapshots(dest)
    assert manifest(one)["linked_files"] == 0

    second = post_video(user, clip, "Trip again")  # the server keeps writing meanwhile
    assert main(["backup", str(dest), "--data-dir", data_dir]) == 0
    one, two = snapshots.snapshots(dest)
    again = manifest(two)
    key = app.extensions["clipset"].data.video_file  # where a video's file lives
    with database.connection_context():
        from clipset.store.models import Video

        keys = {v.title: v.storage_key for v in Video.select()}
    video_rel = key(keys["Trip"]).relative_to(app.extensions["clipset"].data.root).as_posix()
    # Only the new video's media were copied; the first one's are the same inode.
    assert again["linked_files"] >= 2 and again["copied_bytes"] < again["bytes"]
    assert os.stat(one / video_rel).st_ino == os.stat(two / video_rel).st_ino
    assert set(manifest(one)["files"]) < set(again["files"])

    live_server.stop()
    app.extensions["clipset"].stop()
    database.close()
    shutil.rmtree(data_dir)

    assert main(["restore", str(dest), "--data-dir", data_dir]) == 0
    assert str(two) in capsys.readouterr().out  # the newest one
    restored = create_app(make_settings(tmp_path))
    server = Server(restored, host="127.0.0.1", port=0).start()
    try:
        client = restored.test_client()
        admin2, user2 = sign_in(client, "admin"), sign_in(client, user.user["username"])
        titles = {v["title"]: v["id"] for v in user2.get("/api/videos/mine").json["items"]}
        assert titles == {"Trip": first, "Trip again": second}
        comments = user2.get(f"/api/videos/{first}/comments").json["items"]
        assert [c["body"] for c in comments] == ["Lovely light"]
        users = admin2.get("/api/users").json["items"]
        assert {u["username"] for u in users} == {"admin", user.user["username"]}
        status, body = fetch(server, user2, first, "bytes=100-1099")
        assert status == 206 and body == streamed[100:1100]
        status, body = fetch(server, user2, first)
        assert status == 200 and body == streamed
    finally:
        server.stop()
        restored.extensions["clipset"].stop()


def test_backup_destination_must_exist_and_be_writable(tmp_path, app, capsys):
    data_dir = app.config["CLIPSET_SETTINGS"].data_dir
    assert main(["backup", str(tmp_path / "nope"), "--data-dir", data_dir]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["backup", "relative/dir", "--data-dir", data_dir]) == 1
    assert "absolute path" in capsys.readouterr().err
    if os.geteuid() != 0:
        pytest.skip("a read-only destination is mounted as a read-only tmpfs, which needs root")
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(readonly)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        assert main(["backup", str(readonly), "--data-dir", data_dir]) == 1
        assert "can't write in the backup folder" in capsys.readouterr().err
    finally:
        subprocess.run(["umount", "-l", str(readonly)], check=False)


@pytest.fixture
def backup(tmp_path, app, admin, user):
    """A backup of a data dir with an account, a draft-free video row and its files."""
    from video_rows import make_video

    make_video(app, user, title="kept")
    dest = tmp_path / "backups"
    dest.mkdir()
    made = snapshots.create(app.extensions["clipset"].data, dest)
    return Path(made["path"])


def test_restore_refuses_a_live_or_non_empty_data_dir(tmp_path, backup, capsys):
    target = tmp_path / "other"
    target.mkdir()
    (target / "clipset.db").write_bytes(b"mine")
    assert main(["restore", str(backup), "--data-dir", str(target)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert (target / "clipset.db").read_bytes() == b"mine"

    live = tmp_path / "live"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert InstanceLock(live, pid=running.pid).acquire() is None
        assert main(["restore", str(backup), "--data-dir", str(live)]) == 1
        err = capsys.readouterr().err
        assert "Clipset is running on" in err and str(running.pid) in err
        assert [p.name for p in live.iterdir()] == ["clipset.lock"]
    finally:
        running.kill()
        running.wait()


def test_a_damaged_backup_is_detected_and_nothing_is_restored(tmp_path, backup, capsys):
    files = manifest(backup)["files"]
    video = next(rel for rel in files if rel.startswith("media/videos/"))
    path = backup / video
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different bytes
    path.write_bytes(bytes(data))
    target = tmp_path / "restored"
    assert main(["restore", str(backup), "--data-dir", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{video} is damaged" in err and "nothing was restored" in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "restoring" in p.name] == []


def test_scheduled_backups_keep_the_newest_and_report_failures(
    monkeypatch, tmp_path, app, admin, user
):
    dest = tmp_path / "nas"
    r = admin.patch("/api/admin/config", json={"backup_dir": str(dest)})
    assert r.status_code == 400 and r.json["field"] == "backup_dir"
    assert "does not exist" in r.json["detail"]
    dest.mkdir()
    r = admin.patch("/api/admin/config", json={"backup_dir": str(dest), "backup_keep": 2})
    assert r.status_code == 200, r.json
    assert user.get("/api/admin/backups").status_code == 403
    status = admin.get("/api/admin/backups").json
    assert status["backup_dir"] == str(dest) and status["last_success_at"] is None

    # The schedule thread makes the first one at once (none was made yet).
    monkeypatch.setattr(schedules, "TICK_SECONDS", 0.05)
    services = app.extensions["clipset"]
    services.schedules.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while not admin.get("/api/admin/backups").json["last_success_at"]:
        assert time.monotonic() < deadline, "the scheduled backup never ran"
        time.sleep(0.05)
    services.schedules.stop()
    status = admin.get("/api/admin/backups").json
    assert status["last_error"] is None and status["last_bytes"] > 0
    assert status["next_at"] > status["last_success_at"]  # a day later

    for _ in range(2):  # "back up now" from the dashboard
        r = admin.post("/api/admin/backups")
        assert r.status_code == 200, r.json
    assert len(snapshots.snapshots(dest)) == 2  # backup_keep
    assert Path(r.json["last_path"]) == snapshots.snapshots(dest)[-1]

    shutil.rmtree(dest)  # the NAS went away
    r = admin.post("/api/admin/backups")
    assert r.status_code == 409 and r.json["error_code"] == "backup_dir_missing"
    status = admin.get("/api/admin/backups").json
    assert "does not exist" in status["last_error"] and status["last_failure_at"]
    assert status["last_success_at"]  # the last good one is still shown


def test_doctor_checks_integrity_and_shows_backups(tmp_path, app, admin, capsys):
    data_dir = app.config["CLIPSET_SETTINGS"].data_dir
    dest = tmp_path / "nas"
    dest.mkdir()
    admin.patch("/api/admin/config", json={"backup_dir": str(dest)})
    assert admin.post("/api/admin/backups").status_code == 200
    assert main(["doctor", "--data-dir", data_dir, "--port", "0"]) == 0
    out = capsys.readouterr().out
    assert "Database integrity: ok" in out
    assert f"Scheduled backups: to {dest}" in out and "Last backup:" in out
