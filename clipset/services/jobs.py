"""The processing queue: ``Video`` rows are the jobs, a pool of threads works them.

A worker claims a video with a conditional UPDATE (``pending`` → ``processing``), so two
workers never take the same one and a restart finds every job where it was left. A job
that was running when the process died is retried once; the second time it is failed,
so a file that crashes the process can't crash-loop the server. Beside other instances
(PostgreSQL) each job names the instance running it, so the jobs of one that died are
told from the others' and go back to the queue while the rest keep running. A job that
finds the disk full goes back to the queue, its original kept, until there is room again.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from ..errors import Conflict, InsufficientStorage, NotFound
from ..settings import Settings
from ..store import db, notify
from ..store.db import database, immediate
from ..store.models import User, Video, now
from . import claims, storage
from .catalog import find
from .config import RuntimeConfig
from .hub import Hub
from .media_files import MediaFiles
from .media_urls import THUMBNAIL_WIDTHS
from .outcomes import DISK_FULL, Outcomes, job_options, message
from .stand_ins import StandIns
from .uploads import Uploads

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
POLL_SECONDS = 5  # a safety net; finalize and retry wake the workers at once
STOPPED_CHECK_SECONDS = 30  # how often a claim looks for jobs of instances that died

INTERRUPTED_TWICE = "Processing was interrupted twice; the file may be damaged."


class _Worker:
    def __init__(self, pool: "Jobs", number: int):
        self.retired = threading.Event()
        self.thread = threading.Thread(
            target=pool._work, args=(self,), name=f"clipset-worker-{number}", daemon=True
        )


class Jobs:
    def __init__(
        self,
        settings: Settings,
        files: MediaFiles,
        config: RuntimeConfig,
        events: Hub,
        stand_ins: StandIns,
    ):
        self.settings = settings
        self.data = files.data
        self.config = config
        self.events = events
        self.stand_ins = stand_ins
        self.outcomes = Outcomes(files, config, events)
        self._lock = threading.Condition()
        self._generation = 0  # bumped by wake(); a worker waits only if nothing changed
        self._workers: list[_Worker] = []
        self._running: dict[int, threading.Event] = {}  # video id → its cancel event
        self._started = False
        self._paused = False
        self._room_needed = 0  # bytes a job needs free before one starts (0: no wait)
        self._recovered = True  # False while start-up recovery waits for disk space
        self._numbers = 0
        # Run before every claim: remote workers' expired leases go back to the queue.
        self.before_claim: list = []
        self.instance: str | None = None  # this instance's id beside others (notify.gone)
        self._check_lock = threading.Lock()
        self._stopped_checked = -STOPPED_CHECK_SECONDS
        self._seen_stopped: set[str] = set()  # instances the last check found stopped

    # -- lifecycle --------------------------------------------------------------------
    def start(self, recover: bool = True) -> None:
        """Start the workers; ``recover`` first requeues what a dead process left (never
        beside another running instance, whose jobs those are)."""
        with self._lock:
            if self._started:  # recovering again would requeue jobs that are running
                return
        with database.connection_context():
            if recover:
                self._recover_unless_full()
            count = self.config["worker_count"]
        with self._lock:
            self._started = True
        self.resize(count)

    def _recover_unless_full(self) -> None:
        """``recover``, or on a full disk later: the first worker to find room does it."""
        try:
            self.recover()
            self._recovered = True
        except Exception as exc:
            if not storage.is_disk_full(exc):
                raise
            log.warning("disk full: interrupted jobs are requeued once there is room")
            self._recovered = False

    def stop(self, timeout: float = 30) -> None:
        """Cancels running jobs (they go back to ``pending``) and joins the threads."""
        with self._lock:
            self._started = False
            workers, self._workers = self._workers, []
            for worker in workers:
                worker.retired.set()
            for cancel in self._running.values():
                cancel.set()
            self._lock.notify_all()
        for worker in workers:
            worker.thread.join(timeout)

    def resize(self, count: int) -> None:
        with self._lock:
            if not self._started:
                return
            while len(self._workers) < count:
                self._numbers += 1
                worker = _Worker(self, self._numbers)
                self._workers.append(worker)
                worker.thread.start()
            while len(self._workers) > count:
                # It finishes its current job first.
                self._workers.pop().retired.set()
            self._lock.notify_all()

    def pause(self) -> None:
        """Take no new jobs (running ones finish)."""
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False
        self.wake()

    def set_paused(self, paused: bool) -> dict:
        """The admin's pause switch: jobs already running finish either way."""
        self.pause() if paused else self.resume()
        return {"paused": self.paused}

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._paused

    def wake(self) -> None:
        with self._lock:
            self._generation += 1
            self._lock.notify_all()

    def wait_for_work(self, generation: int, timeout: float) -> int:
        """Waits for a ``wake`` after ``generation`` was read (remote workers long-poll
        with it), or ``timeout``; returns the generation now."""
        with self._lock:
            if self._generation == generation:
                self._lock.wait(timeout)
            return self._generation

    @property
    def generation(self) -> int:
        with self._lock:
            return self._generation

    @property
    def worker_count(self) -> int:
        with self._lock:
            return len(self._workers)

    def recover(self) -> None:
        """At start-up: jobs left ``processing`` by a dead process are retried once, and
        the half-written outputs it left in ``tmp`` go (no worker is running yet). A
        remote worker's job is left to its lease, which outlives a restart."""
        storage.remove(*self.data.tmp.iterdir())
        self._requeue(Video.lease_token.is_null())

    def recover_stopped(self) -> int:
        """Beside other instances: the pool jobs of instances that died go back to the
        queue as at start-up (their half-written outputs go too); returns how many. An
        instance counts as stopped when two checks in a row (claims make one every
        ``STOPPED_CHECK_SECONDS``) find it so: one whose listener reconnects still works."""
        running = (Video.processing_status == "processing") & Video.lease_token.is_null()
        found = notify.stopped_owners(Video.claimed_by, running, self.instance)
        stopped, self._seen_stopped = found & self._seen_stopped, found
        if not stopped:
            return 0
        orphaned = running & Video.claimed_by.in_(stopped)
        keys = [key for (key,) in Video.select(Video.storage_key).where(orphaned).tuples()]
        log.warning("requeueing %d job(s) of %d stopped instance(s)", len(keys), len(stopped))
        for key in keys:
            storage.remove(*self.data.tmp.glob(f"{key}.*"))
        self._requeue(orphaned)
        return len(keys)

    def _check_stopped(self) -> None:
        """``recover_stopped``, on one thread at a time and at most every
        ``STOPPED_CHECK_SECONDS`` (two claims at once must not count as two checks)."""
        with self._check_lock:
            if time.monotonic() - self._stopped_checked >= STOPPED_CHECK_SECONDS:
                self._stopped_checked = time.monotonic()
                self.recover_stopped()

    def _requeue(self, interrupted) -> None:
        """``interrupted`` running jobs: retried once, failed on their last attempt."""
        running = Video.processing_status == "processing"
        with immediate():
            (
                Video.update(
                    processing_status="failed",
                    error_message=INTERRUPTED_TWICE,
                    stand_in_type=None,
                    processing_finished_at=now(),
                )
                .where(running, Video.attempts >= MAX_ATTEMPTS, interrupted)
                .execute()
            )
            Video.update(processing_status="pending", progress=0).where(
                running, interrupted
            ).execute()
        self.stand_ins.sweep()

    # -- admin ------------------------------------------------------------------------
    def retry(self, viewer: User, video_id: str) -> Video:
        with immediate():
            video = find(video_id)
            if video is None:
                raise NotFound("This video does not exist.", error_code="video_not_found")
            if video.processing_status != "failed":
                raise Conflict(
                    f"Only a failed video can be retried; this one is {video.processing_status}.",
                    error_code="not_failed",
                )
            if not self.data.original_file(video.storage_key).exists():
                raise NotFound(
                    "The uploaded original of this video is gone (it is removed "
                    "after processing unless originals are kept), so it can't "
                    "be processed again.",
                    error_code="original_missing",
                )
            Video.update(
                processing_status="pending",
                attempts=0,
                progress=0,
                error_message=None,
                processing_started_at=None,
                processing_finished_at=None,
            ).where(Video.id == video.id).execute()
        self.wake()
        return find(video_id, viewer)  # as the API shows it to them

    # -- the workers ------------------------------------------------------------------
    def _work(self, worker: _Worker) -> None:
        while not worker.retired.is_set():
            with self._lock:
                generation = self._generation
                paused = self._paused
            video = None
            if not paused and not self.waiting_for_disk:
                try:
                    with database.connection_context():
                        with self._lock:
                            if not self._recovered:
                                self._recover_unless_full()
                        video = self.claim() if self._recovered else None
                        if video is not None:
                            self._run(video)
                except Exception as exc:  # a worker never dies from a job
                    if storage.is_disk_full(exc):  # no room even to claim one
                        with self._lock:
                            self._room_needed = max(self._room_needed, 1)
                    else:
                        log.exception("job worker error")
            if video is None:
                with self._lock:
                    if self._generation == generation and not worker.retired.is_set():
                        self._lock.wait(POLL_SECONDS)

    def claim(self, avoid: int | None = None, **lease) -> Video | None:
        """The oldest pending job, now ``processing``: the one queue the pool and remote
        workers (whose ``lease`` is set in the same UPDATE) both claim from; a worker's
        claim may pass over the jobs it failed (``avoid``, its id)."""
        for sweep in self.before_claim:
            sweep()
        if self.instance is not None:
            self._check_stopped()
            lease = lease or {"claimed_by": self.instance}
        return claims.claim(avoid, **lease)

    def _run(self, video: Video) -> None:
        from .. import media  # PyAV is loaded by the first job, not at import

        cancel = threading.Event()
        with self._lock:
            if not self._started:
                cancel.set()
            self._running[video.id] = cancel
        token = uuid.uuid4().hex[:8]
        tmp_video = self.data.tmp / f"{video.storage_key}.{token}.mp4"
        tmp_thumb = self.data.tmp / f"{video.storage_key}.{token}.jpg"
        tmp_previews = (
            self.data.tmp / f"{video.storage_key}.{token}.sprite.jpg",
            self.data.tmp / f"{video.storage_key}.{token}.vtt",
        )
        try:
            self._check_room(video)
            # Seconds of stream copy, so the original plays while the rest takes minutes.
            self.stand_ins.make(video, cancel)
            options = media.Options(
                **job_options(
                    self.settings,
                    trim_start=video.trim_start,
                    trim_end=video.trim_end,
                    cover_time=video.cover_time,
                ),
                # Chosen by test encodes at the first job; a failure mid-job is redone
                # in software by process itself, so the job doesn't fail.
                encoder=media.encoders.choose(self.settings.video_encoder),
            )
            result = media.process(
                self.data.original_file(video.storage_key),
                tmp_video,
                tmp_thumb,
                options,
                progress=self.outcomes.reporter(video),
                cancel=cancel,
                dst_previews=tmp_previews,
            )  # verified: H.264/AAC MP4 browsers play
            variants = (
                media.make_variants(tmp_thumb, THUMBNAIL_WIDTHS) if tmp_thumb.exists() else {}
            )
            self.outcomes.complete(video, result, tmp_video, tmp_thumb, tmp_previews, variants)
        except media.Cancelled:
            # Stopped by shutdown: back in the queue, and the attempt doesn't count.
            Video.update(
                processing_status="pending",
                attempts=Video.attempts - 1,
                progress=0,
                processing_started_at=None,
            ).where(claims.held(video)).execute()
        except Exception as exc:
            if storage.is_disk_full(exc):
                self._wait_for_room(video)
            else:
                self.outcomes.fail(video, message(exc))
        finally:
            storage.remove(
                tmp_video,
                tmp_thumb,
                *tmp_previews,
                *self.data.tmp.glob(f"{tmp_thumb.stem}.*.webp"),
            )
            with self._lock:
                self._running.pop(video.id, None)

    def _check_room(self, video: Video) -> None:
        """The output is about the size of the original at most; it must fit beside
        what uploads in progress were promised and the margin kept for the database, or
        the job waits rather than fill the disk."""
        original = self.data.original_file(video.storage_key)
        needed = original.stat().st_size if original.exists() else 0
        room = storage.free_bytes(self.data) - self.settings.disk_margin_bytes - Uploads.reserved()
        if room < needed:
            raise InsufficientStorage(DISK_FULL)

    def _wait_for_room(self, video: Video) -> None:
        """A full disk is not the video's fault: it goes back in the queue with its
        original (the attempt doesn't count) and no job starts until there is room."""
        log.warning("disk full while processing video %s; waiting for space", video.id)
        original = self.data.original_file(video.storage_key)
        with self._lock:
            self._room_needed = original.stat().st_size if original.exists() else 1
        Video.update(
            processing_status="pending",
            attempts=Video.attempts - 1,
            progress=0,
            error_message=DISK_FULL,
            processing_started_at=None,
        ).where(claims.held(video)).execute()

    @property
    def waiting_for_disk(self) -> bool:
        """Whether processing stands still until the disk has room again."""
        if db.is_read_only():
            return True
        with self._lock:
            needed = self._room_needed
        if needed and storage.free_bytes(self.data) - self.settings.disk_margin_bytes >= needed:
            with self._lock:
                self._room_needed = 0
            return False
        return bool(needed)
