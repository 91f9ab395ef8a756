"""Transcode throughput with remote workers: the server alone, then with one and two
`clipset worker` processes on this machine (each held to one core).

    .venv/bin/python bench/workers.py [--jobs 6] [--seconds 4] [--runs 3]

One server (`clipset serve` code in a subprocess, its own pool of 1, held to core 0)
on a temporary data dir. Each run pauses processing, uploads --jobs clips that need a
transcode (720p30 MPEG-4 + AAC made with PyAV), starts that run's workers (each process
pinned to one core with os.sched_setaffinity: worker i on core (i + 1) mod CPUs) and waits
until they have called in, then resumes and times until every job is completed. Runs
are interleaved (alone, +1, +2, alone, ...); prints jobs per minute, medians and the
ratios against the server alone, measured in this run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from served import served

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

PASSWORD = "benchmark password"
CONFIGS = (("server alone", 0), ("server + 1 worker", 1), ("server + 2 workers", 2))


class Api:
    def __init__(self, port: int):
        self.port = port
        self.token: str | None = None

    def call(self, method: str, path: str, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        head = {"Content-Type": "application/json"} if isinstance(body, (dict, list)) else {}
        if self.token:
            head["Authorization"] = f"Bearer {self.token}"
        head.update(headers or {})
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        conn.request(method, path, body=data, headers=head)
        r = conn.getresponse()
        raw = r.read()
        conn.close()
        if r.status >= 300:
            raise RuntimeError(f"{method} {path}: {r.status} {raw[:300]!r}")
        return json.loads(raw) if raw else None


def upload(api: Api, clip: bytes, title: str) -> None:
    """The resumable path the web app uses: upload URL, one PATCH, draft, finalize."""
    up = api.call("POST", "/api/videos/upload-url", {"filename": "bench.mp4", "size": len(clip)})
    tus = {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
    }
    api.call("PATCH", up["upload_url"], clip, tus)
    draft = api.call("POST", "/api/videos/drafts", {"upload_id": up["upload_id"], "title": title})
    api.call("POST", "/api/videos/finalize", {"draft_id": draft["id"]})


def completed(api: Api) -> int:
    return api.call("GET", "/api/admin/stats")["videos"]["by_status"]["completed"]


def start_workers(port: int, tokens: list[str], count: int) -> list[subprocess.Popen]:
    cpus = os.cpu_count() or 1
    procs = []
    for i in range(count):
        core = (i + 1) % cpus
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "clipset.cli", "worker", "--server",
                 f"http://127.0.0.1:{port}", "--token", tokens[i], "--encoder", "libx264"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=lambda core=core: os.sched_setaffinity(0, {core}),
            )
        )  # fmt: skip
    return procs


def done_by_workers(api: Api) -> int:
    return sum(w["jobs_done"] for w in api.call("GET", "/api/admin/workers"))


def run_once(api: Api, clip: bytes, jobs: int, tokens: list[str], count: int) -> float:
    api.call("PATCH", "/api/admin/queue/paused", {"paused": True})
    before = completed(api)
    for i in range(jobs):
        upload(api, clip, f"bench {i}")
    seen_before = {w["id"]: w["last_seen_at"] for w in api.call("GET", "/api/admin/workers")}
    procs = start_workers(api.port, tokens, count)
    try:
        # Until each has called in (PyAV loaded, encoder chosen): start-up is not throughput.
        while True:
            listed = api.call("GET", "/api/admin/workers")[:count]
            if all(
                w["last_seen_at"] and w["last_seen_at"] != seen_before[w["id"]] for w in listed
            ):
                break
            time.sleep(0.1)
        start = time.perf_counter()
        api.call("PATCH", "/api/admin/queue/paused", {"paused": False})
        while completed(api) < before + jobs:
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)


def main() -> int:
    from media_factory import make_clip

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each clip")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        work = Path(tmp)
        clip = make_clip(
            work / "bench720.mp4",
            width=1280,
            height=720,
            fps=30,
            duration=args.seconds,
            vcodec="mpeg4",
            options={"qscale": "3"},
        ).read_bytes()
        with served(work / "data", cores={0}, video_encoder="libx264") as port:
            api = Api(port)
            api.token = api.call(
                "POST", "/api/setup", {"username": "admin", "password": PASSWORD}
            )["access_token"]
            tokens = [
                api.call("POST", "/api/admin/workers", {"name": f"w{i}"})["token"] for i in (1, 2)
            ]
            print(
                f"{args.jobs} jobs of a {args.seconds:g} s 720p30 MPEG-4 clip per run, "
                f"{os.cpu_count()} CPUs; the server's pool: 1 worker on core 0"
            )
            rates: dict[str, list[float]] = {name: [] for name, _ in CONFIGS}
            for run in range(args.runs):
                for name, count in CONFIGS:
                    remote = done_by_workers(api)
                    elapsed = run_once(api, clip, args.jobs, tokens, count)
                    rates[name].append(args.jobs / elapsed * 60)
                    remote = done_by_workers(api) - remote
                    print(
                        f"run {run + 1}: {name}: {rates[name][-1]:.1f} jobs/min "
                        f"({remote} of {args.jobs} by workers)",
                        flush=True,
                    )
            alone = statistics.median(rates["server alone"])
            for name, _ in CONFIGS:
                median = statistics.median(rates[name])
                print(
                    f"{name}: median {median:.1f} jobs/min, x{median / alone:.2f} the server alone"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
