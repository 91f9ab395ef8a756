"""Playable while processing: a browser-playable original is copied into a faststart MP4
that its viewers (and nobody else) play while the job runs, gone when the job ends or the
video is deleted. Jobs are held at ``media.process`` by a gate, never by sleeping."""

from __future__ import annotations

import shutil
import threading
import time

import media_factory
import pytest

from clipset import media
from clipset.errors import UnreadableMedia
from clipset.store.db import database
from clipset.store.fields import new_key
from clipset.store.models import Video

WAIT_SECONDS = 60


@pytest.fixture
def services(app):
    return app.extensions["clipset"]


@pytest.fixture
def events(services):
    received = []
    services.events.subscribe(received.append)
    return received


@pytest.fixture
def gate(monkeypatch):
    """Holds every job inside ``media.process`` until ``release`` is set; ``entered`` is
    set once a job got there (its stand-in, made before, is in place by then)."""
    real = media.process
    entered, release = threading.Event(), threading.Event()

    def held(*args, **kwargs):
        entered.set()
        assert release.wait(WAIT_SECONDS), "the test never let the job go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(media, "process", held)
    return entered, release


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    return {
        "h264": media_factory.make_clip(d / "phone.mkv", duration=1.0),
        "hevc": media_factory.make_clip(
            d / "iphone.mov",
            duration=1.0,
            vcodec="libx265",
            options={"x265-params": "log-level=none"},
        ),
        "mpeg2": media_factory.make_clip(
            d / "camcorder.mkv", duration=1.0, vcodec="mpeg2video", acodec="mp2"
        ),
    }


