"""Serving bytes: random 1 MiB ranges through Clipset's signed ``/media`` URL against nginx.

    .venv/bin/python bench/byte_ranges.py [--size-mib 100] [--seconds 5] [--runs 3]

Seeds a temporary data dir with 500 listed videos, one of them backed by a --size-mib file
of random bytes, runs the real server (waitress) in a subprocess, and starts Debian's nginx
(installed with apt-get when missing: it is the baseline only) on a free port serving the
same file. Then, for 8 and 32 concurrent clients, each pulling random 1 MiB ranges back to
back over keep-alive connections for --seconds, alternately against nginx and Clipset,
--runs times: throughput (MiB/s) and p95 latency per range, medians over the runs, and
Clipset's throughput as a ratio of nginx's, and the CPU time each server spent per range
(steadier than throughput on a busy machine). Last, the feed's p50/p95 idle and while 32
readers pull from Clipset flat out.

The clients run in their own process (threads on plain sockets, reading into one reused
buffer), so that what they cost is the same for both servers and stays out of the process
timing the API. Budgets: throughput ratio >= 0.5 at 8 and 32 clients; feed p95 < 100 ms
under the 32 readers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_latency import Client, pct, seed
from served import served_process

RANGE = 1024 * 1024
FEED = "/api/videos/feed?limit=10"
NGINX_CONF = """
{user}
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = /video.mp4 {{ alias {file}; types {{ }} default_type video/mp4; }}
    }}
}}
"""


def ensure_nginx() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )
    if found:
        return found
    print("nginx not found; installing it with apt-get (baseline only)", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "nginx"]):
        subprocess.run(sudo + command, check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def start_nginx(binary: str, work: Path, file: Path) -> tuple[subprocess.Popen, int]:
    root = work / "nginx"
    root.mkdir()
    port = free_port()
    # As root, nginx's workers would drop to "nobody", who cannot read the temporary dir.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, root=root, port=port, file=file))
    proc = subprocess.Popen(
        [binary, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return proc, port


class RangeClient:
    """One keep-alive connection asking for byte ranges; the body is read into a reused
    buffer and only counted."""

    def __init__(self, port: int, path: str):
        self.port, self.path = port, path
        self.buf = memoryview(bytearray(RANGE))
        self.sock: socket.socket | None = None

    def get(self, start: int) -> None:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Range: bytes={start}-{start + RANGE - 1}\r\n\r\n"
        ).encode()
        self.sock.sendall(request)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the response head")
            head += chunk
        header, _, rest = head.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        pairs = (line.partition(":") for line in lines[1:])
        fields = {k.strip().lower(): v.strip() for k, _, v in pairs}
        length = int(fields.get("content-length", 0))
        if status != 206 or length != RANGE:
            raise RuntimeError(f"{self.path}: {status}, {length} bytes")
        got = len(rest)
        while got < length:
            n = self.sock.recv_into(self.buf[: min(RANGE, length - got)])
            if not n:
                raise ConnectionError("closed mid-body")
            got += n
        if fields.get("connection", "").lower() == "close":
            self.sock.close()
            self.sock = None


def _clients_process(port, path, size, clients, seconds, results, ready, go, halt):
    """``clients`` threads pulling ranges for ``seconds``; latencies go to ``results``."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()

    def pull(index: int):
        client = RangeClient(port, path)
        rng = random.Random(index)
        client.get(0)  # connected before the clock starts
        ready.release()
        go.wait()
        mine = []
        while not stop.is_set():
            t0 = time.perf_counter()
            client.get(rng.randrange(0, size - RANGE))
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=pull, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    go.wait()
    halt.wait(seconds if seconds > 0 else None)  # a fixed run, or until told (the API phase)
    stop.set()
    for t in threads:
        t.join(60)
    results.put(latencies)


