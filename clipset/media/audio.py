"""The AAC track of a transcode: channels, bitrate, language, sample rate."""

from __future__ import annotations

from fractions import Fraction

import av

AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
SURROUND_CHOICES = ("stereo", "keep")  # what 5.1/7.1 becomes: downmixed, or kept
_SURROUND_LAYOUTS = {6: "5.1", 8: "7.1"}


def layout_for(channels: int, surround: str) -> str:
    """Mono stays mono (a lecture doesn't double in size); surround by the setting."""
    if channels <= 1:
        return "mono"
    if channels > 2 and surround == "keep" and channels in _SURROUND_LAYOUTS:
        return _SURROUND_LAYOUTS[channels]
    return "stereo"


def bitrate_for(layout: str, stereo_bitrate: int) -> int:
    # The stereo figure split per channel: mono 64k, 5.1 384k at the default 128k.
    return stereo_bitrate * av.AudioLayout(layout).nb_channels // 2


def add_track(out, ain, stereo_bitrate: int, surround: str):
    """The output AAC stream and the resampler feeding it whole encoder frames."""
    ctx = ain.codec_context
    in_rate = ctx.sample_rate or 48000
    rate = in_rate if in_rate in AAC_RATES else 48000
    channels = ctx.layout.nb_channels if ctx.layout else (ctx.channels or 2)
    layout = layout_for(channels, surround)
    aout = out.add_stream("aac", rate=rate, layout=layout)
    aout.bit_rate = bitrate_for(layout, stereo_bitrate)
    language = ain.metadata.get("language")
    if language and language != "und":
        aout.metadata["language"] = language
    resampler = av.AudioResampler(
        format="fltp", layout=layout, rate=rate, frame_size=aout.codec_context.frame_size or 1024
    )
    return aout, resampler, rate


class AudioPath:
    """The audio of one transcode, as ``frames.VideoPath`` is its picture: decoded frames
    in, AAC packets out, cut to the trim; ``done`` once past its end."""

    def __init__(self, out, ain, stereo_bitrate: int, surround: str, start: float, end: float):
        ain.thread_type = "AUTO"
        self.stream, self._resampler, self.rate = add_track(out, ain, stereo_bitrate, surround)
        self.start, self.end = start, end
        self.zero = self.origin = 0.0  # set when the input's timeline is known
        self.done = False
        self._samples: int | None = None  # written so far; None until the first frame

    def convert(self, frame) -> list:
        t = self.origin
        if frame.pts is not None and frame.time_base is not None:
            t = float(frame.pts * frame.time_base)
            if t - self.zero + frame.samples / (frame.sample_rate or 1) <= self.start:
                return []
            if t - self.zero >= self.end:
                self.done = True
                return []
        if self._samples is None:
            # From the first decoded frame, not the first the resampler gives back: it
            # holds back a short first frame (Opus after pre-skip).
            self._samples = max(0, int(round((t - self.origin) * self.rate)))
        return self._encode(self._resampler.resample(frame))

    def flush(self) -> list:
        if self._samples is None:  # no sound was kept: nothing to end
            return []
        return self._encode(self._resampler.resample(None)) + list(self.stream.encode(None))

    def _encode(self, frames) -> list:
        packets = []
        for rf in frames:
            rf.pts, rf.time_base = self._samples, Fraction(1, self.rate)
            self._samples += rf.samples
            packets.extend(self.stream.encode(rf))
        return packets
