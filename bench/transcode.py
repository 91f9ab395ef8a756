"""Transcode budget: clipset.media vs the ffmpeg command line, and remux vs re-encode.

    .venv/bin/python bench/transcode.py [--seconds 8] [--runs 3]
    .venv/bin/python bench/transcode.py --hlg [--before DIR] [--seconds 10] [--runs 3]

Makes a 1080p30 H.264 + AAC clip with PyAV, then times (interleaved, --runs each)
the ffmpeg CLI and ``media.process`` with the same settings, and the remux path on the
same compatible input. Prints medians and ratios measured in this run. ffmpeg is only
the baseline here (the app never runs it); it is installed with apt when missing.

``--hlg`` times the phone case instead: a 1080p30 10-bit HEVC clip tagged BT.2020 + HLG
(an iPhone's default), as seconds of processing per second of video. With ``--before``,
a checkout of an older Clipset (a detached worktree) is timed on the same clip,
alternating run by run; each pipeline runs in a fresh interpreter of this venv with its
own tree first on the path, with the job's settings (``x264_preset``, ``x264_crf``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from media_factory import make_clip  # noqa: E402

from clipset import media  # noqa: E402

FFMPEG_ARGS = [
    "-c:v",
    "libx264",
    "-preset",
    "medium",
    "-crf",
    "23",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-b:a",
    "128k",
    "-movflags",
    "+faststart",
]


def ensure_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    print("ffmpeg not found; installing it with apt-get (baseline only)", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(
        sudo + ["apt-get", "install", "-y", "-q", "ffmpeg"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("ffmpeg") or sys.exit("ffmpeg is still missing after apt-get")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# One timed ``media.process`` in a fresh interpreter, from whichever tree is first on the
# path (old trees predate some options, so only what every version takes is passed).
HLG_RUN = """
import json, sys, time
from clipset import media
from clipset.settings import BY_NAME
src, dst, thumb = sys.argv[1:4]
options = media.Options(preset=BY_NAME["x264_preset"].default, crf=BY_NAME["x264_crf"].default)
start, cpu = time.perf_counter(), time.process_time()
result = media.process(src, dst, thumb, options)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "mode": result.mode, "file": media.__file__}))
"""


def make_hlg(path: Path, seconds: float) -> Path:
    """1080p30 10-bit HEVC in MOV, its bitstream tagged BT.2020 + HLG (the probe reads the
    decoded frames' tags) and grainy, so every pipeline has real pictures to work on."""
    tags = "colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:range=limited"
    return make_clip(
        path,
        width=1920,
        height=1080,
        fps=30,
        duration=seconds,
        vcodec="libx265",
        pix_fmt="yuv420p10le",
        noise=True,
        options={"preset": "ultrafast", "crf": "20", "x265-params": f"log-level=none:{tags}"},
    )


def hlg(args) -> None:
    trees = {"this tree": ROOT}
    if args.before:
        trees = {"before": Path(args.before).resolve(), **trees}
    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        tmp = Path(tmp)
        src = make_hlg(tmp / "hlg-1080p30.mov", args.seconds)
        probe = media.probe(src)
        assert probe.colour_transfer == "arib-std-b67", probe
        print(
            f"input: {probe.width}x{probe.height} {probe.fps} fps {probe.duration:.1f} s "
            f"{probe.video_codec} {probe.pix_fmt} {probe.colour_primaries}/"
            f"{probe.colour_transfer} {probe.size_bytes / 1e6:.1f} MB"
        )
        # Wall time is what a user waits; CPU time (all threads) is steadier on a busy
        # machine, where the wall clock mostly measures the other work.
        times: dict[str, list[float]] = {name: [] for name in trees}
        cpus: dict[str, list[float]] = {name: [] for name in trees}
        for run in range(args.runs):
            for name, tree in trees.items():
                out = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        HLG_RUN,
                        str(src),
                        str(tmp / "o.mp4"),
                        str(tmp / "t.jpg"),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=dict(os.environ, PYTHONPATH=str(tree)),
                    cwd=tree,
                )
                got = json.loads(out.stdout.strip().splitlines()[-1])
                assert got["file"].startswith(str(tree)), f"{name} imported {got['file']}"
                assert got["mode"] == "transcode", got
                times[name].append(got["seconds"])
                cpus[name].append(got["cpu"])
            print(
                f"run {run + 1}: "
                + ", ".join(f"{k} {times[k][-1]:.2f} s (CPU {cpus[k][-1]:.2f} s)" for k in trees),
                flush=True,
            )
        print()
        per = probe.duration
        for kind, values in (("wall", times), ("CPU", cpus)):
            med = {k: statistics.median(v) for k, v in values.items()}
            for name, value in med.items():
                print(
                    f"median {kind:4s} {name:10s} {value:8.2f} s = {value / per:.2f} s per "
                    f"second of video"
                )
            if "before" in med:
                print(f"{kind} ratio this tree / before: {med['this tree'] / med['before']:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=None, help="8 (10 with --hlg)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hlg", action="store_true", help="time 1080p30 HEVC HLG instead")
    ap.add_argument("--before", help="with --hlg: a checkout of an older Clipset to compare")
    args = ap.parse_args()
    if args.hlg:
        args.seconds = args.seconds or 10.0
        return hlg(args)
    args.seconds = args.seconds or 8.0
    ffmpeg = ensure_ffmpeg()

    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "input-1080p30.mp4"
        t = timed(
            lambda: make_clip(
                src,
                width=1920,
                height=1080,
                fps=30,
                duration=args.seconds,
                noise=True,
                # About 35 Mbit/s: the high end of a phone camera at 1080p30.
                options={"preset": "veryfast", "crf": "21"},
            )
        )
        probe = media.probe(src)
        print(
            f"input: {probe.width}x{probe.height} {probe.fps} fps {probe.duration:.1f} s "
            f"{probe.video_codec}/{probe.audio_codec} {probe.size_bytes / 1e6:.1f} MB "
            f"({probe.size_bytes * 8 / probe.duration / 1e6:.0f} Mbit/s) "
            f"(made in {t:.1f} s)"
        )

        cli_out, lib_out, remux_out = tmp / "cli.mp4", tmp / "lib.mp4", tmp / "remux.mp4"
        thumb = tmp / "thumb.jpg"
        cli = [
            ffmpeg,
            "-nostdin",
            "-y",
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            str(src),
            *FFMPEG_ARGS,
            str(cli_out),
        ]
        forced = media.Options(force_transcode=True)
        times = {"ffmpeg CLI": [], "media.process transcode": [], "media.process remux": []}
        results = {}
        for run in range(args.runs):
            times["ffmpeg CLI"].append(timed(lambda: subprocess.run(cli, check=True)))
            times["media.process transcode"].append(
                timed(lambda: results.__setitem__("t", media.process(src, lib_out, thumb, forced)))
            )
            times["media.process remux"].append(
                timed(lambda: results.__setitem__("r", media.process(src, remux_out, thumb)))
            )
            print(
                f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
                flush=True,
            )

        med = {k: statistics.median(v) for k, v in times.items()}
        cli_size, lib_size = cli_out.stat().st_size, lib_out.stat().st_size
        assert results["t"].mode == "transcode" and results["r"].mode == "remux"
        print()
        for k, v in med.items():
            print(f"median {k:26s} {v:8.3f} s")
        print(f"output size: ffmpeg CLI {cli_size / 1e6:.2f} MB, media {lib_size / 1e6:.2f} MB")
        wall = med["media.process transcode"] / med["ffmpeg CLI"]
        size = lib_size / cli_size
        speedup = med["media.process transcode"] / med["media.process remux"]
        print(
            f"transcode wall time ratio media/ffmpeg: {wall:.3f}  (budget <= 1.0) "
            f"{'OK' if wall <= 1.0 else 'OVER'}"
        )
        print(
            f"output size ratio media/ffmpeg:         {size:.3f}  (budget 0.90-1.10) "
            f"{'OK' if 0.9 <= size <= 1.1 else 'OVER'}"
        )
        print(
            f"remux speed-up over re-encode:          {speedup:.1f}x  (budget >= 20x) "
            f"{'OK' if speedup >= 20 else 'OVER'}"
        )


if __name__ == "__main__":
    main()
