"""Cold start to serving, and idle memory, against a bare Flask route on waitress.

    .venv/bin/python bench/startup.py [--runs 5] [--binary dist/clipset]

Each run starts a fresh process with a fresh data dir and times it until its first HTTP
answer (``/api/health`` for Clipset, ``/`` for the baseline), then reads the resident
memory of the process tree after it has been idle for a moment. Runs are interleaved so
machine noise hits all contenders alike. Budgets: under 2 s from source, under
5 s for the executable, idle RSS under 150 MiB.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
IDLE_SECONDS = 2.0

BARE_FLASK = """
import sys
from flask import Flask
from waitress import serve
app = Flask(__name__)
@app.get("/")
def index():
    return {"status": "ok"}
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=16)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(proc: psutil.Process) -> float:
    procs = [proc, *proc.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20


def measure(command: list[str], path: str, port: int) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = start + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError(f"{command[0]} did not start") from None
                time.sleep(0.01)
        elapsed = time.perf_counter() - start
        time.sleep(IDLE_SECONDS)
        return elapsed, tree_rss(psutil.Process(proc.pid))
    finally:
        proc.terminate()
        proc.wait(15)


def contenders(binary: Path | None):
    def bare(port, _data):
        return [sys.executable, "-c", BARE_FLASK, str(port)], "/"

    def source(port, data):
        return [
            sys.executable,
            "-m",
            "clipset",
            "serve",
            "--no-browser",
            "--port",
            str(port),
            "--data-dir",
            data,
        ], "/api/health"

    def executable(port, data):
        return [
            str(binary),
            "serve",
            "--no-browser",
            "--port",
            str(port),
            "--data-dir",
            data,
        ], "/api/health"

    out = {"bare Flask route": bare, "clipset serve (source)": source}
    if binary is not None:
        out["clipset executable"] = executable
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--binary",
        type=Path,
        default=ROOT / "dist" / "clipset",
        help="the built executable (measured when it exists)",
    )
    args = parser.parse_args()
    binary = args.binary if args.binary.is_file() and os.access(args.binary, os.X_OK) else None
    kinds = contenders(binary)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in kinds}
    for _ in range(args.runs):
        for name, make in kinds.items():
            with tempfile.TemporaryDirectory() as data:
                port = free_port()
                command, path = make(port, data)
                results[name].append(measure(command, path, port))

    base_start = statistics.median(t for t, _ in results["bare Flask route"])
    base_rss = statistics.median(r for _, r in results["bare Flask route"])
    print(f"{args.runs} interleaved runs; medians")
    print(f"{'':26} {'start':>8} {'ratio':>7} {'idle RSS':>10} {'ratio':>7}")
    for name, runs in results.items():
        start = statistics.median(t for t, _ in runs)
        rss = statistics.median(r for _, r in runs)
        print(
            f"{name:26} {start:7.2f}s {start / base_start:6.1f}x {rss:8.1f}MiB "
            f"{rss / base_rss:6.1f}x"
        )
    source_start = statistics.median(t for t, _ in results["clipset serve (source)"])
    source_rss = statistics.median(r for _, r in results["clipset serve (source)"])
    ok = source_start < 2 and source_rss < 150
    if binary is not None:
        ok = ok and statistics.median(t for t, _ in results["clipset executable"]) < 5
    print(
        "budget (source < 2 s, executable < 5 s, idle RSS < 150 MiB):", "met" if ok else "MISSED"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
