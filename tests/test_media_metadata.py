"""The recording date comes through (probe, API, sorting); the place never does."""

from __future__ import annotations

import datetime as dt
import time

import av
import media_factory as mf
import pytest

from clipset import media

WAIT_SECONDS = 60


def test_recording_date_is_read_in_utc_from_the_phones_tags(tmp_path):
    p = media.probe(mf.iphone_tagged(tmp_path))
    assert p.recorded_at == dt.datetime.fromisoformat(mf.RECORDED_UTC)


@pytest.mark.parametrize(
    "value",
    ["", "0000-00-00T00:00:00Z", "1970-01-01T00:00:00Z", "not a date", "2039-01-01T00:00:00Z"],
)
def test_missing_or_implausible_dates_are_no_date(tmp_path, value):
    src = mf.make_clip(tmp_path / "a.mov", width=64, height=48, duration=0.3)
    tagged = mf.with_metadata(src, tmp_path / "b.mov", {"creation_time": value} if value else {})
    assert media.probe(tagged).recorded_at is None


@pytest.mark.parametrize("force", [False, True])
def test_location_never_reaches_the_output(tmp_path, force):
    src = mf.iphone_tagged(tmp_path)
    with av.open(str(src)) as c:
        assert any("location" in key for key in c.metadata)  # the source has it
    video = tmp_path / "out.mp4"
    result = media.process(src, video, tmp_path / "t.jpg", media.Options(force_transcode=force))
    assert result.mode == ("transcode" if force else "remux")
    raw = video.read_bytes()
    assert mf.LOCATION.encode() not in raw and b"ISO6709" not in raw
    with av.open(str(video)) as c:
        keys = list(c.metadata) + [k for s in c.streams for k in s.metadata]
    assert not any("location" in key or "6709" in key for key in keys), keys


def upload(api, path, title):
    with open(path, "rb") as f:
        r = api.client.post(
            "/api/videos",
            data={"file": (f, path.name), "title": title},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {api.token}"},
        )
    assert r.status_code == 201, r.json
    return r.json["id"]


def wait_ready(api, video_id) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        video = api.get(f"/api/videos/{video_id}").json
        if video["processing_status"] in ("completed", "failed"):
            assert video["processing_status"] == "completed", video["error_message"]
            return video
        time.sleep(0.05)
    raise AssertionError(f"video {video_id} never finished")


def test_recorded_at_is_in_the_api_and_sorts_lists(app, user, tmp_path):
    app.extensions["clipset"].start()
    plain = upload(
        user,
        mf.make_clip(tmp_path / "plain.mp4", width=64, height=48, duration=0.3),
        "uploaded later, no date",
    )
    shot = upload(user, mf.iphone_tagged(tmp_path), "shot in 2023")
    shot_video = wait_ready(user, shot)
    assert shot_video["recorded_at"] == mf.RECORDED_UTC + "Z"
    assert wait_ready(user, plain)["recorded_at"] is None
    for url in (
        "/api/videos?sort_by=recorded_at&order=asc",
        "/api/videos/mine?sort_by=recorded_at&sort_order=asc",
    ):
        r = user.get(url)
        assert r.status_code == 200, r.json
        # Undated videos sort by their upload time, which is after 2023.
        assert [v["id"] for v in r.json["items"]] == [shot, plain], url
    r = user.get("/api/videos?sort_by=recorded_at&order=desc")
    assert [v["id"] for v in r.json["items"]] == [plain, shot]
