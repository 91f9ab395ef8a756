"""clipset.media against real clips made with PyAV: what gets accepted, and what comes out."""

from __future__ import annotations

import threading

import av
import media_factory as mf
import pytest
from PIL import Image

from clipset import media
from clipset.errors import UnreadableMedia, UnsupportedMedia, ValidationFailed


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Each clip is made once per module, on first use."""
    return mf.made_once(mf, tmp_path_factory.mktemp("clips"))


def run(src, tmp_path, **options):
    video, thumb = tmp_path / "out.mp4", tmp_path / "thumb.jpg"
    result = media.process(src, video, thumb, media.Options(**options))
    return result, video, thumb


def assert_browser_ready(video, result):
    """The output rules every processed file must meet, checked on the file itself."""
    out = media.probe(video)
    assert out.container == "mp4"
    assert out.video_codec == "h264" and out.pix_fmt == "yuv420p"
    assert out.audio_codec in (None, "aac")
    assert out.rotation == 0 or result.mode == "remux"
    assert out.width % 2 == 0 and out.height % 2 == 0
    atoms = mf.top_level_atoms(video)
    assert atoms.index("moov") < atoms.index("mdat"), atoms
    assert (result.width, result.height, result.video_codec) == (out.width, out.height, "h264")
    assert result.size_bytes == video.stat().st_size
    return out


def frame_times(path) -> list[float]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return sorted(float(f.pts * s.time_base) for f in c.decode(s))


# ---------------------------------------------------------------- probe


def test_probe_reports_display_size_codecs_and_duration(clips):
    p = media.probe(clips("landscape"))
    assert (p.container, p.width, p.height, p.rotation) == ("mp4", 320, 180, 0)
    assert (p.video_codec, p.pix_fmt, p.audio_codec) == ("h264", "yuv420p", "aac")
    assert p.duration == pytest.approx(1.0, abs=0.1)
    assert p.fps == pytest.approx(25)
    assert p.size_bytes == clips("landscape").stat().st_size
    assert p.as_dict()["width"] == 320


def test_probe_applies_rotation_to_display_size(clips):
    p = media.probe(clips("portrait_rotated"))
    assert (p.container, p.width, p.height, p.rotation) == ("mov", 180, 320, 90)


@pytest.mark.parametrize(
    "name, container, vcodec, acodec",
    [
        ("webm_vp9", "webm", "vp9", "opus"),
        ("avi_mpeg4", "avi", "mpeg4", "mp3"),
        ("vfr", "mkv", "h264", "aac"),
        ("no_audio", "mp4", "h264", None),
    ],
)
def test_probe_names_container_by_its_bytes(clips, tmp_path, name, container, vcodec, acodec):
    # A misleading extension must not matter.
    renamed = tmp_path / "clip.mp4"
    renamed.write_bytes(clips(name).read_bytes())
    p = media.probe(renamed)
    assert (p.container, p.video_codec, p.audio_codec) == (container, vcodec, acodec)


@pytest.mark.parametrize(
    "name, error, words",
    [
        ("audio_only", UnsupportedMedia, "no video"),
        ("random_bytes", UnsupportedMedia, "not a video"),
        ("text_as_mp4", UnsupportedMedia, "not a video"),
        ("truncated", UnreadableMedia, "damaged"),
    ],
)
def test_probe_rejects_non_video_with_clear_message(clips, name, error, words):
    with pytest.raises(error) as caught:
        media.probe(clips(name))
    assert words in caught.value.detail
    assert caught.value.status == (415 if error is UnsupportedMedia else 422)


def test_probe_rejects_empty_file(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableMedia):
        media.probe(empty)


def test_probe_rejects_formats_not_accepted(clips):
    with pytest.raises(UnsupportedMedia) as caught:
        media.probe(clips("webm_vp9"), accepted_formats=["mp4", "mov"])
    assert "WebM files are not accepted" in caught.value.detail
    assert "MP4, QuickTime MOV" in caught.value.detail
    assert media.probe(clips("webm_vp9"), accepted_formats=["webm"]).container == "webm"


def test_probe_rejects_too_long_and_too_large(clips):
    with pytest.raises(UnreadableMedia, match="longest allowed"):
        media.probe(clips("landscape"), max_duration=0.5)
    assert media.probe(clips("landscape"), max_duration=2).duration < 2
    with pytest.raises(UnreadableMedia, match="at most 2000 pixels"):
        media.probe(clips("oversize"), max_side=2000)


def test_probe_needs_a_decodable_frame(tmp_path, clips):
    # Valid container headers, but every video packet's payload is garbage.
    src = clips("landscape")
    broken = tmp_path / "garbage-frames.mkv"
    with av.open(str(src)) as inp, av.open(str(broken), "w", format="matroska") as out:
        vin = inp.streams.video[0]
        vout = out.add_stream_from_template(vin)
        for packet in inp.demux(vin):
            if packet.dts is None:
                continue
            bad = av.Packet(b"\x00\x00\x01\xff" * 64)
            bad.pts, bad.dts, bad.time_base, bad.stream = (
                packet.pts,
                packet.dts,
                packet.time_base,
                vout,
            )
            out.mux(bad)
    with pytest.raises(UnreadableMedia, match="No picture"):
        media.probe(broken)


# ---------------------------------------------------------------- process


def test_compatible_clip_is_remuxed_not_reencoded(clips, tmp_path):
    src = clips("landscape")
    result, video, thumb = run(src, tmp_path)
    assert result.mode == "remux"
    out = assert_browser_ready(video, result)
    assert (out.width, out.height, out.audio_codec) == (320, 180, "aac")
    assert out.duration == pytest.approx(1.0, abs=0.1)

    # Stream copy: the very same compressed video packets.
    def packets(path):
        with av.open(str(path)) as c:
            return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]

    assert packets(video) == packets(src)
    assert Image.open(thumb).size == (320, 180)


def test_force_transcode_reencodes_compatible_clip(clips, tmp_path):
    result, video, _ = run(clips("landscape"), tmp_path, force_transcode=True)
    assert result.mode == "transcode"
    assert_browser_ready(video, result)


@pytest.mark.parametrize("force, mode, rotation", [(False, "remux", 90), (True, "transcode", 0)])
def test_rotated_phone_clip_comes_out_portrait_and_upright(clips, tmp_path, force, mode, rotation):
    # A compatible phone clip is copied with its rotation tag (browsers turn it upright);
    # a transcode turns the pixels instead. Both show 180x320 with an upright thumbnail.
    result, video, thumb = run(clips("portrait_rotated"), tmp_path, force_transcode=force)
    assert result.mode == mode
    out = assert_browser_ready(video, result)
    assert (out.width, out.height, out.rotation) == (180, 320, rotation)
    # The stored frame's top-left red mark, turned 90 degrees clockwise, is top-right.
    image = Image.open(thumb).convert("RGB")
    assert image.size == (180, 320)
    r, g, b = image.getpixel((170, 10))
    assert r > 200 and g < 80 and b < 80
    r, g, b = image.getpixel((10, 10))
    assert not (r > 200 and g < 80 and b < 80)


def test_non_square_pixels_come_out_square_at_the_shape_they_were_shown(clips, tmp_path):
    # DV and DVD footage stores 360 (720) pixels across a 16:9 picture; left as they are,
    # sizes and thumbnails would be squeezed. The output is 16:9 in square pixels.
    src = clips("anamorphic")
    p = media.probe(src)
    assert (p.width, p.height, p.pixel_aspect) == (427, 240, pytest.approx(32 / 27))
    result, video, thumb = run(src, tmp_path)
    assert result.mode == "transcode"  # an otherwise compatible clip: the pixels decide
    out = assert_browser_ready(video, result)
    assert (out.width, out.height, out.pixel_aspect) == (426, 240, 1.0)
    image = Image.open(thumb).convert("RGB")
    assert image.size == (426, 240)
    # The stored 90-pixel-wide mark is shown 107 wide.
    assert image.getpixel((98, 30))[0] > 200 and image.getpixel((98, 30))[1] < 80
    assert not image.getpixel((118, 30))[0] > 200


@pytest.mark.parametrize(
    "name, acodec",
    [("webm_vp9", "aac"), ("avi_mpeg4", "aac"), ("yuv444", "aac"), ("no_audio", None)],
)
def test_other_inputs_become_h264_aac_mp4(clips, tmp_path, name, acodec):
    src = clips(name)
    result, video, thumb = run(src, tmp_path, force_transcode=name == "no_audio")
    assert result.mode == "transcode"
    out = assert_browser_ready(video, result)
    assert out.audio_codec == acodec
    inp = media.probe(src)
    assert (out.width, out.height) == (inp.width, inp.height)
    assert out.duration == pytest.approx(inp.duration, abs=0.1)
    assert Image.open(thumb).format == "JPEG"


def test_variable_frame_rate_timing_is_kept(clips, tmp_path):
    src = clips("vfr")
    result, video, _ = run(src, tmp_path, force_transcode=True)
    assert_browser_ready(video, result)
    before, after = frame_times(src), frame_times(video)
    assert len(after) == len(before)
    assert max(abs(a - b) for a, b in zip(after, before)) < 0.002
    gaps = {round(b - a, 2) for a, b in zip(after, after[1:])}
    assert len(gaps) > 1  # still irregular, not resampled to a constant rate


def test_large_clip_is_scaled_down_never_up(clips, tmp_path):
    result, video, thumb = run(clips("oversize"), tmp_path)
    out = assert_browser_ready(video, result)
    assert (out.width, out.height) == (1920, 1080)
    assert Image.open(thumb).size == (1280, 720)
    (tmp_path / "tiny").mkdir()
    small, video, _ = run(clips("tiny"), tmp_path / "tiny", force_transcode=True)
    out = assert_browser_ready(video, small)
    assert (out.width, out.height) == (16, 16)


def test_fit_size_keeps_orientation_and_even_sides():
    assert media.fit_size(2560, 1440, 1920, 1080) == (1920, 1080)
    assert media.fit_size(1080, 1920, 1920, 1080) == (1080, 1920)
    assert media.fit_size(1440, 2560, 1920, 1080) == (1080, 1920)
    assert media.fit_size(4000, 1000, 1920, 1080) == (1920, 480)
    assert media.fit_size(641, 361, 1920, 1080) == (640, 360)
    assert media.fit_size(320, 240, 1920, 1080) == (320, 240)


def test_trim_cuts_to_the_requested_span(clips, tmp_path):
    src = clips("vfr")  # 1.5 s
    result, video, _ = run(src, tmp_path, trim_start=0.5, trim_end=1.2)
    assert result.mode == "transcode"
    out = assert_browser_ready(video, result)
    assert out.duration == pytest.approx(0.7, abs=0.12)
    times = frame_times(video)
    assert times[0] < 0.1 and times[-1] < 0.75


def test_trim_that_leaves_nothing_is_refused(clips, tmp_path):
    with pytest.raises(ValidationFailed):
        run(clips("landscape"), tmp_path, trim_start=0.8, trim_end=0.5)
    assert list(tmp_path.iterdir()) == []


def _moving_square_x(image: Image.Image) -> int:
    """x of the green moving square on the clip's middle row."""
    y = image.height // 2
    for x in range(image.width):
        r, g, b = image.getpixel((x, y))
        if g > 150 and r < 120 and b < 150:
            return x
    raise AssertionError("no square")