def start_clients(port, path, size, clients, seconds):
    """The clients' process, started once every client has connected."""
    results = multiprocessing.Queue()
    ready, go = multiprocessing.Semaphore(0), multiprocessing.Event()
    halt = multiprocessing.Event()
    proc = multiprocessing.Process(
        target=_clients_process,
        args=(port, path, size, clients, seconds, results, ready, go, halt),
        daemon=True,
    )
    proc.start()
    for _ in range(clients):
        ready.acquire()
    go.set()
    return proc, results, halt


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children's threads so far (Linux)."""
    total = 0.0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def pull_ranges(port, path, size, clients, seconds, server_pid):
    """(ranges of 1 MiB per second, p95 ms, server CPU ms per range) of ``clients``
    clients pulling for ``seconds``."""
    proc, results, _ = start_clients(port, path, size, clients, seconds)
    started, cpu = time.perf_counter(), cpu_seconds(server_pid)
    latencies = results.get()
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(server_pid) - cpu
    proc.join(30)
    return len(latencies) / elapsed, pct(latencies, 95), cpu * 1000 / max(1, len(latencies))


def feed_under_readers(port, path, size, token, requests):
    """Feed latencies while 32 clients pull from ``path`` flat out."""
    proc, results, halt = start_clients(port, path, size, 32, 0)
    time.sleep(1.0)  # let the readers reach their pace
    client = Client(port, token)
    samples = [client.timed(FEED) for _ in range(requests)]
    halt.set()
    results.get()
    proc.join(60)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="feed requests timed")
    args = parser.parse_args()
    size = args.size_mib * 1024 * 1024
    nginx_binary = ensure_nginx()

    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        token, playable = seed(data_dir, 500, size)
        with sqlite3.connect(data_dir / "clipset.db") as db:
            (key,) = db.execute(
                "SELECT storage_key FROM video WHERE public_id = ?", (playable,)
            ).fetchone()
        from clipset.store.dirs import DataDir

        video_file = DataDir(data_dir).video_file(key)
        nginx, nginx_port = start_nginx(nginx_binary, work, video_file)
        try:
            with served_process(data_dir) as (port, pid):
                measure(args, size, token, playable, port, pid, nginx, nginx_port)
        finally:
            nginx.terminate()
            nginx.wait(30)
    return 0


def measure(args, size, token, playable, port, pid, nginx, nginx_port) -> None:
    api = Client(port, token)
    _, body = api.get(f"/api/videos/stream/{playable}")
    signed = json.loads(body)["url"]
    print(
        f"{os.cpu_count()} CPUs, a {args.size_mib} MiB file, 1 MiB ranges, "
        f"{args.seconds:g} s per run, medians of {args.runs} runs"
    )
    targets = {
        "nginx": (nginx_port, "/video.mp4", nginx.pid),
        "clipset": (port, signed, pid),
    }
    for clients in (8, 32):
        runs = {name: [] for name in targets}
        for _ in range(args.runs):
            for name, (p, path, server_pid) in targets.items():
                runs[name].append(pull_ranges(p, path, size, clients, args.seconds, server_pid))
        med = {
            name: [statistics.median(r[i] for r in values) for i in range(3)]
            for name, values in runs.items()
        }
        for name, (rate, p95, cpu) in med.items():
            print(
                f"{clients:>2} clients  {name:<8} {rate:7.0f} MiB/s  p95 {p95:6.1f} ms"
                f"  server CPU {cpu:5.2f} ms per range",
                flush=True,
            )
        ratio = med["clipset"][0] / med["nginx"][0]
        verdict = "ok" if ratio >= 0.5 else "UNDER"
        print(f"{clients:>2} clients  clipset/nginx throughput x{ratio:.2f} ({verdict})")

    api = Client(port, token)  # the first one idled past the head deadline
    [api.timed(FEED) for _ in range(20)]  # warm-up
    idle = [api.timed(FEED) for _ in range(args.requests)]
    busy = feed_under_readers(port, signed, size, token, args.requests)
    for name, values in (("idle", idle), ("32 readers flat out", busy)):
        p95 = pct(values, 95)
        print(
            f"feed {name:<20} p50 {pct(values, 50):6.1f} ms  p95 {p95:6.1f} ms"
            + ("  (budget p95 < 100 ms: " + ("ok" if p95 < 100 else "OVER") + ")")
        )


if __name__ == "__main__":
    sys.exit(main())
