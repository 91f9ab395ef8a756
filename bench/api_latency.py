"""API latency budget: feed and list p95 idle, during a transcode, and beside 32 viewers.

    .venv/bin/python bench/api_latency.py [--videos 500] [--requests 200] [--seconds 6]

Runs the real server (waitress + job workers) in a subprocess on a temporary data dir
seeded with --videos finished videos, then times ``GET /api/videos/feed`` and
``GET /api/videos`` over a keep-alive connection in three phases:

1. idle;
2. while the server transcodes a 1080p30 MPEG-4 clip (made with PyAV, uploaded through the
   resumable upload, draft and finalize; MPEG-4 forces a real transcode, not a remux);
3. while 32 viewers read random 1 MiB byte ranges of a video through ``/media/...``,
   each paced at 1 MiB/s (8 Mbit/s, more than a 1080p CRF 23 stream needs), as players do;
4. the same 32 readers flat out, back to back (a saturation figure, not the budget: on a
   small machine they take every CPU cycle the server has).

Prints p50/p95 per phase and the ratios to the idle phase measured in the same run.
Budget: p95 under 100 ms while a transcode runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from served import served

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

PASSWORD = "benchmark password"
ENDPOINTS = ("/api/videos/feed?limit=10", "/api/videos?page_size=20")
READERS = 32
RANGE = 1024 * 1024


def seed(data_dir: Path, count: int, stream_bytes: int) -> tuple[str, int]:
    """Admin token and the id of a playable video, with ``count`` listed videos."""
    import datetime as dt

    from clipset.app import create_app
    from clipset.store.db import database
    from clipset.store.models import Video, now

    app = create_app({"data_dir": str(data_dir)})
    client = app.test_client()
    r = client.post("/api/setup", json={"username": "bench", "password": PASSWORD})
    token, user_id = r.json["access_token"], r.json["user"]["id"]
    data = app.extensions["clipset"].data
    database.connect(reuse_if_open=True)
    start = now() - dt.timedelta(days=30)
    rows = [
        {
            "uploader": user_id,
            "title": f"Clip {i} of the seeded library",
            "description": "seeded for the latency benchmark",
            "tags": ["bench", f"t{i % 7}"],
            "storage_key": uuid.uuid4().hex,
            "processing_status": "completed",
            "privacy": "public" if i % 10 else "unlisted",
            "duration_seconds": 30.0,
            "width": 1280,
            "height": 720,
            "file_size_bytes": stream_bytes,
            "view_count": random.randrange(1000),
            "like_count": random.randrange(100),
            "created_at": start + dt.timedelta(minutes=i),
        }
        for i in range(count)
    ]
    with database.atomic():
        for batch in range(0, len(rows), 100):
            Video.insert_many(rows[batch : batch + 100]).execute()
    playable = Video.select().where(Video.privacy == "public").order_by(Video.id).first()
    data.video_file(playable.storage_key).write_bytes(os.urandom(stream_bytes))
    database.close()
    return token, playable.public_id


class Client:
    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        self.conn.request("GET", path, headers={**self.headers, **(headers or {})})
        r = self.conn.getresponse()
        return r.status, r.read()

    def timed(self, path: str) -> float:
        t0 = time.perf_counter()
        status, _ = self.get(path)
        elapsed = time.perf_counter() - t0
        assert status == 200, (path, status)
        return elapsed


def measure(client: Client, requests: int, until=None) -> dict[str, list[float]]:
    """Alternate the endpoints ``requests`` times each (or until ``until()`` is true)."""
    samples: dict[str, list[float]] = {e: [] for e in ENDPOINTS}
    for _ in range(requests):
        if until is not None and until():
            break
        for endpoint in ENDPOINTS:
            samples[endpoint].append(client.timed(endpoint))
    return samples


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def upload_clip(port: int, token: str, seconds: float, work: Path) -> int:
    from media_factory import make_clip

    clip = make_clip(
        work / "bench1080.mp4",
        width=1920,
        height=1080,
        duration=seconds,
        fps=30,
        vcodec="mpeg4",
        options={"qscale": "3"},
    )
    data = clip.read_bytes()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method, path, body=None, headers=auth, expect=(200, 201, 204)):
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        if r.status not in expect:
            raise RuntimeError(f"{method} {path}: {r.status} {raw[:300]!r}")
        return json.loads(raw) if raw else {}

    # The resumable path the web app uses: upload URL, one PATCH, draft, finalize.
    upload = call(
        "POST",
        "/api/videos/upload-url",
        json.dumps({"filename": clip.name, "size": len(data), "content_type": "video/mp4"}),
    )
    call(
        "PATCH",
        upload["upload_url"],
        data,
        {
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    draft = call(
        "POST",
        "/api/videos/drafts",
        json.dumps({"upload_id": upload["upload_id"], "title": "bench transcode"}),
    )
    return call("POST", "/api/videos/finalize", json.dumps({"draft_id": draft["id"]}))["id"]


def status_of(client: Client, video_id: str) -> str:
    _, body = client.get(f"/api/videos/{video_id}")
    return json.loads(body)["processing_status"]


def _readers_process(port, token, video_id, size, paced, stop, count):
    """32 reader threads in their own process, so they don't share the GIL of the
    process that times the API."""

    def read(index: int):
        client = Client(port, token)
        _, body = client.get(f"/api/videos/stream/{video_id}")
        url = json.loads(body)["url"]
        rng = random.Random(index)
        due = time.perf_counter() + rng.random()  # viewers don't start in lock-step
        while not stop.is_set():
            if paced:
                stop.wait(max(0.0, due - time.perf_counter()))
                due += 1.0
            start = rng.randrange(0, size - RANGE)
            status, data = client.get(url, {"Range": f"bytes={start}-{start + RANGE - 1}"})
            assert status == 206 and len(data) == RANGE
            with count.get_lock():
                count.value += 1

    threads = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def range_readers(port: int, token: str, video_id: str, size: int, paced: bool):
    stop, count = multiprocessing.Event(), multiprocessing.Value("l", 0)
    proc = multiprocessing.Process(
        target=_readers_process,
        daemon=True,
        args=(port, token, video_id, size, paced, stop, count),
    )
    proc.start()
    return proc, stop, count


def report(name: str, samples: dict[str, list[float]], idle: dict[str, list[float]] | None):
    for endpoint, values in samples.items():
        if not values:
            print(f"{name:<22} {endpoint:<28} no samples")
            continue
        p50, p95 = pct(values, 50), pct(values, 95)
        line = f"{name:<22} {endpoint:<28} n={len(values):<4} p50={p50:6.1f} ms  p95={p95:6.1f} ms"
        if idle:
            line += (
                f"  x{p50 / pct(idle[endpoint], 50):4.1f} p50"
                f"  x{p95 / pct(idle[endpoint], 95):4.1f} p95 vs idle"
            )
        line += "  (budget p95 < 100 ms: " + ("ok" if p95 < 100 else "OVER") + ")"
        print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="length of the 1080p clip transcoded in phase 2"
    )
    args = parser.parse_args()
    stream_bytes = 16 * 1024 * 1024

    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        token, playable = seed(data_dir, args.videos, stream_bytes)
        with served(data_dir) as port:
            client = Client(port, token)
            measure(client, 20)  # warm-up
            print(f"{args.videos} seeded videos, {os.cpu_count()} CPUs")

            idle = measure(client, args.requests)
            report("idle", idle, None)

            video_id = upload_clip(port, token, args.seconds, work)
            t0 = time.perf_counter()
            while status_of(client, video_id) == "pending" and time.perf_counter() - t0 < 60:
                time.sleep(0.05)
            busy = measure(
                client,
                args.requests * 10,
                until=lambda: status_of(client, video_id) != "processing",
            )
            final = status_of(client, video_id)
            print(
                f"transcode of {args.seconds:g} s 1080p30 MPEG-4 -> {final} "
                f"in {time.perf_counter() - t0:.1f} s"
            )
            report("during transcode", busy, idle)

            for name, paced in (("32 viewers @ 1 MiB/s", True), ("32 readers flat out", False)):
                proc, stop, count = range_readers(port, token, playable, stream_bytes, paced)
                time.sleep(1.5)
                started, before = time.perf_counter(), count.value
                samples = measure(client, args.requests)
                rate = (count.value - before) / (time.perf_counter() - started)
                stop.set()
                proc.join(30)
                print(f"{name}: {rate:.0f} ranges of 1 MiB served per second")
                report(name, samples, idle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
