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
import signal
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from postgres_cluster import Cluster  # noqa: E402
from served import served  # noqa: E402
from ws_fanout import Http, deliveries, open_sockets, pct, prepare  # noqa: E402


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
    try:
        with tempfile.TemporaryDirectory(prefix="clipset-fanout-") as tmp:
            url = cluster.url(cluster.create())
            data_dir = str(Path(tmp) / "data")
            video_id, watcher, liker = prepare(data_dir, url)
            # One watcher holds every socket: lift the per-user cap for the bench.
            settings = {"database_url": url, "testing": True, "ws_max_per_user": 10_000}
            with served(data_dir, **settings) as a, served(data_dir, **settings) as b:
                http_ = Http(a)
                for _ in range(20):  # warm up
                    http_.call("GET", "/api/health")

                sockets = open_sockets(a, args.sockets, watcher, video_id)
                print(f"{len(sockets)} sockets on A; timing the likes", flush=True)
                one = deliveries(sockets, set(), http_, liker, video_id, args.rounds)
                for ws in sockets[args.sockets // 2 :]:
                    ws.close()
                on_b = open_sockets(b, args.sockets - args.sockets // 2, watcher, video_id)
                sockets = sockets[: args.sockets // 2] + on_b
                print(f"{len(sockets) - len(on_b)} on A, {len(on_b)} on B; timing again")
                split = deliveries(sockets, set(on_b), http_, liker, video_id, args.rounds)
                for ws in sockets:
                    ws.close()
    finally:
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
