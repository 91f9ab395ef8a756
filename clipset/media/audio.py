"""The AAC track of a transcode: channels, bitrate, language, sample rate."""

from __future__ import annotations

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
