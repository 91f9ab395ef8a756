"""What album sharing costs: a member reading a shared album and its private videos.

    .venv/bin/python bench/albums.py [--videos 1000] [--albums 2000] [--requests 60]

Seeds a fresh data dir through the models: an owner with ``--videos`` private videos, all
in one album shared with a viewer, and ``--albums`` other albums (20 videos and 5 members
each, spread over 200 users) so the album subqueries have rows to wade through. Then, one
request at a time through the real app (Flask test client), times the viewer reading the
album's first page of 100, one of its private videos and that video's media URL (every
one answered through the album rule), against the baseline of the owner reading the same
videos as their own library, video and media URL. Prints p50 per endpoint and the ratio
to its baseline. Budget: within 2x of the owner's own reads.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
USERS = 200


def seed(videos: int, albums: int) -> dict:
    from peewee import fn

    from clipset.security.passwords import hash_password
    from clipset.store.db import database
    from clipset.store.models import (
        ALBUM_ROLES as ROLES,
    )
    from clipset.store.models import (
        Album,
        AlbumMember,
        AlbumVideo,
        User,
        Video,
        new_key,
        new_public_id,
    )

    rng = random.Random(13)
    hashed = hash_password(PASSWORD)
    with database.atomic():
        User.insert_many(
            [{"username": f"user{i}", "password_hash": hashed} for i in range(USERS + 2)]
        ).execute()
        users = list(User.select().where(User.username.startswith("user")).order_by(User.id))
        owner, viewer, others = users[0], users[1], users[2:]
        shared = Album.create(owner=owner.id, title="Family")
        AlbumMember.create(album=shared.id, user=viewer.id, role="viewer")
        rows = [(owner.id, f"clip {i}", "private", shared.id, i) for i in range(videos)]
        for _ in range(albums):
            someone = rng.choice(others)
            album = Album.create(owner=someone.id, title="Other")
            members = [m for m in rng.sample(others, 5) if m.id != someone.id]
            AlbumMember.insert_many(
                [{"album": album.id, "user": m.id, "role": rng.choice(ROLES)} for m in members]
            ).execute()
            rows += [
                (someone.id, "other", rng.choice(("public", "private")), album.id, i)
                for i in range(20)
            ]
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            first = Video.select(fn.COALESCE(fn.MAX(Video.id), 0)).scalar() + 1
            Video.insert_many(
                [
                    {
                        "uploader": u,
                        "title": t,
                        "privacy": p,
                        "processing_status": "completed",
                        "duration_seconds": 2.0,
                        "public_id": new_public_id(),
                        "storage_key": new_key(),
                    }
                    for u, t, p, _, _ in batch
                ]
            ).execute()
            AlbumVideo.insert_many(
                [
                    {"album": a, "video": first + n, "position": pos}
                    for n, (_, _, _, a, pos) in enumerate(batch)
                ]
            ).execute()
        mine = list(Video.select().where(Video.uploader == owner.id).order_by(Video.id))
    return {"owner": owner, "viewer": viewer, "album": shared.id, "video": mine[len(mine) // 2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--albums", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    from clipset.app import create_app
    from clipset.store.db import database

    with tempfile.TemporaryDirectory(prefix="clipset-albums-") as tmp:
        app = create_app({"data_dir": tmp, "tray": False, "open_browser": False})
        client = app.test_client()
        client.post("/api/setup", json={"username": "bench", "password": PASSWORD})
        services = app.extensions["clipset"]
        with database.connection_context():
            t0 = time.perf_counter()
            seeded = seed(args.videos, args.albums)
            print(f"seeded in {time.perf_counter() - t0:.1f} s", flush=True)
            token = {
                who: services.accounts.session(seeded[who])["access_token"]
                for who in ("owner", "viewer")
            }
        video = seeded["video"].public_id
        pairs = [
            (
                "album videos, page of 100",
                f"/api/albums/{seeded['album']}/videos?page_size=100",
                "/api/videos/mine?page_size=100",
            ),
            ("a shared private video", f"/api/videos/{video}", f"/api/videos/{video}"),
            ("its media URL", f"/api/videos/stream/{video}", f"/api/videos/stream/{video}"),
        ]

        def median_ms(who: str, path: str) -> float:
            headers = {"Authorization": f"Bearer {token[who]}"}
            samples = []
            for _ in range(args.requests):
                t = time.perf_counter()
                r = client.get(path, headers=headers)
                samples.append(time.perf_counter() - t)
                assert r.status_code == 200, (path, r.status_code, r.json)
            return 1000 * statistics.median(samples)

        print(
            f"\n| read ({args.videos} videos, {args.albums} other albums) "
            "| viewer p50 | owner p50 (baseline) | ratio |"
        )
        print("|---|---|---|---|")
        for label, as_viewer, as_owner in pairs:
            viewer_ms, owner_ms = median_ms("viewer", as_viewer), median_ms("owner", as_owner)
            print(
                f"| {label} | {viewer_ms:.1f} ms | {owner_ms:.1f} ms "
                f"| {viewer_ms / owner_ms:.2f} |"
            )
        services.stop()
        database.close()


if __name__ == "__main__":
    main()
