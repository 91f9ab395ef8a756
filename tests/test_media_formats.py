"""What cameras make besides MP4: AVCHD, 3GP, DVD/MPG, raw DV and animated GIF are
accepted by default and come out browser-ready; names in messages are human ones."""

from __future__ import annotations

import camera_clips as mf
import pytest
from media_factory import made_once

from clipset import media
from clipset.errors import UnreadableMedia, UnsupportedMedia
from clipset.settings import BY_NAME


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return made_once(mf, tmp_path_factory.mktemp("formats"))


DEFAULT_FORMATS = BY_NAME["accepted_formats"].default


@pytest.mark.parametrize(
    "name, container, audio",
    [
        ("avchd", "mts", "aac"),
        ("phone_3gp", "3gp", "aac"),
        ("dvd_vob", "mpg", "aac"),
        ("raw_dv", "dv", None),
        ("animated_gif", "gif", None),
    ],
)
def test_camera_formats_are_accepted_by_default_and_processed(
    clips, tmp_path, name, container, audio
):
    src = clips(name)
    p = media.probe(src, accepted_formats=DEFAULT_FORMATS)
    assert p.container == container
    video = tmp_path / "out.mp4"
    result = media.process(src, video, tmp_path / "thumb.jpg")
    out = media.verify(video)
    assert (out.video_codec, out.pix_fmt, out.audio_codec) == ("h264", "yuv420p", audio)
    assert out.duration == pytest.approx(p.duration, abs=0.1)
    assert (tmp_path / "thumb.jpg").stat().st_size > 0
    assert result.mode == ("remux" if container == "3gp" else "transcode")


def test_trim_works_on_streams_whose_clock_starts_late(clips, tmp_path):
    src = clips("dvd_vob")  # MPEG program streams start their clock past half a second
    result = media.process(
        src,
        tmp_path / "out.mp4",
        tmp_path / "t.jpg",
        media.Options(trim_start=0.05, trim_end=0.15),
    )
    assert result.duration == pytest.approx(0.1, abs=0.05)


@pytest.mark.parametrize(
    "name, words",
    [
        ("avchd", "AVCHD camcorder file"),
        ("animated_gif", "animated GIF"),
        ("dvd_vob", "MPEG/DVD video"),
    ],
)
def test_refusals_name_the_format_as_people_call_it(clips, name, words):
    with pytest.raises(UnsupportedMedia) as caught:
        media.probe(clips(name), accepted_formats=["mp4", "mov"])
    assert caught.value.detail.startswith(words), caught.value.detail
    assert "MPEGTS" not in caught.value.detail and "MP4, QuickTime MOV" in caught.value.detail


def test_a_one_millisecond_clip_is_refused_by_the_probe(clips):
    with pytest.raises(UnreadableMedia) as caught:
        media.probe(clips("single_frame_1ms"))
    assert "too short" in caught.value.detail


def test_a_one_millisecond_clip_is_refused_when_the_draft_is_made(user, tmp_path):
    clip = mf.single_frame_1ms(tmp_path)
    with open(clip, "rb") as f:
        r = user.client.post(
            "/api/videos",
            data={"file": (f, clip.name), "title": "Blink"},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {user.token}"},
        )
    assert r.status_code == 422, r.json
    assert r.json["error_code"] == "unreadable_media" and "too short" in r.json["detail"]
    assert user.get("/api/videos/mine").json["items"] == []  # nothing was posted
