"""Connection flood: one address holding idle sockets, another client's health meanwhile.

    .venv/bin/python bench/conn_flood.py [--sockets 1000] [--requests 200] [--seconds 20]

Runs the real server (default settings) in a subprocess on a temporary data dir,
listening on loopback only. A separate client on another loopback address (127.0.0.2)
times ``GET /api/health``, each on a fresh connection, first idle, then while one address
(127.0.0.1) opens --sockets idle connections and holds them (opened once, never more
than --sockets, never longer than --seconds; the server closes them: most at once, past
the per-address budget, the rest at the request head timeout). Prints p50/p95 of both
phases, their ratio, and how many of the flood's sockets the server had closed by the
end and when. Budget: every request answered, flooded p95 within a few times idle.
"""

from __future__ import annotations

import argparse
import http.client
import selectors
import socket
import statistics
import tempfile
import threading
import time

from served import served

CLIENT = "127.0.0.2"
FLOODER = "127.0.0.1"


def health(port: int) -> float:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(CLIENT, 0))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.sock = sock
    start = time.perf_counter()
    try:
        conn.request("GET", "/api/health")
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"health answered {resp.status}")
        return time.perf_counter() - start
    finally:
        conn.close()


def timings(port: int, count: int) -> list[float]:
    return [health(port) for _ in range(count)]


class Flood:
    """Opens ``limit`` idle connections from FLOODER and holds them until stopped."""

    def __init__(self, port: int, limit: int, seconds: float):
        self.port, self.limit, self.deadline = port, limit, time.monotonic() + seconds
        self.selector = selectors.DefaultSelector()
        self.stop = threading.Event()
        self.opened = self.closed_by_server = 0
        self.started = self.last_closed = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> None:
        sock = socket.socket()
        sock.setblocking(False)
        sock.bind((FLOODER, 0))
        sock.connect_ex(("127.0.0.1", self.port))
        self.selector.register(sock, selectors.EVENT_READ)
        self.opened += 1

    def _run(self) -> None:
        while self.opened < self.limit:
            self._open()
        self.started = time.monotonic()
        while (
            not self.stop.is_set()
            and time.monotonic() < self.deadline
            and self.closed_by_server < self.opened
        ):
            for key, _ in self.selector.select(timeout=0.2):
                sock = key.fileobj
                try:
                    gone = sock.recv(1) == b""
                except BlockingIOError:
                    gone = False
                except OSError:
                    gone = True
                if gone:
                    self.selector.unregister(sock)
                    sock.close()
                    self.closed_by_server += 1
                    self.last_closed = time.monotonic() - self.started

    def finish(self) -> None:
        self.stop.set()
        self.thread.join()
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()
        self.selector.close()


def summary(name: str, values: list[float]) -> tuple[float, float]:
    p50 = statistics.median(values) * 1000
    p95 = statistics.quantiles(values, n=20)[-1] * 1000
    print(f"{name:<28} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({len(values)} requests)")
    return p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        with served(data_dir) as port:
            timings(port, 20)  # warm up
            idle = timings(port, args.requests)
            flood = Flood(port, args.sockets, args.seconds)
            flood.thread.start()
            while flood.opened < args.sockets and flood.thread.is_alive():
                flood.stop.wait(0.05)  # until the flood is fully open
            started = time.monotonic()
            flooded = []
            while len(flooded) < args.requests and flood.thread.is_alive():
                flooded.append(health(port))
            elapsed = time.monotonic() - started
            flood.thread.join()  # until the server has closed them all, or --seconds
            flood.finish()
    print(
        f"flood: {flood.opened} idle sockets from {FLOODER}; the server closed "
        f"{flood.closed_by_server} of them, the last {flood.last_closed:.1f} s after "
        "they were opened"
    )
    _, idle95 = summary("health idle", idle)
    _, flood95 = summary("health during the flood", flooded)
    print(
        f"p95 ratio flood/idle: {flood95 / idle95:.2f}  "
        f"({len(flooded)} of {args.requests} answered in {elapsed:.1f} s)"
    )


if __name__ == "__main__":
    main()
