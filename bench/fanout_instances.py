"""Like fan-out across two instances: delivery to 200 sockets split between two app
instances on one PostgreSQL database, against the same 200 sockets on one instance.

Starts a temporary PostgreSQL cluster (Debian's server, as the tests do), prepares a user
and a public video, then runs two real servers (waitress + /api/ws, each in its own
process) on that database and one shared data dir. In one run and with both servers up:

- one: all sockets on instance A, likes through A (local fan-out only);
- split: half the sockets on A, half on B, likes through A (B's half hear them through
  PostgreSQL's NOTIFY and B's listener).

Each round likes or unlikes the video and times its arrival at every socket from the
moment the request was sent. Prints p50/p95 per socket and to the last socket of each
round, per phase, and the split/one ratios; in the split phase also B's half alone.

    .venv/bin/python bench/fanout_instances.py [--sockets 200] [--rounds 40]
"""

from __future__ import annotations

import argparse
import json
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import websocket  # noqa: E402
from postgres_cluster import Cluster  # noqa: E402
from ws_fanout import PASSWORD, Http, pct  # noqa: E402

SERVER = """
import sys
from clipset.app import create_app
from clipset.serve.server import Server
# One watcher holds every socket: lift the per-user cap (20) for the bench.
app = create_app({"data_dir": sys.argv[1], "database_url": sys.argv[2], "testing": True,
                  "log_level": "WARNING", "ws_max_per_user": 10_000})
server = Server(app, host="127.0.0.1", port=0)
print(server.port, flush=True)
server.serve_forever()
"""


def prepare(data_dir: str, url: str) -> tuple[str, str, str]:
    """Users and one public video; returns (video public id, watcher token, liker token)."""
    from clipset.app import create_app
    from clipset.store.db import database
    from clipset.store.models import Video

    app = create_app({"data_dir": data_dir, "database_url": url, "testing": True})
    svc = app.extensions["clipset"]
    with database.connection_context():
        watcher = svc.accounts.create_user("watcher", PASSWORD, role="admin")
        liker = svc.accounts.create_user("liker", PASSWORD)
        video = Video.create(
            uploader=watcher.id, title="popular", privacy="public", processing_status="completed"
        )
        tokens = (
            svc.accounts.session(watcher)["access_token"],
            svc.accounts.session(liker)["access_token"],
        )
    database.close()
    return video.public_id, *tokens


def open_sockets(port: int, count: int, token: str, video_id: str) -> list:
    sockets = []
    for _ in range(count):
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/ws?token={token}", timeout=30)
        hello = json.loads(ws.recv())
        assert hello["type"] == "auth.ok", hello
        ws.send(json.dumps({"type": "subscribe", "video_ids": [video_id]}))
        assert json.loads(ws.recv())["type"] == "subscribed"
        sockets.append(ws)
    return sockets


def measure(sockets: list, remote: set, http_: Http, liker: str, video_id: str, rounds: int):
    """Per-socket and to-all delivery (ms), and the same for the ``remote`` sockets."""
    arrivals: list[tuple[float, object]] = []
    arrived = threading.Condition()
    selector = selectors.DefaultSelector()
    for ws in sockets:
        selector.register(ws.sock, selectors.EVENT_READ, ws)
    done = threading.Event()

    def read():
        # Frames are small: a readable socket holds a whole one.
        while not done.is_set():
            for key, _ in selector.select(0.2):
                if json.loads(key.data.recv())["type"] == "like.updated":
                    with arrived:
                        arrivals.append((time.perf_counter(), key.data))
                        arrived.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    per_socket, to_all, remote_per_socket = [], [], []
    try:
        for n in range(rounds):
            with arrived:
                arrivals.clear()
            path = f"/api/videos/{video_id}/" + ("like" if n % 2 == 0 else "unlike")
            start = time.perf_counter()
            http_.call("POST" if n % 2 == 0 else "DELETE", path, liker)
            with arrived:
                if not arrived.wait_for(lambda: len(arrivals) >= len(sockets), timeout=10):
                    raise RuntimeError(f"round {n}: {len(arrivals)} of {len(sockets)} arrived")
                latencies = [((t - start) * 1000, ws) for t, ws in arrivals]
            per_socket += [ms for ms, _ in latencies]
            remote_per_socket += [ms for ms, ws in latencies if ws in remote]
            to_all.append(max(ms for ms, _ in latencies))
            time.sleep(0.05)  # rounds apart, so each one is timed on its own
    finally:
        done.set()
        reader.join()
        selector.close()
    return per_socket, to_all, remote_per_socket


def line(name: str, values: list[float]) -> str:
    return f"{name:<28} p50 {statistics.median(values):7.1f} ms   p95 {pct(values, 95):7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    # Stopped from outside (timeout, Ctrl+C), the cluster and servers still go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    cluster = Cluster().start()
    children = []
    try:
        with tempfile.TemporaryDirectory(prefix="clipset-fanout-") as tmp:
            url = cluster.url(cluster.create())
            data_dir = str(Path(tmp) / "data")
            video_id, watcher, liker = prepare(data_dir, url)
            ports = []
            for _ in range(2):
                child = subprocess.Popen(
                    [sys.executable, "-c", SERVER, data_dir, url],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                children.append(child)
                ports.append(int(child.stdout.readline()))
            a, b = ports
            http_ = Http(a)
            for _ in range(20):  # warm up
                http_.call("GET", "/api/health")

            sockets = open_sockets(a, args.sockets, watcher, video_id)
            print(f"{len(sockets)} sockets on A; timing the likes", flush=True)
            one = measure(sockets, set(), http_, liker, video_id, args.rounds)
            for ws in sockets[args.sockets // 2 :]:
                ws.close()
            on_b = open_sockets(b, args.sockets - args.sockets // 2, watcher, video_id)
            sockets = sockets[: args.sockets // 2] + on_b
            print(f"{len(sockets) - len(on_b)} on A, {len(on_b)} on B; timing again", flush=True)
            split = measure(sockets, set(on_b), http_, liker, video_id, args.rounds)
            for ws in sockets:
                ws.close()
    finally:
        for child in children:
            child.terminate()
            child.wait(20)
        cluster.stop()

    print(f"{args.sockets} sockets, {args.rounds} likes through instance A (PostgreSQL)")
    print(line("one instance, per socket", one[0]))
    print(line("one instance, to all", one[1]))
    print(line("split A/B, per socket", split[0]))
    print(line("split A/B, to all", split[1]))
    print(line("split, B's half per socket", split[2]))
    for name, i in (("per socket", 0), ("to all", 1)):
        p50 = statistics.median(split[i]) / statistics.median(one[i])
        p95 = pct(split[i], 95) / pct(one[i], 95)
        print(f"split/one {name:<11} p50 x{p50:.2f}   p95 x{p95:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
