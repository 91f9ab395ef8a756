"""Server memory during a large resumable upload.

Starts the real server (``python -m clipset serve``) in a subprocess on a temporary data
dir, uploads ``--size`` bytes (default 2 GiB) through the tus endpoint in PATCHes of
``--patch`` MiB whose bodies are generated while sending (never held whole in memory),
samples the server's RSS with psutil and prints the baseline, the peak growth against
the budget (< 64 MiB) and the throughput.

    python bench/upload_rss.py            # 2 GiB
    python bench/upload_rss.py --size 256M
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psutil

MiB = 1024**2
BUDGET = 64 * MiB
PASSWORD = "benchmark password 1"
TUS = {"Tus-Resumable": "1.0.0"}


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": MiB, "G": 1024**3}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(conn, method, path, body=None, headers=None):
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response, (
        json.loads(data)
        if data and response.getheader("Content-Type", "").startswith("application/json")
        else None
    )


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            response, _ = call(conn, "GET", "/api/health")
            if response.status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


class Sampler(threading.Thread):
    """The server process's RSS every few milliseconds (children included)."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.samples: list[int] = []
        self._done = threading.Event()

    def rss(self) -> int:
        procs = [self.process] + self.process.children(recursive=True)
        return sum(p.memory_info().rss for p in procs)

    def run(self) -> None:
        while not self._done.is_set():
            value = self.rss()
            self.samples.append(value)
            self.peak = max(self.peak, value)
            time.sleep(self.interval)

    def finish(self) -> None:
        self._done.set()
        self.join()


def body(nbytes: int, block: bytes):
    """``nbytes`` generated while sending, one block at a time."""
    left = nbytes
    while left:
        piece = block[: min(left, len(block))]
        left -= len(piece)
        yield piece


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="2G", help="bytes to upload, e.g. 2G, 512M")
    parser.add_argument("--patch", type=int, default=16, help="MiB per PATCH (8-16)")
    args = parser.parse_args()
    size = parse_size(args.size)
    patch = args.patch * MiB

    data_dir = tempfile.mkdtemp(prefix="clipset-bench-")
    port = free_port()
    env = {**os.environ, "CLIPSET_LOG_LEVEL": "WARNING"}
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "clipset",
                "create-admin",
                "bench",
                "--password-stdin",
                "--data-dir",
                data_dir,
            ],
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
            env=env,
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "clipset",
                "serve",
                "--data-dir",
                data_dir,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, server)
            return run(port, server.pid, size, patch)
        finally:
            server.terminate()
            server.wait(30)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(port: int, pid: int, size: int, patch: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    _, session = call(conn, "POST", "/api/auth/login", {"username": "bench", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {session['access_token']}"}
    block = os.urandom(MiB)

    def upload(nbytes: int, times: list[float] | None = None) -> str:
        response, made = call(
            conn, "POST", "/api/videos/upload-url", {"filename": "big.mp4", "size": nbytes}, auth
        )
        assert response.status == 201, made
        url = made["upload_url"]
        offset = 0
        while offset < nbytes:
            n = min(patch, nbytes - offset)
            started = time.perf_counter()
            response, err = call(
                conn,
                "PATCH",
                url,
                body(n, block),
                {
                    **TUS,
                    "Upload-Offset": str(offset),
                    "Content-Length": str(n),
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            assert response.status == 204, (response.status, err)
            if times is not None:
                times.append(time.perf_counter() - started)
            offset = int(response.getheader("Upload-Offset"))
        response, _ = call(conn, "HEAD", url, headers=TUS)
        assert int(response.getheader("Upload-Offset")) == nbytes
        return url

    # Warm up the code paths (imports, first connections) before the baseline.
    call(conn, "DELETE", upload(4 * patch), headers=TUS)
    time.sleep(0.5)
    sampler = Sampler(pid)
    baseline = sampler.rss()
    sampler.start()
    times: list[float] = []
    started = time.perf_counter()
    url = upload(size, times)
    elapsed = time.perf_counter() - started
    sampler.finish()
    call(conn, "DELETE", url, headers=TUS)

    growth = sampler.peak - baseline
    print(
        f"uploaded:          {size / MiB:,.0f} MiB in {len(times)} PATCHes of {patch // MiB} MiB"
    )
    print(f"baseline RSS:      {baseline / MiB:,.1f} MiB")
    print(
        f"peak RSS:          {sampler.peak / MiB:,.1f} MiB "
        f"(median sample {statistics.median(sampler.samples) / MiB:,.1f} MiB)"
    )
    print(
        f"peak RSS growth:   {growth / MiB:,.1f} MiB  (budget < {BUDGET // MiB} MiB: "
        f"{'PASS' if growth < BUDGET else 'FAIL'})"
    )
    print(
        f"throughput:        {size / MiB / elapsed:,.0f} MiB/s "
        f"(median PATCH {statistics.median(times) * 1000:,.0f} ms)"
    )
    return 0 if growth < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
