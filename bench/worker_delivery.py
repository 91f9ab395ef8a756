"""A remote worker's delivery of a processed video with ``media_store`` set: through the
server (which then puts it in the bucket) against straight to the bucket in presigned
parts (which the server completes, checks and probes by byte ranges).

    .venv/bin/python bench/worker_delivery.py [--size-mib 64] [--runs 3]

moto's standalone server (a child process) is the bucket, and the Clipset server (a
child process, its pool at 0) runs on a temporary data dir. Each run queues a small
upload, claims it with a worker token and delivers the same output, a real H.264 MP4
padded to --size-mib with a trailing ``free`` box, with the worker's own client code:
once each way, alternated. Times from the first byte sent to the finish call's answer
(the server has put or checked the bucket's copy by then), and the server process's CPU
seconds and file I/O meanwhile (``rchar + wchar`` of ``/proc/<pid>/io``: what it read and
wrote through files; a socket's send and recv are not counted there). Prints medians
and the direct/through-the-server ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from served import served_process
from workers import PASSWORD, Api, upload

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

WAYS = ("through the server", "straight to the bucket")


def moto(port: int) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return child
        except OSError:
            time.sleep(0.1)
    child.terminate()
    raise RuntimeError("moto did not start")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def usage(pid: int) -> tuple[float, int]:
    """CPU seconds and bytes read + written through files so far by process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks
    io_counts = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return cpu, int(io_counts["rchar"]) + int(io_counts["wchar"])


def deliver(client, job: dict, way: str, video: Path, thumb: Path) -> None:
    base = f"/api/workers/jobs/{job['lease']}"
    files = {}
    for kind, path in (("video", video), ("thumbnail", thumb)):
        data = path.read_bytes()
        files[kind] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if kind in job["direct"] and way == WAYS[1]:
            files[kind]["parts"] = client.upload_parts(f"{base}/outputs/{kind}/parts", path)
        else:
            client.upload(f"{base}/outputs/{kind}", path, job["output_token"])
    client.call("POST", f"{base}/finish", {"result": {"mode": "transcode"}, "files": files})


def main() -> int:
    from media_factory import make_clip
    from PIL import Image

    from clipset.remote.client import Client

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        work = Path(tmp)
        video = make_clip(work / "out.mp4", duration=2.0)
        padding = args.size_mib * 1024**2 - video.stat().st_size
        with open(video, "ab") as f:
            f.write(struct.pack(">I", padding) + b"free" + b"\0" * (padding - 8))
        thumb = work / "out.jpg"
        Image.new("RGB", (320, 180), (200, 80, 40)).save(thumb, format="JPEG")
        small = make_clip(work / "in.mp4", duration=1.0).read_bytes()
        s3_port = free_port()
        store = moto(s3_port)
        try:
            endpoint = f"http://127.0.0.1:{s3_port}"
            request = urllib.request.Request(f"{endpoint}/bench", method="PUT")
            urllib.request.urlopen(request).close()  # the bucket
            settings = {
                "worker_count": 0,
                "media_store": "s3://bench/media",
                "s3_endpoint_url": endpoint,
                "s3_access_key_id": "bench",
                "s3_secret_access_key": "bench",
            }
            with served_process(work / "data", **settings) as (port, pid):
                api = Api(port)
                api.token = api.call(
                    "POST", "/api/setup", {"username": "admin", "password": PASSWORD}
                )["access_token"]
                token = api.call("POST", "/api/admin/workers", {"name": "bench"})["token"]
                client = Client(f"http://127.0.0.1:{port}", token)
                print(f"a {args.size_mib} MiB MP4 and its thumbnail, {args.runs} runs each way")
                seen: dict[str, list[tuple[float, float, int]]] = {w: [] for w in WAYS}
                for run in range(args.runs):
                    for way in WAYS:
                        upload(api, small, f"bench {run}")
                        job = client.call("POST", "/api/workers/jobs/claim", {"wait_seconds": 5})
                        cpu, moved = usage(pid)
                        start = time.perf_counter()
                        deliver(client, job, way, video, thumb)
                        elapsed = time.perf_counter() - start
                        cpu_after, moved_after = usage(pid)
                        seen[way].append((elapsed, cpu_after - cpu, moved_after - moved))
                        print(
                            f"run {run + 1}: {way}: {elapsed:.2f} s, server CPU "
                            f"{cpu_after - cpu:.2f} s, server file I/O "
                            f"{(moved_after - moved) / 1024**2:.1f} MiB",
                            flush=True,
                        )
                medians = {
                    way: [statistics.median(m[i] for m in seen[way]) for i in range(3)]
                    for way in WAYS
                }
                for way in WAYS:
                    wall, cpu, moved = medians[way]
                    print(
                        f"{way}: median {wall:.2f} s, server CPU {cpu:.2f} s, "
                        f"server file I/O {moved / 1024**2:.1f} MiB"
                    )
                through, direct = medians[WAYS[0]], medians[WAYS[1]]
                print(
                    f"direct / through the server: wall x{direct[0] / through[0]:.2f}, "
                    f"server CPU x{direct[1] / max(through[1], 0.01):.2f}, "
                    f"server file I/O x{direct[2] / through[2]:.3f}"
                )
        finally:
            store.terminate()
            store.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
