"""Editing a posted video: its filmstrip, a new cover (a new thumbnail, the file
untouched) and a new trim (a job that cuts the kept original or the processed file; the
old cut plays until the new one is ready, and a failed trim leaves the video as it was)."""

from __future__ import annotations

import io
import json
import time
import urllib.request

import media_factory
import pytest
from PIL import Image
from support import PASSWORD, Api, make_settings
from test_jobs import queue, row, wait_for

from clipset.app import create_app
from clipset.media.filmstrip import TILE_HEIGHT, TILE_SCALE
from clipset.services.edits import INTERRUPTED
from clipset.services.media_urls import THUMBNAIL_WIDTHS
from clipset.store.db import database

WAIT_SECONDS = 60
FPS = 25


@pytest.fixture
def services(app):
    services = app.extensions["clipset"]
    services.start()
    yield services
    services.stop()


@pytest.fixture
def events(services):
    received = []
    services.events.subscribe(received.append)
    return received


def posted(services, api, tmp_path, duration=2.0) -> dict:
    """A finished 2-second video of ``api``'s (each frame a different picture)."""
    clip = media_factory.make_clip(tmp_path / f"in{time.monotonic_ns()}.mp4", duration=duration)
    video_id = queue(services, api, clip)
    video = wait_for(video_id, "completed", "failed")
    assert video.processing_status == "completed", video.error_message
    return api.get(f"/api/videos/{video_id}").json


def trim_finished(api, video_id) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = api.get(f"/api/videos/{video_id}/trim").json
        if state["state"] != "running":
            return state
        time.sleep(0.05)
    raise AssertionError("the trim never finished")


def files(services, video) -> dict:
    key = row(video["id"]).storage_key
    data = services.data
    paths = {
        "video": data.video_file(key),
        "thumbnail": data.thumbnail_file(key),
        **{w: data.thumbnail_variant(key, w) for w in THUMBNAIL_WIDTHS},
    }
    return {name: path.read_bytes() for name, path in paths.items()}


def test_the_editor_gets_a_filmstrip_of_the_posted_video(services, user, other_user, tmp_path):
    video = posted(services, user, tmp_path)
    r = user.get(f"/api/videos/{video['id']}/filmstrip")
    assert r.status_code == 200, r.json
    strip = r.json
    assert strip["duration"] == pytest.approx(video["duration_seconds"])
    assert strip["times"][0] > 0 and strip["times"][-1] < strip["duration"]
    assert strip["aspect"] == pytest.approx(320 / 240)
    got = user.client.get(strip["url"])
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    picture = Image.open(io.BytesIO(got.data))
    assert picture.height == TILE_HEIGHT * TILE_SCALE
    assert picture.width / strip["frames"] == pytest.approx(picture.height * 320 / 240, abs=1)
    # Only who may change the video gets it.
    assert other_user.get(f"/api/videos/{video['id']}/filmstrip").status_code == 403


def test_a_new_cover_changes_the_thumbnail_and_nothing_else(services, user, admin, tmp_path):
    video = posted(services, user, tmp_path)
    before = files(services, video)
    r = user.put(f"/api/videos/{video['id']}/cover", json={"time": 1.5})
    assert r.status_code == 200, r.json
    after = files(services, video)
    assert after["video"] == before["video"]  # no re-encode
    assert after["thumbnail"] != before["thumbnail"]
    assert all(after[w] != before[w] for w in THUMBNAIL_WIDTHS)  # the card's copies too
    assert row(video["id"]).cover_time == pytest.approx(1.5)
    # Served: the signed thumbnail answers the new picture; an admin may change it too.
    url = user.get(f"/api/videos/thumbnail/{video['id']}").json["url"]
    assert user.client.get(url).data == after["thumbnail"]
    assert admin.put(f"/api/videos/{video['id']}/cover", json={"time": 0.2}).status_code == 200
    assert files(services, video)["thumbnail"] != after["thumbnail"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"time": 2.5}, "time"),  # after the end
        ({"time": -1}, "time"),
        ({"time": "soon"}, "time"),
    ],
)
def test_a_cover_outside_the_video_is_refused(services, user, tmp_path, body, field):
    video = posted(services, user, tmp_path)
    before = files(services, video)
    r = user.put(f"/api/videos/{video['id']}/cover", json=body)
    assert r.status_code in (400, 422), r.json
    assert r.json["error_code"] == "validation_error" and field in r.json["detail"]
    assert files(services, video) == before


