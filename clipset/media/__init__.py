"""Probe, transcode and remux video with PyAV. The only module that imports ``av``.

Outputs are H.264 yuv420p + AAC in MP4 with the moov atom first, fitted inside
1920x1080 (orientation-aware), never upscaled. Input that is already H.264 yuv420p +
AAC/no audio within the box is stream-copied instead (``Result.mode == "remux"``),
keeping its rotation tag, which browsers apply; a transcode applies the rotation to the
pixels. Either way the stored width, height and thumbnail are what is shown.
A transcode comes out SDR BT.709, limited range and tagged so (colour.py): HDR is
tone-mapped, full range and BT.601 HD are converted, so those are never remuxed.

The public interface: ``probe``/``verify``/``check_head`` (probing.py), ``process``
(processing.py), ``make_thumbnail`` (a new cover for a processed video),
``make_stand_in`` (standin.py: the original copied into an MP4 that plays while
processing runs) and ``make_filmstrip`` (filmstrip.py).
This package is the only code that imports ``av``.
"""

from . import encoders
from .capabilities import capabilities
from .filmstrip import Filmstrip, filmstrip_times, make_filmstrip
from .probing import HEAD_BYTES, KNOWN_FORMATS, Probe, check_head, probe, verify
from .processing import (
    Cancelled,
    Options,
    Result,
    fit_size,
    make_thumbnail,
    needs_transcode,
    process,
)
from .standin import make_stand_in
from .variants import make_variants

__all__ = [
    "HEAD_BYTES",
    "KNOWN_FORMATS",
    "Cancelled",
    "capabilities",
    "check_head",
    "encoders",
    "Filmstrip",
    "filmstrip_times",
    "make_filmstrip",
    "make_stand_in",
    "make_thumbnail",
    "make_variants",
    "Options",
    "Probe",
    "Result",
    "fit_size",
    "needs_transcode",
    "probe",
    "process",
    "verify",
]
