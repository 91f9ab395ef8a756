"""Which H.264 encoder transcodes: a hardware one that really works here, else libx264.

PyAV's FFmpeg lists hardware encoders whether or not the machine has the hardware, so
each is tried with a tiny test encode, lazily (the first job, or ``clipset doctor``),
never at import. One that fails later, mid-job, is dropped for the rest of the run and
the job is redone with libx264 (processing.process does that).
"""

from __future__ import annotations

import logging
import threading
from fractions import Fraction

import av

from .capabilities import HARDWARE_H264_ENCODERS

log = logging.getLogger(__name__)

SOFTWARE = "libx264"
AUTO = "auto"
CHOICES = (AUTO, SOFTWARE) + HARDWARE_H264_ENCODERS  # the video_encoder setting's values

_lock = threading.Lock()
_works: dict[str, bool] = {}  # test-encode results, and encoders that failed mid-job
_chosen: dict[str, str] = {}  # preference -> encoder


class EncoderFailed(Exception):
    """A hardware encoder broke during a job; the job is redone in software."""

    def __init__(self, encoder: str, cause: BaseException):
        super().__init__(f"{encoder}: {cause}")
        self.encoder = encoder


def _test_encode(name: str) -> bool:
    try:
        ctx = av.CodecContext.create(name, "w")
        ctx.width, ctx.height, ctx.pix_fmt = 256, 144, "yuv420p"
        ctx.time_base, ctx.framerate = Fraction(1, 25), Fraction(25)
        ctx.open()
        frame = av.VideoFrame(256, 144, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.pts = 0
        packets = ctx.encode(frame) + ctx.encode(None)
        return bool(packets)
    except Exception as exc:  # any failure means "not here": missing driver, device...
        log.debug("encoder %s does not work here: %s", name, exc)
        return False


def works(name: str) -> bool:
    if name == SOFTWARE:
        return True
    with _lock:
        if name not in _works:
            _works[name] = name in av.codecs_available and _test_encode(name)
        return _works[name]


def choose(preference: str = AUTO) -> str:
    """The encoder to use: the admin's pick if it works, else the first hardware encoder
    that works (``auto``), else libx264."""
    with _lock:
        if preference in _chosen:
            return _chosen[preference]
    candidates = HARDWARE_H264_ENCODERS if preference == AUTO else (preference,)
    chosen = next((name for name in candidates if works(name)), SOFTWARE)
    if preference not in (AUTO, SOFTWARE, chosen):
        log.warning("video encoder %s does not work on this machine; using %s", preference, chosen)
    with _lock:
        _chosen[preference] = chosen
    return chosen


def chosen(preference: str = AUTO) -> str | None:
    """The encoder in use, or None before the first job chose one."""
    with _lock:
        return _chosen.get(preference)


def failed(name: str) -> None:
    """``name`` broke mid-job: software from now on, for every preference that chose it."""
    log.warning("video encoder %s failed during a job; using %s from now on", name, SOFTWARE)
    with _lock:
        _works[name] = False
        for preference, encoder in list(_chosen.items()):
            if encoder == name:
                _chosen[preference] = SOFTWARE


def encoder_options(name: str, crf: int, preset: str) -> dict:
    """Roughly the same quality target in each encoder's own terms."""
    if name == SOFTWARE:
        return {"crf": str(crf), "preset": preset}
    if name == "h264_nvenc":
        return {"rc": "vbr", "cq": str(crf)}
    if name == "h264_qsv":
        return {"global_quality": str(crf)}
    if name == "h264_videotoolbox":
        return {"q:v": str(max(1, 100 - 2 * crf))}
    return {}  # v4l2m2m, amf...: their defaults
