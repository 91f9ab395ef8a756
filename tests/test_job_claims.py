"""Claiming jobs: workers pulling from the queue at once take every pending video exactly
once (a conditional UPDATE on SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import threading

from video_rows import db, make_video

from clipset.store.db import database
from clipset.store.models import Video

WORKERS = 4
JOBS = 24


def test_concurrent_claims_take_each_job_once(app, user):
    pending = {make_video(app, user, status="pending", files=False).id for _ in range(JOBS)}
    taken: list[list[int]] = [[] for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)

    jobs = app.extensions["clipset"].jobs

    def work(mine: list[int]) -> None:
        with database.connection_context():
            start.wait()
            while (video := jobs.claim()) is not None:
                mine.append(video.id)

    threads = [threading.Thread(target=work, args=(mine,)) for mine in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    claimed = [video_id for mine in taken for video_id in mine]
    assert sorted(claimed) == sorted(pending)  # all of them, none twice
    with db():
        rows = Video.select(Video.processing_status, Video.attempts).where(Video.id << claimed)
        assert {(r.processing_status, r.attempts) for r in rows} == {("processing", 1)}
