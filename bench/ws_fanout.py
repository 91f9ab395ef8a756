"""Fan-out benchmark: 200 WebSockets follow one public video; a like must reach all of them.

Starts the real server (waitress + /api/ws) in a child process on a free port with a
temporary data dir, opens 200 sockets subscribed to one public video, then likes and
unlikes it through the API, round after round. Reports, measured in this one run:
- delivery latency from the like request to each socket (p50/p95), and to the last of
  the 200 sockets per round (p50/p95; the budget: p95 under 250 ms);
- API latency (/api/health, /api/auth/me) while the likes fan out, against an idle
  baseline taken before any socket was opened (p50/p95 and ratios).

    .venv/bin/python bench/ws_fanout.py [--sockets 200] [--rounds 40]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import selectors
import statistics
import sys
import tempfile
import threading
import time

import websocket
from served import served

BUDGET_MS = 250
PASSWORD = "correct horse battery"


def prepare(data_dir: str, database_url: str | None = None) -> tuple[str, str, str]:
    """Users and one public video, written straight to the database; returns
    (video public id, watcher token, liker token)."""
    from clipset.app import create_app
    from clipset.store.db import database
    from clipset.store.models import Video

    settings = {"data_dir": data_dir, "testing": True}
    if database_url:
        settings["database_url"] = database_url
    svc = create_app(settings).extensions["clipset"]
    with database.connection_context():
        admin = svc.accounts.create_user("watcher", PASSWORD, role="admin")
        liker = svc.accounts.create_user("liker", PASSWORD)
        video = Video.create(
            uploader=admin.id, title="popular", privacy="public", processing_status="completed"
        )
        tokens = (
            svc.accounts.session(admin)["access_token"],
            svc.accounts.session(liker)["access_token"],
        )
    database.close()
    return video.public_id, *tokens


class Http:
    def __init__(self, port: int):
        self.port = port

    def call(self, method: str, path: str, token: str | None = None) -> float:
        """One request on a fresh connection; returns its latency in ms."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        start = time.perf_counter()
        try:
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status}")
        finally:
            conn.close()
        return (time.perf_counter() - start) * 1000


def api_sample(
    http_: Http, token: str, stop: threading.Event | None, count: int, out: dict[str, list[float]]
) -> None:
    n = 0
    while (stop is None and n < count) or (stop is not None and not stop.is_set()):
        out["health"].append(http_.call("GET", "/api/health"))
        out["me"].append(http_.call("GET", "/api/auth/me", token))
        n += 1


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def open_sockets(port: int, count: int, token: str, video_id: str) -> list:
    """``count`` signed-in sockets, each subscribed to ``video_id``."""
    sockets = []
    for _ in range(count):
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/ws?token={token}", timeout=30)
        hello = json.loads(ws.recv())
        assert hello["type"] == "auth.ok", hello
        ws.send(json.dumps({"type": "subscribe", "video_ids": [video_id]}))
        assert json.loads(ws.recv())["type"] == "subscribed"
        sockets.append(ws)
    return sockets


def deliveries(sockets: list, remote: set, http_: Http, liker: str, video_id: str, rounds: int):
    """Likes or unlikes the video ``rounds`` times through ``http_`` and times each one's
    arrival at every socket from the moment its request was sent. Returns (per socket,
    to the last socket of each round, per socket of the ``remote`` ones, the like
    requests themselves), all in ms."""
    arrivals: list[tuple[float, object]] = []
    arrived = threading.Condition()
    selector = selectors.DefaultSelector()
    for ws in sockets:
        selector.register(ws.sock, selectors.EVENT_READ, ws)
    done = threading.Event()

    def read():
        # One thread for all sockets: frames are small, so a readable socket holds a
        # whole frame and websocket-client reads no further than it.
        while not done.is_set():
            for key, _ in selector.select(0.2):
                if json.loads(key.data.recv())["type"] == "like.updated":
                    with arrived:
                        arrivals.append((time.perf_counter(), key.data))
                        arrived.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    per_socket, to_all, remote_per_socket, requests = [], [], [], []
    try:
        for n in range(rounds):
            with arrived:
                arrivals.clear()
            path = f"/api/videos/{video_id}/" + ("like" if n % 2 == 0 else "unlike")
            start = time.perf_counter()
            requests.append(http_.call("POST" if n % 2 == 0 else "DELETE", path, liker))
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
    return per_socket, to_all, remote_per_socket, requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = os.path.join(tmp, "data")
        video_id, watcher, liker = prepare(data_dir)
        # One watcher holds every socket: lift the per-user cap for the bench.
        with served(data_dir, testing=True, ws_max_per_user=10_000) as port:
            return run(args, port, video_id, watcher, liker)


def run(args, port: int, video_id: str, watcher: str, liker: str) -> int:
    http_ = Http(port)
    for _ in range(20):  # warm up
        http_.call("GET", "/api/health")

    idle: dict[str, list[float]] = {"health": [], "me": []}
    api_sample(http_, watcher, None, 300, idle)

    sockets = open_sockets(port, args.sockets, watcher, video_id)
    loaded: dict[str, list[float]] = {"health": [], "me": []}
    stop_api = threading.Event()
    api_thread = threading.Thread(target=api_sample, args=(http_, watcher, stop_api, 0, loaded))
    api_thread.start()
    try:
        per_socket, to_all, _, requests = deliveries(
            sockets, set(), http_, liker, video_id, args.rounds
        )
    finally:
        stop_api.set()
        api_thread.join()
        for ws in sockets:
            ws.close()

    print(
        f"{len(sockets)} sockets, {args.rounds} likes through the API "
        f"(one server process, clients in another)"
    )
    print(
        f"delivery, per socket   p50 {statistics.median(per_socket):7.1f} ms   "
        f"p95 {pct(per_socket, 95):7.1f} ms"
    )
    print(
        f"delivery, to all {len(sockets)}   p50 {statistics.median(to_all):7.1f} ms   "
        f"p95 {pct(to_all, 95):7.1f} ms   (budget p95 < {BUDGET_MS} ms)"
    )
    print(
        f"  of which the like request itself   p50 {statistics.median(requests):7.1f} ms   "
        f"p95 {pct(requests, 95):7.1f} ms"
    )
    print(
        f"{'API':<14}{'idle p50':>10}{'idle p95':>10}{'fan-out p50':>13}"
        f"{'fan-out p95':>13}{'p50 ratio':>11}{'p95 ratio':>11}"
    )
    for name, path in (("health", "/api/health"), ("me", "/api/auth/me")):
        i50, i95 = statistics.median(idle[name]), pct(idle[name], 95)
        l50, l95 = statistics.median(loaded[name]), pct(loaded[name], 95)
        print(
            f"{path:<14}{i50:>8.2f}ms{i95:>8.2f}ms{l50:>11.2f}ms{l95:>11.2f}ms"
            f"{l50 / i50:>10.2f}x{l95 / i95:>10.2f}x"
        )
    ok = pct(to_all, 95) < BUDGET_MS
    print("budget:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
