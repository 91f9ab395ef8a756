"""What seek previews (the sprite sheet and its index) add to processing.

A generated 1080p30 H.264+AAC clip through ``media.process``: transcoded and remuxed,
each with and without ``dst_previews``, medians of ``--runs``. The transcode takes its
tiles from the frames it encodes; the remux decodes key frames (``--keyint`` frames
apart, as phones write them), or every frame when they are too sparse.

    .venv/bin/python bench/previews.py --seconds 8 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import av  # noqa: E402
from media_factory import make_clip  # noqa: E402

from clipset import media  # noqa: E402
from clipset.media import previews  # noqa: E402


def timed(src: Path, out: Path, options, previews: bool) -> float:
    extra = {"dst_previews": (out / "s.jpg", out / "s.vtt")} if previews else {}
    started = time.perf_counter()
    media.process(src, out / "o.mp4", out / "t.jpg", options, **extra)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keyint", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        src = make_clip(
            d / "clip.mp4",
            width=1920,
            height=1080,
            fps=30,
            duration=args.seconds,
            options={"g": str(args.keyint), "preset": "ultrafast"},
        )
        print(f"1080p30 H.264, {args.seconds:g} s, a key frame every {args.keyint} frames")
        print("| path | without previews (s) | with previews (s) | added (s) | ratio |")
        print("|---|---|---|---|---|")
        for name, options in (
            ("transcode", media.Options(force_transcode=True, preset="veryfast")),
            ("remux", media.Options()),
        ):
            plain, withp = [], []
            for _ in range(args.runs):
                plain.append(timed(src, d, options, False))
                withp.append(timed(src, d, options, True))
            a, b = statistics.median(plain), statistics.median(withp)
            print(f"| {name} | {a:.2f} | {b:.2f} | {b - a:+.2f} | {b / a:.3f} |")
        # The transcode's share alone: one 1080p frame scaled to a tile per interval,
        # then the sheet and index written.
        frame = av.VideoFrame(1920, 1080, "yuv420p")
        runs = []
        for _ in range(args.runs):
            sprites = previews.Sprites(args.seconds, (1920, 1080))
            started = time.perf_counter()
            for i in range(int(args.seconds * 30)):
                sprites.offer(frame, i / 30)
            sprites.save(str(d / "s.jpg"), str(d / "s.vtt"))
            runs.append(time.perf_counter() - started)
        print(f"transcode previews (offers and the sheet): {statistics.median(runs):.3f} s")
        # The remux's own decode for previews, alone: key frames, and every frame when
        # a clip has a single key frame (the fallback).
        sparse = make_clip(
            d / "sparse.mp4", width=1920, height=1080, fps=30, duration=args.seconds,
            options={"g": "100000", "preset": "ultrafast"},
        )  # fmt: skip
        for label, clip in (("key frames", src), ("every frame (one key frame)", sparse)):
            p = media.probe(clip)
            runs = []
            for _ in range(args.runs):
                started = time.perf_counter()
                tiles = len(previews.for_remux(str(clip), p, p.duration).tiles)
                runs.append(time.perf_counter() - started)
            print(f"remux previews from {label}: {statistics.median(runs):.2f} s, {tiles} tiles")


if __name__ == "__main__":
    main()
