"""Sound through processing: channels, bitrate, language and timing."""

from __future__ import annotations

import array

import av
import media_factory as mf
import pytest

from clipset import media
from clipset.errors import ConfigurationError
from clipset.settings import load


def audio_of(path):
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        return a.codec_context.layout.nb_channels, a.bit_rate, a.metadata.get("language")


def onset(path, level=2000) -> float:
    """Second at which the sound first gets loud."""
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        to_mono = av.AudioResampler(format="s16", layout="mono")
        for frame in c.decode(stream):
            start = float(frame.pts * frame.time_base)
            offset = 0
            for mono in to_mono.resample(frame):
                samples = array.array("h", bytes(mono.planes[0])[: mono.samples * 2])
                for i, value in enumerate(samples):
                    if abs(value) > level:
                        return start + (offset + i) / mono.sample_rate
                offset += mono.samples
    raise AssertionError("no sound")


def run(src, tmp_path, **options):
    video = tmp_path / "out.mp4"
    return media.process(src, video, tmp_path / "t.jpg", media.Options(**options)), video


def test_mono_stays_mono_at_a_mono_bitrate(tmp_path):
    src = mf.make_clip(
        tmp_path / "lecture.avi",
        vcodec="mpeg4",
        acodec="mp3",
        layout="mono",
        width=64,
        height=48,
        duration=2.0,
    )
    result, video = run(src, tmp_path)
    assert result.mode == "transcode"
    channels, bitrate, _ = audio_of(video)
    assert channels == 1
    assert bitrate < 90_000  # 64k for one channel, not stereo's 128k


@pytest.mark.parametrize("surround, channels", [("stereo", 2), ("keep", 6)])
def test_surround_is_downmixed_or_kept_by_the_setting(tmp_path, surround, channels):
    src = mf.make_clip(
        tmp_path / "film.mkv",
        acodec="ac3",
        layout="5.1",
        sample_rate=48000,
        width=64,
        height=48,
        duration=0.5,
    )
    result, video = run(src, tmp_path, surround=surround)
    assert result.mode == "transcode"
    assert audio_of(video)[0] == channels


def test_surround_setting_is_checked():
    assert (
        load({"testing": True, "data_dir": "x", "surround_audio": "KEEP"}).surround_audio == "keep"
    )
    with pytest.raises(ConfigurationError):
        load({"testing": True, "data_dir": "x", "surround_audio": "quad"})


@pytest.mark.parametrize("force", [False, True])
def test_the_language_tag_survives(tmp_path, force):
    src = mf.make_clip(
        tmp_path / "interview.mp4", width=64, height=48, duration=0.5, language="fra"
    )
    result, video = run(src, tmp_path, force_transcode=force)
    assert result.mode == ("transcode" if force else "remux")
    assert audio_of(video)[2] == "fra"


def test_opus_pre_skip_does_not_shift_the_sound(tmp_path):
    src = mf.make_clip(
        tmp_path / "clap.webm",
        vcodec="libvpx-vp9",
        acodec="libopus",
        width=64,
        height=48,
        duration=1.0,
        beep_at=0.5,
        options={"deadline": "realtime", "cpu-used": "8"},
    )
    assert onset(src) == pytest.approx(0.5, abs=0.003)
    _, video = run(src, tmp_path)
    # Opus frames (960 samples after a 312-sample pre-skip) are shorter than AAC's 1024:
    # the sound must still start when it did, not a frame late.
    assert onset(video) == pytest.approx(0.5, abs=0.003)
