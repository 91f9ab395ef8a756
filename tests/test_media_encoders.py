"""Hardware H.264 encoders: tried with a test encode, and a failing one falls back to
libx264 without failing the job. No hardware encoder opens on the test machines, so
these go through the fallback path by forcing one."""

from __future__ import annotations

import time

import media_factory as mf
import pytest

from clipset import media
from clipset.media import encoders
from clipset.ops.doctor import report
from clipset.settings import load

WAIT_SECONDS = 60
FORCED = "h264_nvenc"  # listed by PyAV's FFmpeg, never usable without an NVIDIA GPU


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch):
    monkeypatch.setattr(encoders, "_works", {})
    monkeypatch.setattr(encoders, "_chosen", {})


@pytest.fixture
def needs_listed():
    if FORCED not in media.capabilities()["hardware_h264"]:
        pytest.skip(f"this PyAV build does not list {FORCED}")


def test_auto_uses_software_when_no_hardware_encoder_works():
    assert encoders.choose("auto") == "libx264"
    assert encoders.chosen("auto") == "libx264"


def test_a_picked_encoder_that_fails_its_test_encode_is_not_used(needs_listed):
    assert not encoders.works(FORCED)
    assert encoders.choose(FORCED) == "libx264"


def test_a_hardware_encoder_failing_mid_job_is_redone_in_software(tmp_path, needs_listed):
    src = mf.make_clip(
        tmp_path / "in.avi", vcodec="mpeg4", acodec="mp3", width=64, height=48, duration=0.5
    )
    video = tmp_path / "out.mp4"
    result = media.process(src, video, tmp_path / "t.jpg", media.Options(encoder=FORCED))
    assert (result.mode, result.encoder) == ("transcode", "libx264")
    assert media.verify(video).duration == pytest.approx(0.5, abs=0.1)
    assert not encoders.works(FORCED)  # not tried again this run


def test_an_encoder_breaking_after_frames_were_written_is_redone_from_the_start(
    tmp_path, monkeypatch
):
    from clipset.media import processing

    real = processing._transcode
    calls = []

    def breaks_halfway(src, dst, *args, **kwargs):
        calls.append(args[-1])
        if args[-1] != "libx264":
            with open(dst, "wb") as f:
                f.write(b"half a file from the broken encoder")
            raise encoders.EncoderFailed(args[-1], RuntimeError("device lost"))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(processing, "_transcode", breaks_halfway)
    monkeypatch.setattr(encoders, "_chosen", {"auto": "h264_qsv"})
    src = mf.make_clip(
        tmp_path / "in.avi", vcodec="mpeg4", acodec="mp3", width=64, height=48, duration=0.5
    )
    video = tmp_path / "out.mp4"
    result = media.process(
        src, video, tmp_path / "t.jpg", media.Options(encoder=encoders.choose("auto"))
    )
    assert calls == ["h264_qsv", "libx264"]
    assert result.encoder == "libx264"
    assert media.verify(video).video_codec == "h264"
    assert encoders.choose("auto") == "libx264"  # the next job goes straight to software


def test_a_job_with_a_failing_encoder_completes_and_stats_say_which(
    app_with_encoder, admin, tmp_path
):
    app_with_encoder.extensions["clipset"].start()
    clip = mf.make_clip(
        tmp_path / "in.avi", vcodec="mpeg4", acodec="mp3", width=64, height=48, duration=0.5
    )
    with open(clip, "rb") as f:
        r = admin.client.post(
            "/api/videos",
            data={"file": (f, clip.name), "title": "Hw"},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {admin.token}"},
        )
    assert r.status_code == 201, r.json
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        video = admin.get(f"/api/videos/{r.json['id']}").json
        if video["processing_status"] in ("completed", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert video["processing_status"] == "completed", video["error_message"]
    assert video["transcode_mode"] == "transcode"
    assert admin.get("/api/admin/stats").json["video_encoder"] == "libx264"


@pytest.fixture
def settings_overrides():
    return {"video_encoder": FORCED}


@pytest.fixture
def app_with_encoder(app, needs_listed):
    return app


def test_doctor_shows_the_encoder_in_use(tmp_path):
    text = report(load({"data_dir": str(tmp_path), "port": 0, "video_encoder": FORCED}))
    assert "Video encoder in use: libx264 (video_encoder = h264_nvenc" in text
