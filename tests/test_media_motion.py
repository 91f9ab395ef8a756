"""Frame rate, interlacing and odd sizes through processing, checked on output frames."""

from __future__ import annotations

import av
import camera_clips as mf
import pytest

from clipset import media


def run(src, tmp_path, **options):
    video, thumb = tmp_path / "out.mp4", tmp_path / "thumb.jpg"
    return media.process(src, video, thumb, media.Options(**options)), video


def frame_times(path) -> list[float]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return sorted(float(f.pts * s.time_base) for f in c.decode(s))


def luma_rows_and_columns(path):
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
    image = frame.to_image().convert("L")
    width, height = image.size
    pixels = image.load()
    columns = [sum(pixels[x, y] for y in range(height)) for x in range(width)]
    rows = [sum(pixels[x, y] for x in range(width)) for y in range(height)]
    return image, columns, rows


@pytest.mark.parametrize("fps, cap, out_fps", [(240, 60, 60), (120, 60, 60), (240, 30, 30)])
def test_slow_motion_is_capped_by_dropping_frames_evenly(tmp_path, fps, cap, out_fps):
    src = mf.high_fps(tmp_path, fps)
    result, video = run(src, tmp_path, max_fps=cap)
    assert result.mode == "transcode"
    assert result.fps == pytest.approx(out_fps, abs=0.5)
    times = frame_times(video)
    assert len(times) == pytest.approx(0.25 * out_fps, abs=1)
    gaps = [b - a for a, b in zip(times, times[1:])]
    # Evenly spaced: no judder from uneven dropping.
    assert max(gaps) - min(gaps) < 0.5 / fps, gaps
    assert min(gaps) == pytest.approx(1 / out_fps, abs=0.5 / fps)


def test_clip_at_the_cap_is_left_alone(tmp_path):
    src = mf.high_fps(tmp_path, 60)
    result, video = run(src, tmp_path)
    assert result.mode == "remux"
    assert len(frame_times(video)) == 15


def test_interlaced_video_is_deinterlaced_never_remuxed(tmp_path):
    src = mf.interlaced(tmp_path)
    assert media.probe(src).interlaced
    result, video = run(src, tmp_path)
    assert result.mode == "transcode"
    assert not media.probe(video).interlaced
    _, _, rows = luma_rows_and_columns(video)
    # The source alternates ~30 and ~220 line by line; deinterlaced, neighbouring lines
    # are alike (a woven frame would keep the full swing).
    width = 64
    swing = max(abs(a - b) for a, b in zip(rows[4:-4], rows[5:-4])) / width
    assert swing < 60, swing


def test_odd_sized_video_loses_a_pixel_instead_of_being_stretched(tmp_path):
    src = mf.odd_size(tmp_path)
    assert (media.probe(src).width, media.probe(src).height) == (65, 49)
    result, video = run(src, tmp_path)
    assert (result.width, result.height) == (64, 48)
    _, columns, rows = luma_rows_and_columns(video)
    # The white lines are where they were: nothing was resampled.
    assert columns.index(max(columns)) == mf.LINE_AT[0]
    assert rows.index(max(rows)) == mf.LINE_AT[1]