def test_a_trim_cuts_the_video_to_the_range_while_the_old_cut_plays(
    services, user, events, tmp_path
):
    video = posted(services, user, tmp_path)
    old_stream = user.get(f"/api/videos/stream/{video['id']}").json["url"]
    old_bytes = user.client.get(old_stream).data
    r = user.post(f"/api/videos/{video['id']}/trim", json={"start": 0.4, "end": 1.6})
    assert r.status_code == 202, r.json
    assert r.json["state"] == "running"
    # Meanwhile the video is still ready and plays (the old cut, or already the new one).
    during = user.get(f"/api/videos/{video['id']}").json
    assert during["processing_status"] == "completed"
    assert user.client.get(old_stream).status_code == 200
    assert trim_finished(user, video["id"]) == {"state": "idle", "percent": 100, "error": None}
    done = user.get(f"/api/videos/{video['id']}").json
    assert done["processing_status"] == "completed"
    assert done["duration_seconds"] == pytest.approx(1.2, abs=1 / FPS + 1e-3)
    new_bytes = user.client.get(user.get(f"/api/videos/stream/{video['id']}").json["url"]).data
    assert new_bytes != old_bytes
    # Its owner heard it over the live connection, progress then the result.
    types = [e.type for e in events if e.data.get("video_id") == video["id"]]
    assert "video.edited" in types
    edited = next(e for e in events if e.type == "video.edited")
    assert edited.owner_id == user.user["id"]
    assert edited.data["duration_seconds"] == pytest.approx(done["duration_seconds"])
    # A second trim cuts the new cut (its timeline is the one the player shows).
    r = user.post(f"/api/videos/{video['id']}/trim", json={"start": 0.2, "end": 0.9})
    assert r.status_code == 202, r.json
    assert trim_finished(user, video["id"])["state"] == "idle"
    again = user.get(f"/api/videos/{video['id']}").json
    assert again["duration_seconds"] == pytest.approx(0.7, abs=1 / FPS + 1e-3)
    stored = row(video["id"])
    assert stored.trim_start == pytest.approx(0.6) and stored.trim_end == pytest.approx(1.3)


def test_a_kept_original_is_cut_instead_of_the_processed_file(services, user, admin, tmp_path):
    assert admin.patch("/api/admin/config", json={"keep_originals": True}).status_code == 200
    video = posted(services, user, tmp_path)
    original = services.data.original_file(row(video["id"]).storage_key)
    assert original.is_file()
    r = user.post(f"/api/videos/{video['id']}/trim", json={"start": 1.0, "end": 2.0})
    assert r.status_code == 202, r.json
    assert trim_finished(user, video["id"])["state"] == "idle"
    done = user.get(f"/api/videos/{video['id']}").json
    assert done["duration_seconds"] == pytest.approx(1.0, abs=1 / FPS + 1e-3)
    assert original.is_file()  # kept, so the trim can be changed again from it


@pytest.mark.parametrize(
    "body, field",
    [
        ({"start": 1.0, "end": 0.5}, "end"),  # ends before it starts
        ({"start": 1.0, "end": 1.2}, "end"),  # shorter than half a second
        ({"start": 0.5, "end": 3.0}, "end"),  # past the end
        ({"start": -0.5, "end": 1.0}, "start"),
        ({"start": 0, "end": 2.0}, "start"),  # keeps everything: nothing to do
        ({"start": 0.5}, "end"),
    ],
)
def test_bad_ranges_are_refused_and_change_nothing(services, user, tmp_path, body, field):
    video = posted(services, user, tmp_path)
    before = files(services, video)
    r = user.post(f"/api/videos/{video['id']}/trim", json=body)
    assert r.status_code in (400, 422), r.json
    assert r.json["error_code"] == "validation_error" and field in r.json["detail"], r.json
    assert user.get(f"/api/videos/{video['id']}/trim").json["state"] == "idle"
    assert files(services, video) == before
    assert user.get(f"/api/videos/{video['id']}").json == video


def test_only_the_owner_or_an_admin_edits(services, user, other_user, tmp_path):
    video = posted(services, user, tmp_path)
    trim = {"start": 0.5, "end": 1.5}
    assert other_user.post(f"/api/videos/{video['id']}/trim", json=trim).status_code == 403
    assert other_user.put(f"/api/videos/{video['id']}/cover", json={"time": 1}).status_code == 403
    assert other_user.post("/api/videos/nosuchvideo/trim", json=trim).status_code == 404


def test_a_failed_trim_leaves_the_video_as_it_was(services, user, admin, events, tmp_path):
    assert admin.patch("/api/admin/config", json={"keep_originals": True}).status_code == 200
    video = posted(services, user, tmp_path)
    before = files(services, video)
    # The kept original is damaged after posting: the new cut can't be made from it.
    original = services.data.original_file(row(video["id"]).storage_key)
    original.write_bytes(original.read_bytes()[:4096])
    r = user.post(f"/api/videos/{video['id']}/trim", json={"start": 0.5, "end": 1.5})
    assert r.status_code == 202, r.json
    state = trim_finished(user, video["id"])
    assert state["state"] == "failed" and state["error"], state
    assert user.get(f"/api/videos/{video['id']}").json == video
    assert files(services, video) == before
    assert list(services.data.tmp.glob(f"{row(video['id']).storage_key}.*")) == []
    stream = user.get(f"/api/videos/stream/{video['id']}").json["url"]
    assert user.client.get(stream).data == before["video"]  # still plays as it was
    failed = [e for e in events if e.type == "video.edit_failed"]
    assert failed and failed[0].data["error"] == state["error"]


