"""API latency on PostgreSQL against SQLite, on the same library.

    .venv/bin/python bench/pg_vs_sqlite.py [--videos 10000] [--requests 40]

Seeds a SQLite data dir as ``scale.py`` does (200 users, 10 likes and 5 comments per
video), copies it into a temporary PostgreSQL cluster with ``clipset migrate-db``'s copy
(so both hold the very same rows), then times feed, list and search one request at a
time through the real app (Flask test client) on each database. Prints p50/p95 per
endpoint and the p95 ratio PostgreSQL / SQLite. Needs Debian's PostgreSQL server
(``make test`` installs it); the cluster lives in a temporary folder and is removed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import psycopg  # noqa: E402
from postgres_cluster import Cluster  # noqa: E402
from scale import COMMENTS_PER_VIDEO, COMMON, LIKES_PER_VIDEO, PASSWORD, RARE, pct, seed  # noqa: E402

ENDPOINTS = [
    "/api/videos/feed?limit=10",
    "/api/videos?page_size=20",
    "/api/videos?page_size=20&sort_by=view_count",
    "/api/videos?page_size=20&page=50",
    f"/api/videos/search?q={COMMON}",
    "/api/videos/search?q=sunset+ocean",
    f"/api/videos/search?q={RARE}",
    "/api/videos/search?q=gui",
]


def measure(settings: dict, token: str, requests: int) -> dict[str, tuple[float, float]]:
    from clipset.app import create_app
    from clipset.store.db import database

    app = create_app(settings)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    results = {}
    for path in ENDPOINTS:
        client.get(path, headers=headers)  # warm: the first query plans and caches
        samples = []
        for _ in range(requests):
            t = time.perf_counter()
            resp = client.get(path, headers=headers)
            samples.append(time.perf_counter() - t)
            assert resp.status_code == 200, (path, resp.status_code, resp.json)
        results[path] = (pct(samples, 50), pct(samples, 95))
    database.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    from clipset.app import create_app
    from clipset.store import transfer
    from clipset.store.db import database

    cluster = Cluster().start()
    try:
        with tempfile.TemporaryDirectory(prefix="clipset-pgbench-") as tmp:
            base = {"data_dir": tmp, "tray": False, "open_browser": False}
            app = create_app(base)
            r = app.test_client().post(
                "/api/setup", json={"username": "bench", "password": PASSWORD}
            )
            token, admin_id = r.json["access_token"], r.json["user"]["id"]
            database.close()
            seed(Path(tmp) / "clipset.db", args.videos, admin_id)
            name = cluster.create()
            url = cluster.url(name)
            t0 = time.perf_counter()
            transfer.copy(Path(tmp) / "clipset.db", url)
            copied = time.perf_counter() - t0
            with psycopg.connect(
                host="127.0.0.1", port=cluster.port, user="clipset", dbname=name, autocommit=True
            ) as conn:
                conn.execute("ANALYZE")
            print(
                f"seeded {args.videos} videos, {args.videos * LIKES_PER_VIDEO} likes, "
                f"{args.videos * COMMENTS_PER_VIDEO} comments; migrate-db copy {copied:.1f} s",
                flush=True,
            )
            sqlite = measure(base, token, args.requests)
            postgres = measure({**base, "database_url": url}, token, args.requests)
    finally:
        cluster.stop()

    print(
        f"\n| endpoint ({args.videos} videos){' ' * 22} | SQLite p50 | SQLite p95 "
        "| PostgreSQL p50 | PostgreSQL p95 | p95 PG/SQLite |"
    )
    for path in ENDPOINTS:
        (s50, s95), (p50, p95) = sqlite[path], postgres[path]
        print(
            f"| {path:<50} | {s50:7.1f} ms | {s95:7.1f} ms | {p50:11.1f} ms "
            f"| {p95:11.1f} ms | {p95 / max(s95, 1e-6):13.2f} |"
        )


if __name__ == "__main__":
    main()
