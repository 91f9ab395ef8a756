"""HDR tone mapping: Clipset's LUT against the ffmpeg command line (zscale + tonemap=hable).

    .venv/bin/python bench/hdr_colour.py

Makes flat HLG and PQ clips of known SDR colours (tests/camera_clips.py), converts each
with ``media.process`` and with the ffmpeg CLI (installed with apt-get when missing: it
is the reference here only, Clipset never runs it), and prints the decoded colours, the
original, and the CIE76 colour difference (dE) of each against the original.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import av  # noqa: E402
import camera_clips  # noqa: E402

from clipset import media  # noqa: E402

PATCHES = [
    (170, 90, 60),
    (60, 120, 200),
    (40, 160, 60),
    (200, 200, 200),
    (235, 60, 60),
    (90, 90, 90),
]
FFMPEG_HABLE = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,"
    "tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
)


def ensure_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(
        sudo + ["apt-get", "install", "-y", "-q", "ffmpeg"],
        check=True,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("ffmpeg") or sys.exit("ffmpeg is still missing after apt-get")


def centre(path):
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
    image = frame.reformat(
        format="rgb24", src_colorspace="itu709", src_color_range="MPEG"
    ).to_image()
    return image.getpixel((image.width // 2, image.height // 2))


def _lab(rgb):
    lin = [
        ((v / 255 + 0.055) / 1.055) ** 2.4 if v / 255 > 0.04045 else v / 255 / 12.92 for v in rgb
    ]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e(a, b) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


def main():
    ffmpeg = ensure_ffmpeg()
    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        tmp = Path(tmp)
        print("| transfer | original | Clipset | dE | ffmpeg hable | dE |")
        print("|---|---|---|---|---|---|")
        ours_all, theirs_all = [], []
        for transfer in ("hlg", "pq"):
            for i, rgb in enumerate(PATCHES):
                src = camera_clips.hdr(tmp, transfer, rgb, name=f"{transfer}{i}.mov")
                ours = tmp / f"ours{i}.mp4"
                media.process(src, ours, tmp / "t.jpg")
                theirs = tmp / f"theirs{i}.mp4"
                subprocess.run(
                    [
                        ffmpeg,
                        "-v",
                        "error",
                        "-y",
                        "-i",
                        str(src),
                        "-vf",
                        FFMPEG_HABLE,
                        "-c:v",
                        "libx264",
                        "-crf",
                        "10",
                        str(theirs),
                    ],
                    check=True,
                )
                a, b = centre(ours), centre(theirs)
                ours_all.append(delta_e(a, rgb))
                theirs_all.append(delta_e(b, rgb))
                print(
                    f"| {transfer} | {rgb} | {a} | {ours_all[-1]:.1f} | {b} | "
                    f"{theirs_all[-1]:.1f} |"
                )
        print(
            f"median dE against the original: Clipset {statistics.median(ours_all):.1f}, "
            f"ffmpeg hable {statistics.median(theirs_all):.1f}"
        )


if __name__ == "__main__":
    main()
