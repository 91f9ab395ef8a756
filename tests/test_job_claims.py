"""Claiming jobs: workers pulling from the queue at once take every pending video exactly
once (a conditional UPDATE on SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from video_rows import db, make_video

from clipset.services import claims
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


def test_a_run_whose_job_was_claimed_again_leaves_the_new_run_alone(app, user, tmp_path):
    """An instance taken for stopped (its listener gone through two checks) may still be
    running a job that another instance has requeued and claimed since: what the first
    run reports late (progress, a failure, a result) changes neither the row nor the
    video's files, and tells nobody; the run that holds the claim still reports."""
    services = app.extensions["clipset"]
    outcomes = services.jobs.outcomes
    heard = []
    services.events.subscribe(heard.append)
    video = make_video(app, user, status="pending", files=False)
    late_video, late_thumb = tmp_path / "late.mp4", tmp_path / "late.jpg"
    late_video.write_bytes(b"late output")
    late_thumb.write_bytes(b"late cover")
    with db():
        first = claims.claim(claimed_by="a" * 32)
        # Requeued as a stopped instance's job is, then claimed by a running one.
        Video.update(processing_status="pending").where(Video.id == video.id).execute()
        second = claims.claim(claimed_by="b" * 32)
        assert first.id == second.id == video.id

        outcomes.reporter(first)(40)
        outcomes.fail(first, "Processing failed unexpectedly.")
        assert not outcomes.complete(first, SimpleNamespace(), late_video, late_thumb)
        row = Video.get_by_id(video.id)
        assert (row.processing_status, row.progress, row.attempts, row.claimed_by) == (
            "processing",
            0,
            2,
            "b" * 32,
        )
        assert not services.data.video_file(video.storage_key).exists()
        assert not services.data.thumbnail_file(video.storage_key).exists()
        assert late_video.exists() and late_thumb.exists()  # left to the run's own cleanup
        assert heard == []

        outcomes.reporter(second)(40)
        assert Video.get_by_id(video.id).progress == 40
        assert [(e.type, e.data["percent"]) for e in heard] == [("video.progress", 40)]
