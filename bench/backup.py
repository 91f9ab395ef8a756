"""Backups: a full ``clipset backup`` of a data dir with N videos, and a second (incremental)
backup into the same folder after one more video, against a plain copy of the same files
(``shutil.copytree``) measured in the same run.

    .venv/bin/python bench/backup.py [--videos 20] [--size-mib 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clipset.app import create_app  # noqa: E402
from clipset.services import snapshots  # noqa: E402
from clipset.store.db import database, release  # noqa: E402
from clipset.store.models import User, Video  # noqa: E402


def add_video(data, owner: int, size: int) -> None:
    with database.connection_context():
        video = Video.create(
            uploader=owner,
            title="bench",
            processing_status="completed",
            source_size_bytes=size,
            file_size_bytes=size,
        )
    data.video_file(video.storage_key).write_bytes(os.urandom(size))
    data.thumbnail_file(video.storage_key).write_bytes(os.urandom(20_000))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=20)
    parser.add_argument("--size-mib", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mib * 1024**2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app({"data_dir": str(tmp / "data"), "testing": True})
        data = app.extensions["clipset"].data
        with database.connection_context():
            owner = User.create(username="bench", password_hash="x").id
        for _ in range(args.videos):
            add_video(data, owner, size)

        plain, full, incremental = [], [], []
        for run in range(args.runs):
            plain.append(timed(lambda: shutil.copytree(data.root, tmp / f"plain{run}")))
            dest = tmp / f"dest{run}"
            dest.mkdir()
            full.append(timed(lambda: snapshots.create(data, dest)))
            add_video(data, owner, size)
            incremental.append(timed(lambda: snapshots.create(data, dest)))
            shutil.rmtree(tmp / f"plain{run}")
            shutil.rmtree(dest)
        database.close()
        release()

    total = args.videos * args.size_mib
    p, f, i = (statistics.median(x) for x in (plain, full, incremental))
    print(f"data dir: {args.videos} videos x {args.size_mib} MiB = {total} MiB, {args.runs} runs")
    print(f"plain copy (baseline)     median {p:.3f} s")
    print(f"full backup (verified)    median {f:.3f} s   ratio to plain copy {f / p:.2f}")
    print(f"incremental (+1 video)    median {i:.3f} s   ratio to full backup {i / f:.2f}")


if __name__ == "__main__":
    main()
