"""Cost against library size: list, search and detail endpoints at a small and a big library.

    .venv/bin/python bench/scale.py [--videos 1000 100000] [--requests 40]

For each size, seeds a fresh data dir straight into its SQLite file (bulk inserts in one
transaction: 200 users, videos with word-salad titles/descriptions/tags, 10 likes and
5 comments per video on average; 90% public, the rest unlisted, private or unfinished),
then times each endpoint through the real app one request at a time (Flask test client,
so the figures are the app and SQLite, not the socket). Prints p50/p95 per endpoint for
each size side by side and the p95 growth ratio of the biggest size to the smallest.
Budget: every list and search endpoint's p95 under 50 ms at 100,000 videos.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import secrets
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
USERS = 200
LIKES_PER_VIDEO = 10
COMMENTS_PER_VIDEO = 5
# Zipf-ish vocabulary: the first words are common (in most videos), the tail is rare.
WORDS = (
    "clip",
    "game",
    "music",
    "live",
    "travel",
    "cooking",
    "review",
    "trailer",
    "tutorial",
    "vlog",
    "highlights",
    "drone",
    "mountain",
    "city",
    "night",
    "summer",
    "winter",
    "football",
    "guitar",
    "piano",
    "recipe",
    "bread",
    "coffee",
    "garden",
    "sunset",
    "ocean",
    "train",
    "bicycle",
    "concert",
    "wedding",
    "birthday",
    "puppy",
)
COMMON, RARE = "clip", "zephyrquartz"


def _text(rng: random.Random, n: int) -> str:
    return " ".join(
        WORDS[min(int(rng.paretovariate(1.0)) - 1, len(WORDS) - 1)]
        if rng.random() < 0.5
        else rng.choice(WORDS)
        for _ in range(n)
    )


def seed(db_path: Path, videos: int, admin_id: int) -> None:
    rng = random.Random(videos)
    conn = sqlite3.connect(db_path)
    start = dt.datetime(2026, 1, 1)
    stamp = lambda minutes: (start + dt.timedelta(minutes=minutes)).isoformat(sep=" ")
    with conn:
        conn.executemany(
            'INSERT INTO "user" (subject, username, password_hash, role, is_active,'
            " token_version, quota_used_bytes, created_at) VALUES (?, ?, ?, ?, 1, 0, 0, ?)",
            ((uuid.uuid4().hex, f"user{i}", "x", "user", stamp(i)) for i in range(USERS)),
        )
        users = [r[0] for r in conn.execute('SELECT id FROM "user"')]

        def video(i: int):
            roll = rng.random()
            status, privacy = "completed", "public"
            if roll > 0.97:
                status = "failed"
            elif roll > 0.94:
                privacy = "private"
            elif roll > 0.90:
                privacy = "unlisted"
            title = _text(rng, 5) + (f" {RARE}" if i % 5000 == 7 else "")
            return (
                secrets.token_urlsafe(8),
                uuid.uuid4().hex,
                admin_id if i % 50 == 0 else rng.choice(users),
                title.capitalize(),
                _text(rng, 20),
                json.dumps(_text(rng, 3).split()),
                privacy,
                int(i % 200 == 0),
                status,
                rng.randrange(10000),
                rng.randrange(100),
                stamp(i),
                10_000_000,
            )

        conn.executemany(
            "INSERT INTO video (public_id, storage_key, uploader_id, title, description, tags,"
            " privacy, is_featured, original_filename, source_size_bytes, processing_status,"
            " attempts, progress, view_count, like_count, comment_count, created_at,"
            " file_size_bytes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'seed.mp4', 0, ?, 0, 1, ?, ?, 0, ?, ?)",
            (video(i) for i in range(videos)),
        )
        ids = [r[0] for r in conn.execute("SELECT id FROM video")]
        # Likes: (video, user) unique, so each video takes distinct users.
        conn.executemany(
            'INSERT INTO "like" (user_id, video_id, created_at) VALUES (?, ?, ?)',
            (
                (u, v, stamp(n))
                for n, v in enumerate(ids)
                for u in rng.sample(users, LIKES_PER_VIDEO)
            ),
        )
        conn.executemany(
            "INSERT INTO comment (video_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
            (
                (v, rng.choice(users), "Nice one, " + _text(rng, 6), stamp(n))
                for n, v in enumerate(ids)
                for _ in range(COMMENTS_PER_VIDEO)
            ),
        )
        conn.execute(
            "UPDATE video SET like_count = ?, comment_count = ?",
            (LIKES_PER_VIDEO, COMMENTS_PER_VIDEO),
        )
    conn.execute("ANALYZE")
    conn.close()


def endpoints(video_id: int, user_id: int) -> list[str]:
    return [
        "/api/videos?page_size=20",
        "/api/videos?page_size=20&sort_by=view_count",
        "/api/videos?page_size=20&sort_by=like_count&order=asc",
        "/api/videos?page_size=20&page=50",
        "/api/videos/feed?limit=10",
        f"/api/videos/search?q={COMMON}",
        "/api/videos/search?q=sunset+ocean",
        f"/api/videos/search?q={RARE}",
        "/api/videos/search?q=gui",
        "/api/videos/mine",
        f"/api/videos/user/{user_id}",
        "/api/videos/featured",
        f"/api/videos/{video_id}",
        f"/api/videos/{video_id}/comments",
        f"/api/videos/{video_id}/likes",
        "/api/categories",
        "/api/admin/stats",
        "/api/users",
    ]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def run(videos: int, requests: int) -> tuple[dict[str, tuple[float, float]], float]:
    from clipset.app import create_app
    from clipset.store.db import database

    with tempfile.TemporaryDirectory(prefix="clipset-scale-") as tmp:
        app = create_app({"data_dir": tmp, "tray": False, "open_browser": False})
        client = app.test_client()
        r = client.post("/api/setup", json={"username": "bench", "password": PASSWORD})
        token, admin_id = r.json["access_token"], r.json["user"]["id"]
        database.close()
        t0 = time.perf_counter()
        seed(Path(tmp) / "clipset.db", videos, admin_id)
        seeded = time.perf_counter() - t0
        conn = sqlite3.connect(Path(tmp) / "clipset.db")
        video_id = conn.execute(
            "SELECT id FROM video WHERE privacy = 'public' AND "
            "processing_status = 'completed' ORDER BY id LIMIT 1 OFFSET 3"
        ).fetchone()[0]
        user_id = conn.execute(
            "SELECT uploader_id FROM video WHERE id = ?", (video_id,)
        ).fetchone()[0]
        conn.close()
        headers = {"Authorization": f"Bearer {token}"}
        results = {}
        for path in endpoints(video_id, user_id):
            samples = []
            for _ in range(requests):
                t = time.perf_counter()
                resp = client.get(path, headers=headers)
                samples.append(time.perf_counter() - t)
                assert resp.status_code == 200, (path, resp.status_code, resp.json)
            label = path.replace(f"/{video_id}", "/<id>").replace(f"/user/{user_id}", "/user/<id>")
            results[label] = (pct(samples, 50), pct(samples, 95))
        database.close()
        return results, seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    runs = {}
    for n in args.videos:
        runs[n], seeded = run(n, args.requests)
        print(
            f"seeded {n} videos, {n * LIKES_PER_VIDEO} likes, "
            f"{n * COMMENTS_PER_VIDEO} comments in {seeded:.1f} s",
            flush=True,
        )
    sizes = list(runs)
    head = "".join(f" | {n:>7} p50 | {n:>7} p95" for n in sizes)
    print(f"\n| endpoint{' ' * 46}{head} | p95 x{sizes[-1] // sizes[0]} rows |")
    for path in runs[sizes[0]]:
        cells = "".join(
            f" | {runs[n][path][0]:8.1f} ms | {runs[n][path][1]:8.1f} ms" for n in sizes
        )
        ratio = runs[sizes[-1]][path][1] / max(runs[sizes[0]][path][1], 1e-6)
        print(f"| {path:<54}{cells} | {ratio:10.1f} |")


if __name__ == "__main__":
    main()
