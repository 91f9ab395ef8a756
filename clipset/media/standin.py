"""The stand-in: the original, stream-copied into a faststart MP4, that browsers able to
decode it play while the real processing runs.

Only an original whose streams a browser may decode as they are gets one: H.264 or HEVC
video with AAC, Opus or no sound, in a container whose timestamps copy cleanly. Whether a
given browser can is its own call: the stand-in's MIME type names its codecs as RFC 6381
strings ("avc1.64001f", "hvc1.2.4.L150.B0"), which ``canPlayType`` and
``MediaSource.isTypeSupported`` take. It is always a copy, never the original itself: the
copy starts with its index (plays at once over byte ranges), and carries only the picture
and sound (no other tracks, no tags saying where it was shot).
"""

from __future__ import annotations

import os
import threading

import av

from ..errors import ClipsetError
from .probing import probe_file, video_stream

STAND_IN_VIDEO = ("h264", "hevc")
STAND_IN_AUDIO = (None, "aac", "opus")
STAND_IN_CONTAINERS = ("mp4", "mov", "m4v", "mkv", "3gp")  # processing's remux sources


def make_stand_in(src, dst, cancel: threading.Event | None = None) -> str | None:
    """Write the stand-in of ``src`` to ``dst`` and return its MIME type with codecs, or
    None (and no file) when the original is not one a browser could play as it is."""
    from .processing import remux  # processing builds on probing, as this module does

    src, dst = str(src), str(dst)
    try:
        p = probe_file(src, None, 1 << 16, None)
    except ClipsetError:  # not a video it can read: processing says why
        return None
    if (
        p.container not in STAND_IN_CONTAINERS
        or p.video_codec not in STAND_IN_VIDEO
        or p.audio_codec not in STAND_IN_AUDIO
    ):
        return None
    try:
        remux(src, dst, cancel=cancel)
        mime = mime_type(dst)
    except BaseException:
        _remove(dst)
        raise
    if mime is None:
        _remove(dst)
    return mime


def mime_type(path) -> str | None:
    """``video/mp4; codecs="avc1.64001f, mp4a.40.2"`` for an MP4, from its streams'
    parameters; None when a codec string can't be told (then no browser is asked)."""
    with av.open(str(path), metadata_errors="replace") as container:
        v = video_stream(container)
        audio = container.streams.audio[0] if container.streams.audio else None
        codecs = [_video_codec(v.codec_context)] if v is not None else [None]
        if audio is not None:
            codecs.append(_audio_codec(audio.codec_context))
    if None in codecs:
        return None
    return f'video/mp4; codecs="{", ".join(codecs)}"'


def _video_codec(ctx) -> str | None:
    data = bytes(ctx.extradata or b"")
    if ctx.name == "h264":
        return _avc(data)
    if ctx.name == "hevc":
        return _hevc(data)
    return None


def _avc(data: bytes) -> str | None:
    """avc1.PPCCLL: profile, constraint flags and level from the avcC record, or from the
    first sequence parameter set of Annex B extradata."""
    if len(data) >= 4 and data[0] == 1:
        return "avc1." + data[1:4].hex()
    start = data.find(b"\x00\x00\x01")
    while start != -1 and start + 6 <= len(data):
        if data[start + 3] & 0x1F == 7:  # an SPS
            return "avc1." + data[start + 4 : start + 7].hex()
        start = data.find(b"\x00\x00\x01", start + 3)
    return None


def _hevc(data: bytes) -> str | None:
    """hvc1.<space><profile>.<compatibility, bit-reversed>.<tier><level>.<constraints>
    from the hvcC record (ISO/IEC 14496-15 annex E)."""
    if len(data) < 13 or data[0] != 1:
        return None
    space = "", "A", "B", "C"
    first = data[1]
    compat = int.from_bytes(data[2:6], "big")
    reversed_compat = int(f"{compat:032b}"[::-1], 2)
    constraints = bytearray(data[6:12])
    while constraints and constraints[-1] == 0:
        constraints.pop()
    parts = [
        f"hvc1.{space[first >> 6]}{first & 0x1F}",
        f"{reversed_compat:X}",
        f"{'H' if first & 0x20 else 'L'}{data[12]}",
        *(f"{b:X}" for b in constraints),
    ]
    return ".".join(parts)


def _audio_codec(ctx) -> str | None:
    if ctx.name == "opus":
        return "opus"
    if ctx.name != "aac":
        return None
    data = bytes(ctx.extradata or b"")
    # The AudioSpecificConfig's first five bits are the object type (2: AAC-LC).
    kind = data[0] >> 3 if data else 2
    return f"mp4a.40.{kind}"


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
