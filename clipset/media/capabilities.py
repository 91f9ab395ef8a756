"""What this build of PyAV (and the FFmpeg inside it) offers, for `clipset doctor`."""

from __future__ import annotations

import av

HARDWARE_H264_ENCODERS = (
    "h264_nvenc",
    "h264_qsv",
    "h264_vaapi",
    "h264_videotoolbox",
    "h264_amf",
    "h264_v4l2m2m",
    "h264_mf",
    "h264_omx",
)


def capabilities() -> dict:
    available = av.codecs_available
    return {
        "pyav_version": av.__version__,
        "libraries": {
            name: ".".join(map(str, version))
            for name, version in sorted(av.library_versions.items())
        },
        "libx264": "libx264" in available,
        "aac": "aac" in available,
        # Listed by the build; whether the hardware is present is not tested.
        "hardware_h264": [name for name in HARDWARE_H264_ENCODERS if name in available],
    }