def test_cover_time_picks_the_thumbnail_frame(clips, tmp_path):
    src = clips("landscape")  # the square moves 7 px per frame at 25 fps
    _, _, early = run(src, tmp_path, cover_time=0.0, force_transcode=True)
    x_early = _moving_square_x(Image.open(early).convert("RGB"))
    (tmp_path / "b").mkdir()
    _, _, late = run(src, tmp_path / "b", cover_time=0.8)
    x_late = _moving_square_x(Image.open(late).convert("RGB"))
    assert x_late - x_early == pytest.approx(20 * 7, abs=8)
    (tmp_path / "c").mkdir()
    _, _, beyond = run(src, tmp_path / "c", cover_time=99)  # clamped inside the clip
    assert _moving_square_x(Image.open(beyond).convert("RGB")) > x_late


def test_progress_rises_to_100(clips, tmp_path):
    seen = []
    media.process(
        clips("vfr"),
        tmp_path / "o.mp4",
        tmp_path / "t.jpg",
        media.Options(force_transcode=True),
        progress=seen.append,
    )
    assert seen and seen[-1] == 100.0
    assert seen == sorted(seen) and all(0 <= p <= 100 for p in seen)


def test_cancel_stops_and_leaves_no_output(clips, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(media.Cancelled):
        media.process(
            clips("vfr"),
            tmp_path / "o.mp4",
            tmp_path / "t.jpg",
            media.Options(force_transcode=True),
            cancel=cancel,
        )
    assert list(tmp_path.iterdir()) == []


def test_cancel_during_processing(clips, tmp_path):
    cancel = threading.Event()
    calls = []

    def progress(p):
        calls.append(p)
        cancel.set()

    with pytest.raises(media.Cancelled):
        media.process(
            clips("oversize"),
            tmp_path / "o.mp4",
            tmp_path / "t.jpg",
            media.Options(),
            progress=progress,
            cancel=cancel,
        )
    assert calls and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["random_bytes", "truncated", "audio_only"])
def test_process_refuses_bad_input_and_leaves_no_output(clips, tmp_path, name):
    with pytest.raises((UnsupportedMedia, UnreadableMedia)):
        run(clips(name), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_verify_rejects_output_browsers_cannot_play(clips):
    assert media.verify(clips("landscape")).video_codec == "h264"
    with pytest.raises(UnsupportedMedia):
        media.verify(clips("webm_vp9"))
    with pytest.raises(UnreadableMedia, match="yuv444p"):
        media.verify(clips("yuv444"))
