"""Damaged input must end in success or one of our errors: never another exception, never a crash.

Truncated and bit-flipped variants of real clips go through ``probe`` and ``process`` in
a spawned child process, so a segfault fails this test instead of killing pytest.
``CLIPSET_FUZZ_N`` (default 200) sets the number of variants, ``CLIPSET_FUZZ_SEED`` the seed.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import os
import random
import tempfile
import traceback
from pathlib import Path

import media_factory as mf

N = int(os.environ.get("CLIPSET_FUZZ_N", "200"))
SEED = int(os.environ.get("CLIPSET_FUZZ_SEED", "1"))

SOURCES = {  # small clips keep each variant quick
    "mp4": dict(name="a.mp4", width=160, height=120, duration=0.6),
    "mov-rotated": dict(name="b.mov", width=160, height=96, duration=0.6, rotation=90),
    "mkv-vfr": dict(name="c.mkv", width=160, height=120, duration=0.6, vfr=True),
    "webm": dict(
        name="d.webm",
        width=160,
        height=120,
        duration=0.6,
        vcodec="libvpx-vp9",
        acodec="libopus",
        options={"deadline": "realtime", "cpu-used": "8"},
    ),
    "avi": dict(name="e.avi", width=160, height=120, duration=0.6, vcodec="mpeg4", acodec="mp3"),
}


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(("truncate", "flip", "flip", "zero-run", "splice"))
    b = bytearray(data)
    if kind == "truncate":
        return kind, bytes(b[: rng.randrange(1, len(b))])
    if kind == "flip":
        # Mostly near the start, where the headers that steer the demuxer live.
        for _ in range(rng.randint(1, 24)):
            limit = len(b) if rng.random() < 0.5 else min(len(b), 4096)
            b[rng.randrange(limit)] ^= 1 << rng.randrange(8)
        return kind, bytes(b)
    if kind == "zero-run":
        start = rng.randrange(len(b))
        end = min(len(b), start + rng.randint(1, 512))
        b[start:end] = bytes(end - start)
        return kind, bytes(b)
    start, length = rng.randrange(len(b)), rng.randint(16, 2048)
    chunk = b[start : start + length]
    at = rng.randrange(len(b))
    return kind, bytes(b[:at] + chunk + b[at:])


def fuzz(workdir: str, n: int, seed: int, report: str) -> None:
    """Child process body: writes outcome counts to ``report`` as JSON."""
    from clipset import media
    from clipset.errors import ClipsetError

    work = Path(workdir)
    originals = {}
    for key, spec in SOURCES.items():
        spec = dict(spec)
        originals[key] = mf.make_clip(work / spec.pop("name"), **spec).read_bytes()
    rng = random.Random(seed)
    counts = collections.Counter()
    unexpected = []
    current = work / "current.json"
    for i in range(n):
        key = rng.choice(sorted(originals))
        kind, data = mutate(originals[key], rng)
        path = work / f"variant{os.path.splitext(SOURCES[key]['name'])[1]}"
        path.write_bytes(data)
        # Written first, so the parent can name the input if this one kills the process.
        current.write_text(json.dumps({"index": i, "source": key, "kind": kind}))
        stage = "probe"
        try:
            media.probe(path)
            stage = "process"
            media.process(
                path, work / "out.mp4", work / "out.jpg", media.Options(preset="ultrafast")
            )
            counts["ok"] += 1
        except ClipsetError as e:
            counts[f"{stage}:{type(e).__name__}"] += 1
        except Exception as e:
            counts[f"{stage}:UNEXPECTED {type(e).__name__}"] += 1
            unexpected.append(
                {
                    "index": i,
                    "source": key,
                    "kind": kind,
                    "stage": stage,
                    "error": traceback.format_exc(limit=4),
                }
            )
    Path(report).write_text(json.dumps({"counts": counts, "unexpected": unexpected[:10]}))


def test_damaged_inputs_never_crash_or_raise_foreign_errors():
    with tempfile.TemporaryDirectory(prefix="clipset-fuzz-") as workdir:
        report = os.path.join(workdir, "report.json")
        child = multiprocessing.get_context("spawn").Process(
            target=fuzz, args=(workdir, N, SEED, report)
        )
        child.start()
        child.join(timeout=120 + N)  # a hang is a finding too
        if child.is_alive():
            child.kill()
            child.join()
        current = os.path.join(workdir, "current.json")
        last = open(current).read() if os.path.exists(current) else "before the first variant"
        assert child.exitcode == 0, f"fuzz child died (exit {child.exitcode}) on {last}"
        result = json.load(open(report))
    counts = result["counts"]
    print(f"\nfuzz: {N} variants, seed {SEED}: {dict(sorted(counts.items()))}")
    assert sum(counts.values()) == N
    assert not result["unexpected"], json.dumps(result["unexpected"], indent=1)
