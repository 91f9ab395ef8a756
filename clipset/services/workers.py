"""Remote transcode workers: their tokens, the leases they hold on jobs, and the files
they fetch and deliver.

A worker never touches the database. It claims a job through the pool's own claim (one
queue), which sets a lease on the video row in the same conditional UPDATE; heartbeats
extend the lease and carry progress. A lease that runs out puts the job back in the queue
(the attempt counts), and anything the old holder sends after that is refused. Outputs
arrive resumably (tus-style offsets) in ``tmp`` and are checked (size, SHA-256, a probe)
before they replace anything; a bad delivery sends the job back to the queue for another
try, elsewhere while another can take it (the server's own pool, or a worker seen within
a lease), so one broken computer doesn't spend a video's attempts alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time
from pathlib import Path
from typing import BinaryIO, Callable

from ..errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    UnreadableMedia,
    ValidationFailed,
)
from ..security.tokens import UrlSigner
from ..settings import Settings
from ..store.db import immediate
from ..store.dirs import DataDir
from ..store.models import Video, Worker, now
from . import storage
from .jobs import MAX_ATTEMPTS, Jobs
from .media_urls import THUMBNAIL_WIDTHS
from .outcomes import job_options, message

log = logging.getLogger(__name__)

TOKEN_PREFIX = "cw_"  # tells a worker token from a sign-in token at a glance
MAX_WAIT_SECONDS = 30  # a long poll's longest wait; below proxies' idle timeouts
SWEEP_EVERY = 1.0  # seconds between lease sweeps while a long poll waits
CHUNK = 1024 * 1024
# What a worker delivers, and the suffix each has in tmp; the last two are optional.
OUTPUTS = {"video": "mp4", "thumbnail": "jpg", "sprite": "sprite.jpg", "previews": "vtt"}
REQUIRED = ("video", "thumbnail")
LEASE_LOST_TWICE = "Processing was interrupted twice; the file may be damaged."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Workers:
    def __init__(self, settings: Settings, data: DataDir, keys: list[bytes], jobs: Jobs):
        self.settings = settings
        self.data = data
        self.jobs = jobs
        self.outcomes = jobs.outcomes
        self.signer = UrlSigner(keys, "worker-source")
        self.clock: Callable[[], dt.datetime] = now  # tests move lease time with this
        jobs.before_claim.append(self.expire)

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.settings.worker_lease_seconds)

    # -- the admin's side -------------------------------------------------------------
    def create(self, name: str) -> dict:
        """A new worker and its token, which is shown this once and stored hashed."""
        if not name.strip():
            raise ValidationFailed("name: give the worker a name", field="name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        worker = Worker.create(name=name.strip(), token_hash=hash_token(token))
        return {**self.describe(worker), "token": token}

    def list(self) -> list[dict]:
        self.expire()
        return [self.describe(w) for w in Worker.select().order_by(Worker.id)]

    def describe(self, worker: Worker) -> dict:
        current = (
            Video.select(Video.public_id, Video.title, Video.progress)
            .where(
                Video.worker_id == worker.id,
                Video.lease_token.is_null(False),
                Video.processing_status == "processing",
            )
            .first()
        )
        job = current and {"video_id": current.public_id, "title": current.title}
        return {
            "id": worker.id,
            "name": worker.name,
            "address": worker.address,
            "last_seen_at": worker.last_seen_at,
            "created_at": worker.created_at,
            "revoked": worker.revoked_at is not None,
            "encoder": worker.encoder,
            "jobs_done": worker.jobs_done,
            "current_job": job and {**job, "progress": current.progress},
        }

    def revoke(self, worker_id: int) -> None:
        """Its next call is refused; the job it holds goes back to the queue at once (the
        attempt doesn't count: nothing was wrong with the file)."""
        with immediate():
            worker = Worker.get_or_none(Worker.id == worker_id)
            if worker is None:
                raise NotFound("This worker does not exist.", error_code="worker_not_found")
            Worker.update(revoked_at=worker.revoked_at or now()).where(
                Worker.id == worker_id
            ).execute()
        held = Video.select().where(Video.worker_id == worker_id, Video.lease_token.is_null(False))
        for video in held:
            self._release(video, video.lease_token, counted=False)

    # -- the worker's side ------------------------------------------------------------
    def authenticate(self, token: str | None, address: str) -> Worker:
        if not token or not token.startswith(TOKEN_PREFIX):
            raise Unauthorized("Send a worker token.", error_code="invalid_worker_token")
        worker = Worker.get_or_none(Worker.token_hash == hash_token(token))
        if worker is None:
            raise Unauthorized(
                "This worker token is not valid.", error_code="invalid_worker_token"
            )
        if worker.revoked_at is not None:
            raise _revoked()
        Worker.update(last_seen_at=now(), address=address[:64]).where(
            Worker.id == worker.id
        ).execute()
        return worker

    def claim(self, worker: Worker, encoder: str | None, wait: float) -> dict | None:
        """The next job for ``worker``, waiting up to ``wait`` seconds for one; None if
        none came (or processing is paused, or the disk is full)."""
        if encoder:
            Worker.update(encoder=encoder[:32]).where(Worker.id == worker.id).execute()
        deadline = time.monotonic() + min(max(wait, 0), MAX_WAIT_SECONDS)
        while True:
            generation = self.jobs.generation
            if Worker.get_by_id(worker.id).revoked_at is not None:  # revoked while it waited
                raise _revoked()
            if not self.jobs.paused and not self.jobs.waiting_for_disk:
                video = self.jobs.claim(
                    avoid=worker.id if self._others_can_take(worker) else None,
                    worker_id=worker.id,
                    lease_token=secrets.token_hex(16),
                    lease_expires_at=self.clock() + self.lease,
                )
                if video is not None:
                    try:
                        return self._job(video)
                    except FileNotFoundError as exc:  # as the pool does: nothing to process
                        Video.update(lease_token=None, lease_expires_at=None).where(
                            Video.id == video.id
                        ).execute()
                        self.outcomes.fail(video, message(exc))
                        continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.jobs.wait_for_work(generation, min(remaining, SWEEP_EVERY))

    def _others_can_take(self, worker: Worker) -> bool:
        """Whether anyone but ``worker`` claims jobs now: the server's pool, or another
        worker, not revoked, seen within a lease."""
        seen = Worker.last_seen_at >= self.clock() - self.lease
        others = Worker.select().where(Worker.id != worker.id, Worker.revoked_at.is_null(), seen)
        return self.jobs.worker_count > 0 or others.exists()

    def _job(self, video: Video) -> dict:
        s = self.settings
        token = self.signer.sign({"l": video.lease_token})
        return {
            "lease": video.lease_token,
            "video_id": video.public_id,
            "source_url": f"/media/originals/{video.lease_token}?token={token}",
            "source_size": self.data.original_file(video.storage_key).stat().st_size,
            "lease_seconds": s.worker_lease_seconds,
            "options": job_options(
                s,
                trim_start=video.trim_start,
                trim_end=video.trim_end,
                cover_time=video.cover_time,
            ),
        }

    def _leased(self, worker: Worker, lease: str) -> Video:
        """The job ``worker`` holds under ``lease``, while the lease lasts; else 409."""
        video = Video.get_or_none(
            Video.lease_token == lease,
            Video.worker_id == worker.id,
            Video.processing_status == "processing",
        )
        if video is None or video.lease_expires_at < self.clock():
            raise Conflict(
                "This job's lease has expired or was given to another worker; drop it.",
                error_code="lease_expired",
            )
        return video

    def heartbeat(self, worker: Worker, lease: str, percent: float | None) -> dict:
        """Extends the lease; the progress reaches the uploader as ``video.progress``."""
        video = self._leased(worker, lease)
        expires = self.clock() + self.lease
        fields: dict = {"lease_expires_at": expires}
        if percent is not None:
            fields["progress"] = round(max(0.0, min(99.0, percent)), 1)
        Video.update(**fields).where(Video.id == video.id, Video.lease_token == lease).execute()
        if percent is not None:
            self.outcomes.events.publish(
                "video.progress",
                {"video_id": video.public_id, "percent": fields["progress"]},
                video_id=video.public_id,
                owner_id=video.uploader_id,
            )
        return {"lease_expires_at": expires}

    def source_file(self, lease: str, token: str) -> Path:
        """The original behind a job's signed URL, while the lease lasts."""
        claims = self.signer.verify(token, 7 * 24 * 3600)  # the lease is the real limit
        if not isinstance(claims, dict) or claims.get("l") != lease:
            raise Forbidden("This link is not valid.", error_code="invalid_link")
        video = Video.get_or_none(Video.lease_token == lease)
        if video is None or video.lease_expires_at < self.clock():
            raise Conflict("This job's lease has expired.", error_code="lease_expired")
        return self.data.original_file(video.storage_key)

    def _output(self, lease: str, kind: str) -> Path:
        if kind not in OUTPUTS:
            raise NotFound(
                f"Outputs are {', '.join(OUTPUTS)}; not {kind!r}.", error_code="unknown_output"
            )
        return self.data.tmp / f"remote-{lease}.{OUTPUTS[kind]}"

    def offset(self, worker: Worker, lease: str, kind: str) -> int:
        """How much of an output has arrived: where an interrupted upload resumes."""
        self._leased(worker, lease)
        path = self._output(lease, kind)
        return path.stat().st_size if path.exists() else 0

    def receive(self, worker: Worker, lease: str, kind: str, offset: int, stream: BinaryIO) -> int:
        """Appends ``stream`` to an output at ``offset``, which must be where it stands
        (409 ``offset_mismatch`` otherwise, as on a tus upload); returns the new offset."""
        self._leased(worker, lease)
        path = self._output(lease, kind)
        have = path.stat().st_size if path.exists() else 0
        if offset != have:
            raise Conflict(
                f"This output is at byte {have}, not {offset}; resume from there.",
                error_code="offset_mismatch",
            )
        try:
            with open(path, "r+b" if have else "wb") as f:
                f.seek(offset)
                while chunk := stream.read(CHUNK):
                    free = storage.free_bytes(self.data) - self.settings.disk_margin_bytes
                    if free < len(chunk):
                        raise storage.InsufficientStorage("The server's disk is full.")
                    f.write(chunk)
                return f.tell()
        except OSError as exc:
            raise storage.as_disk_full(exc) or exc

    def finish(self, worker: Worker, lease: str, result: dict, files: dict) -> None:
        """Checks the delivered outputs and completes the job with them. A size or
        checksum that doesn't match (422 ``checksum_mismatch``) or a video that fails the
        probe (422 ``output_unplayable``) sends the job back to the queue."""
        from .. import media  # PyAV loads with the first job, not at start

        video = self._leased(worker, lease)
        paths = {kind: self._output(lease, kind) for kind in OUTPUTS}
        try:
            for kind in OUTPUTS:
                declared = files.get(kind)
                if declared is None and kind not in REQUIRED:
                    continue
                path = paths[kind]
                if (
                    declared is None
                    or not path.exists()
                    or path.stat().st_size != declared["size"]
                    or sha256_of(path) != declared["sha256"].lower()
                ):
                    self._release(video, lease, f"The worker's {kind} arrived damaged.")
                    raise UnreadableMedia(
                        f"The {kind} that arrived does not match its size and SHA-256; "
                        "the job goes back to the queue.",
                        error_code="checksum_mismatch",
                    )
            try:
                out = media.verify(paths["video"])
            except Exception as exc:
                self._release(video, lease, message(exc))
                raise UnreadableMedia(
                    f"The delivered video failed verification ({message(exc)}); the job "
                    "goes back to the queue.",
                    error_code="output_unplayable",
                ) from None
            previews = "sprite" in files and "previews" in files
            outcome = media.Result.of(
                out,
                str(result.get("mode", "transcode")),
                recorded_at=_datetime(result.get("recorded_at")),
                encoder=result.get("encoder"),
                captions=tuple(media.captions.Track(**t) for t in result.get("captions", ())),
                previews=previews,
            )
            # Once the lease is cleared a late sweep can't requeue what is being stored.
            if (
                not Video.update(lease_token=None, lease_expires_at=None)
                .where(Video.id == video.id, Video.lease_token == lease)
                .execute()
            ):
                raise Conflict("This job's lease has expired.", error_code="lease_expired")
            variants = media.make_variants(paths["thumbnail"], THUMBNAIL_WIDTHS)
            self.outcomes.complete(
                video,
                outcome,
                paths["video"],
                paths["thumbnail"],
                (paths["sprite"], paths["previews"]),
                variants,
            )
            Worker.update(jobs_done=Worker.jobs_done + 1).where(Worker.id == worker.id).execute()
        finally:
            storage.remove(*paths.values(), *self.data.tmp.glob(f"remote-{lease}.*"))

    def give_up(self, worker: Worker, lease: str, error: str) -> None:
        """The worker could not process the job: another try elsewhere, or failed once it
        has had its attempts (with the worker's reason)."""
        video = self._leased(worker, lease)
        self._release(video, lease, error[:500] or "The worker could not process the video.")
        storage.remove(*self.data.tmp.glob(f"remote-{lease}.*"))

    def hand_back(self, worker: Worker, lease: str, reason: str) -> None:
        """The worker's own trouble, not the file's: pending again, the attempt not
        counted, and passed over by this worker while another can take it."""
        video = self._leased(worker, lease)
        log.warning("worker %s handed back video %s: %s", worker.name, video.id, reason[:200])
        self._release(video, lease, counted=False, passed_over=True)
        storage.remove(*self.data.tmp.glob(f"remote-{lease}.*"))

    # -- leases -----------------------------------------------------------------------
    def expire(self) -> int:
        """Jobs whose lease ran out go back to the queue (or fail, on their last
        attempt); returns how many."""
        expired = list(
            Video.select().where(
                Video.processing_status == "processing", Video.lease_expires_at < self.clock()
            )
        )
        for video in expired:
            log.warning("worker %s lost its lease on video %s", video.worker_id, video.id)
            self._release(video, video.lease_token, LEASE_LOST_TWICE)
            storage.remove(*self.data.tmp.glob(f"remote-{video.lease_token}.*"))
        return len(expired)

    def _release(
        self, video: Video, lease: str, reason: str = "", counted: bool = True, passed_over=None
    ) -> None:
        """Ends ``lease``: the job is pending again, or failed after its last attempt;
        a counted try (or ``passed_over``) marks the worker to hand it to another next."""
        if counted and video.attempts >= MAX_ATTEMPTS:
            if (
                Video.update(lease_token=None, lease_expires_at=None)
                .where(Video.id == video.id, Video.lease_token == lease)
                .execute()
            ):
                self.outcomes.fail(video, reason)
            return
        Video.update(
            processing_status="pending",
            progress=0,
            processing_started_at=None,
            attempts=Video.attempts - (0 if counted else 1),
            failed_by_worker_id=(
                video.worker_id
                if (counted if passed_over is None else passed_over)
                else Video.failed_by_worker_id
            ),
            worker_id=None,
            lease_token=None,
            lease_expires_at=None,
        ).where(Video.id == video.id, Video.lease_token == lease).execute()
        self.jobs.wake()


def _revoked() -> Unauthorized:
    return Unauthorized("This worker was revoked by the admin.", error_code="worker_revoked")


def _datetime(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None) if value else None
    except (TypeError, ValueError):
        return None
