"""Colour through processing: HDR tone-mapped to SDR, full range made limited, BT.601 HD
converted, every output tagged. Checked by decoding output pixels."""

from __future__ import annotations

import av
import camera_clips as mf
import pytest
from media_factory import made_once
from PIL import Image

from clipset import media
from clipset.media import colour


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return made_once(mf, tmp_path_factory.mktemp("colour"))


def run(src, tmp_path):
    video, thumb = tmp_path / "out.mp4", tmp_path / "thumb.jpg"
    return media.process(src, video, thumb), video, thumb


def centre_rgb(path) -> tuple[int, int, int]:
    """The middle pixel of the first frame as a BT.709 limited-range player shows it."""
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
        image = frame.reformat(
            format="rgb24", src_colorspace="itu709", src_color_range="MPEG"
        ).to_image()
    return image.getpixel((image.width // 2, image.height // 2))


def colourfulness(rgb) -> float:
    return max(rgb) - min(rgb)


def assert_tagged_bt709(path, primaries="bt709"):
    p = media.probe(path)
    assert (p.colour_primaries, p.colour_transfer, p.colour_matrix, p.colour_range) == (
        primaries,
        "bt709",
        "bt709",
        "tv",
    )
    assert p.pix_fmt == "yuv420p"


@pytest.mark.parametrize("transfer", ["hlg", "pq"])
def test_hdr_phone_clip_comes_out_sdr_at_the_colour_it_was_shot(clips, tmp_path, transfer):
    src = clips("hdr", transfer)
    p = media.probe(src)
    assert p.colour_transfer == {"hlg": "arib-std-b67", "pq": "smpte2084"}[transfer]
    result, video, thumb = run(src, tmp_path)
    assert result.mode == "transcode"
    assert_tagged_bt709(video)
    got = centre_rgb(video)
    for channel, want in zip(got, mf.PATCH):
        assert abs(channel - want) <= 10, (got, mf.PATCH)
    # Not washed out: as colourful as the SDR original, within a tenth.
    assert colourfulness(got) >= 0.9 * colourfulness(mf.PATCH)
    with Image.open(thumb) as image:
        shown = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
    assert all(abs(a - b) <= 12 for a, b in zip(shown, mf.PATCH)), shown


def test_hdr_highlights_roll_off_to_white_instead_of_clipping():
    hlg = [colour.sdr_from_hdr("arib-std-b67", v, v, v)[0] for v in (0.5, 0.75, 0.9, 1.0)]
    assert hlg == sorted(hlg) and len(set(hlg)) == 4  # brighter stays brighter
    assert hlg[-1] == pytest.approx(1.0, abs=0.01)
    pq_peak = colour.nits_to_pq(1000)
    assert colour.sdr_from_hdr("smpte2084", pq_peak, pq_peak, pq_peak)[0] == pytest.approx(
        1.0, abs=0.01
    )
    # A BT.2020 green outside BT.709 is brought inside without going negative.
    green = colour.sdr_from_hdr("arib-std-b67", 0.0, 0.7, 0.0)
    assert all(0.0 <= c <= 1.0 for c in green) and green[1] == max(green)


@pytest.mark.parametrize(
    "name, rgb", [("full_range_h264", (20, 20, 20)), ("full_range_mjpeg", (235, 235, 235))]
)
def test_full_range_video_keeps_its_shadows_and_highlights(clips, tmp_path, name, rgb):
    src = clips(name)
    assert media.probe(src, accepted_formats=None).colour_range == "pc"
    result, video, _ = run(src, tmp_path)
    # Transcoded even when it is otherwise a remux candidate: players disagree on the flag.
    assert result.mode == "transcode"
    assert_tagged_bt709(video)
    got = centre_rgb(video)
    assert all(abs(a - b) <= 4 for a, b in zip(got, rgb)), got


def test_bt601_hd_clip_is_converted_to_the_bt709_matrix(clips, tmp_path):
    src = clips("bt601_hd")
    assert media.probe(src).colour_matrix == "smpte170m"
    result, video, _ = run(src, tmp_path)
    assert result.mode == "transcode"
    assert_tagged_bt709(video, primaries="smpte170m")  # SD-era primaries, said as they are
    got = centre_rgb(video)
    assert all(abs(a - b) <= 6 for a, b in zip(got, (200, 40, 40))), got


def test_remux_keeps_correct_colour_tags(clips, tmp_path):
    result, video, _ = run(clips("bt709_tagged"), tmp_path)
    assert result.mode == "remux"
    assert_tagged_bt709(video)
    assert all(abs(a - b) <= 6 for a, b in zip(centre_rgb(video), (200, 40, 40)))


def test_untagged_transcode_comes_out_tagged(clips, tmp_path):
    src = mf.make_clip(
        tmp_path / "plain.avi", vcodec="mpeg4", acodec=None, width=64, height=48, duration=0.3
    )
    assert media.probe(src).colour_transfer is None
    result, video, _ = run(src, tmp_path)
    assert result.mode == "transcode"
    assert_tagged_bt709(video)
