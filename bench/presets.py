"""x264 presets at equal quality: time and size for ultrafast...medium at the CRF that
gives each the same SSIM as ``medium`` at CRF 23, on generated footage.

    .venv/bin/python bench/presets.py [--seconds 3] [--runs 3]

Makes a grainy 720p30 clip with PyAV, finds per preset (bisecting CRF) the SSIM that
medium/23 reaches, then times ``media.process`` at that CRF (--runs each, interleaved).
Prints medians and ratios against medium measured in this run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import av  # noqa: E402
from media_factory import make_clip  # noqa: E402

from clipset import media  # noqa: E402

PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium")
SIDE = (256, 144)  # SSIM is measured on the luma scaled to this
SAMPLES = 6  # frames compared per clip


def luma_frames(path) -> list[list[int]]:
    with av.open(str(path)) as c:
        frames = [f.reformat(SIDE[0], SIDE[1], "gray") for f in c.decode(video=0)]
    step = max(1, len(frames) // SAMPLES)
    out = []
    for frame in frames[::step][:SAMPLES]:
        plane = frame.planes[0]
        row = bytes(plane)
        out.append([row[y * plane.line_size + x] for y in range(SIDE[1]) for x in range(SIDE[0])])
    return out


def ssim(a: list[int], b: list[int], block=8) -> float:
    """Mean SSIM over 8x8 blocks (the classic constants for 8-bit)."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    w, h = SIDE
    total, n = 0.0, 0
    for by in range(0, h - block + 1, block):
        for bx in range(0, w - block + 1, block):
            xs = [a[(by + y) * w + bx + x] for y in range(block) for x in range(block)]
            ys = [b[(by + y) * w + bx + x] for y in range(block) for x in range(block)]
            k = len(xs)
            mx, my = sum(xs) / k, sum(ys) / k
            vx = sum((v - mx) ** 2 for v in xs) / k
            vy = sum((v - my) ** 2 for v in ys) / k
            cov = sum((p - mx) * (q - my) for p, q in zip(xs, ys)) / k
            total += ((2 * mx * my + c1) * (2 * cov + c2)) / (
                (mx * mx + my * my + c1) * (vx + vy + c2)
            )
            n += 1
    return total / n


def encode(src, tmp, preset, crf):
    out = tmp / f"{preset}-{crf}.mp4"
    start = time.perf_counter()
    media.process(
        src, out, tmp / "t.jpg", media.Options(preset=preset, crf=crf, force_transcode=True)
    )
    return out, time.perf_counter() - start


def quality(reference, path) -> float:
    return statistics.fmean(ssim(a, b) for a, b in zip(reference, luma_frames(path)))


def crf_for(src, tmp, reference, preset, target) -> tuple[int, float]:
    """The highest CRF whose SSIM is at least ``target`` (SSIM falls as CRF rises)."""
    low, high = 10, 35
    best = (low, 0.0)
    while low <= high:
        mid = (low + high) // 2
        out, _ = encode(src, tmp, preset, mid)
        q = quality(reference, out)
        if q >= target:
            best, low = (mid, q), mid + 1
        else:
            high = mid - 1
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        tmp = Path(tmp)
        src = make_clip(
            tmp / "grain-720p30.mkv",
            width=1280,
            height=720,
            fps=30,
            duration=args.seconds,
            noise=True,
            acodec=None,
            options={"crf": "8", "preset": "ultrafast"},
        )
        reference = luma_frames(src)
        target = quality(reference, encode(src, tmp, "medium", 23)[0])
        print(f"target SSIM (medium, CRF 23): {target:.4f}")
        chosen = {p: crf_for(src, tmp, reference, p, target) for p in PRESETS}
        times = {p: [] for p in PRESETS}
        sizes = {}
        for _ in range(args.runs):
            for preset in PRESETS:
                out, seconds = encode(src, tmp, preset, chosen[preset][0])
                times[preset].append(seconds)
                sizes[preset] = out.stat().st_size
        base_t = statistics.median(times["medium"])
        base_s = sizes["medium"]
        print(
            "| preset | CRF | SSIM | median time (s) | time vs medium | size (KiB) "
            "| size vs medium |"
        )
        print("|---|---|---|---|---|---|---|")
        for preset in PRESETS:
            t = statistics.median(times[preset])
            crf, q = chosen[preset]
            print(
                f"| {preset} | {crf} | {q:.4f} | {t:.2f} | {t / base_t:.2f} | "
                f"{sizes[preset] / 1024:.0f} | {sizes[preset] / base_s:.2f} |"
            )


if __name__ == "__main__":
    main()