def queue(services, api, clip, privacy="public", **fields) -> str:
    """A posted video with ``clip`` as its original, as finalize leaves it."""
    # The original is in place before the row: a running worker may claim it at once.
    key = new_key()
    shutil.copyfile(clip, services.data.original_file(key))
    with database.connection_context():
        video = Video.create(
            storage_key=key,
            uploader=api.user["id"],
            title=clip.name,
            source_size_bytes=1,
            privacy=privacy,
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


def heard(events, kind: str, video_id: str):
    """The first event of ``kind`` about the video, once published (the job's last act)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = [e for e in events if e.type == kind and e.data["video_id"] == video_id]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no {kind} for {video_id}")


def fetch(api, url, tmp_path):
    """The stand-in's bytes through its signed URL, as a player reads them (a range)."""
    r = api.client.get(url, headers={"Range": "bytes=0-"})
    if r.status_code != 206:
        return r.status_code, None
    path = tmp_path / "stand-in.mp4"
    path.write_bytes(r.data)
    return 206, path


def test_an_h264_original_plays_for_its_viewers_until_processed(
    services, events, gate, user, other_user, make_user, tmp_path, clips
):
    entered, release = gate
    stranger = make_user()
    video_id = queue(services, user, clips["h264"], privacy="unlisted")
    services.start()
    assert entered.wait(WAIT_SECONDS)
    key = row(video_id).storage_key

    shown = user.get(f"/api/videos/{video_id}").json
    assert shown["processing_status"] == "processing"
    assert shown["stand_in_type"] == 'video/mp4; codecs="avc1.64000d, mp4a.40.2"'
    playable = [e for e in events if e.type == "video.playable"]
    assert [e.data for e in playable] == [
        {"video_id": video_id, "stand_in_type": shown["stand_in_type"]}
    ]

    # The owner and someone with the unlisted video's id both play it now.
    for viewer in (user, other_user):
        r = viewer.get(f"/api/videos/{video_id}/stand-in")
        assert r.status_code == 200, r.json
        assert r.json["type"] == shown["stand_in_type"]
        status, copy = fetch(viewer, r.json["url"], tmp_path)
        assert status == 206
        probe = media.probe(copy)
        assert (probe.container, probe.video_codec, probe.audio_codec) == ("mp4", "h264", "aac")
        head = copy.read_bytes()
        assert head.index(b"moov") < head.index(b"mdat")  # faststart: plays at once
    viewers_url = other_user.get(f"/api/videos/{video_id}/stand-in").json["url"]
    # The processed file isn't there yet, and it is in no list before it is.
    assert user.get(f"/api/videos/stream/{video_id}").json["error_code"] == "not_ready"
    listed = other_user.get("/api/videos", query_string={"page_size": 100}).json["items"]
    assert video_id not in [v["id"] for v in listed]

    # Made private: the others lose it on every path, the link already handed out too.
    assert (
        user.patch(f"/api/videos/{video_id}/privacy", json={"privacy": "private"}).status_code
        == 200
    )
    for outsider in (other_user, stranger):
        assert outsider.get(f"/api/videos/{video_id}").status_code == 404
        r = outsider.get(f"/api/videos/{video_id}/stand-in")
        assert (r.status_code, r.json["error_code"]) == (404, "video_not_found")
    assert fetch(other_user, viewers_url, tmp_path)[0] == 404
    assert (
        user.patch(f"/api/videos/{video_id}/privacy", json={"privacy": "public"}).status_code
        == 200
    )
    # A stand-in URL is for the stand-in only: it opens no other kind of file.
    token = viewers_url.split("token=")[1]
    assert other_user.client.get(f"/media/videos/{video_id}.mp4?token={token}").status_code == 403

    release.set()
    ready = heard(events, "video.ready", video_id)
    # Its viewers hear that the processed file is ready, not only its owner.
    assert ready.followers and ready.owner_id == user.user["id"]
    done = row(video_id)
    assert done.processing_status == "completed", done.error_message
    assert done.stand_in_type is None
    assert not services.data.stand_in_file(key).exists()
    assert list(services.data.tmp.iterdir()) == []
    r = other_user.get(f"/api/videos/{video_id}/stand-in")
    assert (r.status_code, r.json["error_code"]) == (404, "no_stand_in")
    assert fetch(other_user, viewers_url, tmp_path)[0] == 404
    assert other_user.get(f"/api/videos/stream/{video_id}").status_code == 200
    assert len([e for e in events if e.type == "video.ready"]) == 1


def test_hevc_is_offered_with_its_codec_string(services, events, gate, user, other_user, clips):
    entered, release = gate
    video_id = queue(services, user, clips["hevc"])
    services.start()
    assert entered.wait(WAIT_SECONDS)
    r = other_user.get(f"/api/videos/{video_id}/stand-in")
    assert r.status_code == 200, r.json
    # Main profile, level 2: the browser decides with canPlayType whether it plays it.
    assert r.json["type"] == 'video/mp4; codecs="hvc1.1.6.L60.90, mp4a.40.2"'
    copy = services.data.stand_in_file(row(video_id).storage_key)
    assert b"hvc1" in copy.read_bytes()  # the sample entry Safari requires
    release.set()
    heard(events, "video.ready", video_id)
    assert not copy.exists()


def test_an_original_browsers_cannot_play_offers_none(services, gate, user, other_user, clips):
    entered, release = gate
    video_id = queue(services, user, clips["mpeg2"])
    services.start()
    assert entered.wait(WAIT_SECONDS)
    assert user.get(f"/api/videos/{video_id}").json["stand_in_type"] is None
    r = user.get(f"/api/videos/{video_id}/stand-in")
    assert (r.status_code, r.json["error_code"]) == (404, "no_stand_in")
    # Unfinished with nothing to play: still its owner's alone.
    assert other_user.get(f"/api/videos/{video_id}").status_code == 404
    assert list(services.data.stand_ins.iterdir()) == []
    release.set()
    assert wait_for(video_id, "completed", "failed").processing_status == "completed"


def test_a_trimmed_video_shows_nothing_of_what_was_cut(services, gate, user, clips):
    entered, release = gate
    video_id = queue(services, user, clips["h264"], trim_start=0.5)
    services.start()
    assert entered.wait(WAIT_SECONDS)
    assert user.get(f"/api/videos/{video_id}").json["stand_in_type"] is None
    assert list(services.data.stand_ins.iterdir()) == []
    release.set()
    wait_for(video_id, "completed", "failed")


def test_deleting_or_failing_a_video_removes_its_stand_in(
    services, events, gate, monkeypatch, user, clips
):
    entered, release = gate
    deleted = queue(services, user, clips["h264"])
    services.start()
    assert entered.wait(WAIT_SECONDS)
    key = row(deleted).storage_key
    assert services.data.stand_in_file(key).is_file()
    assert user.delete(f"/api/videos/{deleted}").status_code == 204
    assert not services.data.stand_in_file(key).exists()

    # The next job fails in processing: its stand-in goes with the failure.
    def broken(*args, **kwargs):
        raise UnreadableMedia("The video could not be processed: the file is damaged.")

    monkeypatch.setattr(media, "process", broken)
    release.set()
    failed = queue(services, user, clips["h264"])
    services.jobs.wake()
    heard(events, "video.failed", failed)
    video = row(failed)
    assert video.processing_status == "failed"
    assert failed in [e.data["video_id"] for e in events if e.type == "video.playable"]
    assert video.stand_in_type is None
    assert list(services.data.stand_ins.iterdir()) == []
    assert user.get(f"/api/videos/{failed}/stand-in").json["error_code"] == "no_stand_in"
    services.stop()
    assert list(services.data.stand_ins.iterdir()) == []
    assert list(services.data.tmp.iterdir()) == []


def test_a_restart_keeps_a_stand_in_still_playing_and_drops_the_rest(services, user, clips):
    """What a crash leaves: a requeued job's stand-in plays on; one whose job failed for
    good, and one no video names, go."""
    again = queue(services, user, clips["h264"], processing_status="processing", attempts=1)
    given_up = queue(services, user, clips["h264"], processing_status="processing", attempts=2)
    kind = 'video/mp4; codecs="avc1.64000d, mp4a.40.2"'
    for video_id in (again, given_up):
        with database.connection_context():
            Video.update(stand_in_type=kind).where(Video.public_id == video_id).execute()
        shutil.copyfile(clips["h264"], services.data.stand_in_file(row(video_id).storage_key))
    stray = services.data.stand_in_file("0" * 32)
    shutil.copyfile(clips["h264"], stray)
    with database.connection_context():
        services.jobs.recover()
    assert row(again).processing_status == "pending"
    assert user.get(f"/api/videos/{again}/stand-in").json["type"] == kind
    assert row(given_up).stand_in_type is None
    assert not services.data.stand_in_file(row(given_up).storage_key).exists()
    assert not stray.exists()