def test_a_trim_moves_the_captions_with_the_picture(services, user, tmp_path):
    video = posted(services, user, tmp_path)
    srt = (
        "1\n00:00:00,000 --> 00:00:00,500\nfirst\n\n"
        "2\n00:00:00,500 --> 00:00:01,000\nsecond\n\n"
        "3\n00:00:01,700 --> 00:00:01,900\ncut away\n"
    ).encode()
    r = user.client.post(
        f"/api/videos/{video['id']}/captions",
        data={"file": (io.BytesIO(srt), "subs.srt"), "language": "en"},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {user.token}"},
    )
    assert r.status_code == 201, r.json
    r = user.post(f"/api/videos/{video['id']}/trim", json={"start": 0.4, "end": 1.6})
    assert r.status_code == 202, r.json
    assert trim_finished(user, video["id"])["state"] == "idle"
    (track,) = user.get(f"/api/videos/{video['id']}/captions").json
    vtt = user.client.get(track["url"]).data.decode()
    assert "00:00:00.000 --> 00:00:00.100\nfirst" in vtt
    assert "00:00:00.100 --> 00:00:00.600\nsecond" in vtt
    assert "cut away" not in vtt
    # Search finds what is still said, not what was cut.
    assert row(video["id"]).caption_text.split() == ["first", "second"]


def test_every_instance_answers_the_same_trim_state(services, user, tmp_path):
    """The trim's state is in the database: another app on the same database and data
    dir answers it, and refuses a second trim or a cover while the first runs."""
    video = posted(services, user, tmp_path)
    other = Api(create_app(make_settings(tmp_path)).test_client(), user.token)
    path = f"/api/videos/{video['id']}"
    with services.edits._turn:  # the trim waits its turn: running until released
        r = user.post(f"{path}/trim", json={"start": 0.4, "end": 1.6})
        assert r.status_code == 202 and r.json["state"] == "running"
        assert other.get(f"{path}/trim").json == {"state": "running", "percent": 0, "error": None}
        r = other.post(f"{path}/trim", json={"start": 0.2, "end": 1.0})
        assert r.status_code == 409 and r.json["error_code"] == "edit_running"
        assert other.put(f"{path}/cover", json={"time": 0.5}).status_code == 409
    assert trim_finished(other, video["id"]) == {"state": "idle", "percent": 100, "error": None}
    assert user.get(f"{path}/trim").json == other.get(f"{path}/trim").json


def test_a_trim_a_crash_cut_short_is_failed_on_the_next_start(services, user, tmp_path):
    """A server killed mid-trim leaves the trim's row running; the next start (alone)
    marks it failed with the reason, the video as it was, and a new trim can start."""
    from test_cli import launch, wait_healthy

    video = posted(services, user, tmp_path, duration=12.0)
    services.stop()
    database.close()
    data = tmp_path / "data"
    proc = launch(data, "serve", "--host", "127.0.0.1", "--port", "0")
    try:
        url = wait_healthy(proc, data)
        login = http(
            url,
            "POST",
            "/api/auth/login",
            {"username": user.user["username"], "password": PASSWORD},
        )
        answer = http(
            url,
            "POST",
            f"/api/videos/{video['id']}/trim",
            {"start": 0.5, "end": 11.5},
            token=login["access_token"],
        )
        assert answer["state"] == "running"
    finally:
        proc.kill()  # mid-trim: no shutdown runs
        proc.communicate()

    restarted = create_app(make_settings(tmp_path))
    again = Api(restarted.test_client(), user.token)
    restarted.extensions["clipset"].start()
    try:
        state = again.get(f"/api/videos/{video['id']}/trim").json
        assert state == {"state": "failed", "percent": 0, "error": INTERRUPTED}
        after = again.get(f"/api/videos/{video['id']}").json
        assert after["duration_seconds"] == pytest.approx(video["duration_seconds"])
        r = again.post(f"/api/videos/{video['id']}/trim", json={"start": 0.5, "end": 2.0})
        assert r.status_code == 202
        assert trim_finished(again, video["id"])["state"] == "idle"
    finally:
        restarted.extensions["clipset"].stop()


def http(url: str, method: str, path: str, body: dict, token: str | None = None) -> dict:
    request = urllib.request.Request(
        url + path,
        method=method,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read())
