"""Remote transcode workers: their tokens, the jobs they claim and the originals they
fetch, their heartbeats, and how a job ends when the worker can't finish it.

A worker never touches the database. The lease it holds on its job is services/leases.py;
what it delivers, and the checks that decide whether the job is done, services/
deliveries.py. A job the worker gives up goes back to the queue for another try, elsewhere
while another can take it (the server's own pool, or a worker seen within a lease), so one
broken computer doesn't spend a video's attempts alone.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from pathlib import Path

from ..errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from ..security.tokens import UrlSigner
from ..settings import Settings
from ..store.db import immediate
from ..store.dirs import DataDir
from ..store.models import Video, Worker, now
from .deliveries import Deliveries
from .jobs import Jobs
from .leases import Leases
from .outcomes import job_options, message

log = logging.getLogger(__name__)

TOKEN_PREFIX = "cw_"  # tells a worker token from a sign-in token at a glance
MAX_WAIT_SECONDS = 30  # a long poll's longest wait; below proxies' idle timeouts
SWEEP_EVERY = 1.0  # seconds between lease sweeps while a long poll waits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Workers:
    def __init__(
        self,
        settings: Settings,
        data: DataDir,
        keys: list[bytes],
        leases: Leases,
        deliveries: Deliveries,
    ):
        self.settings = settings
        self.data = data
        self.leases = leases
        self.deliveries = deliveries
        self.jobs: Jobs = leases.jobs
        self.outcomes = leases.outcomes
        self.signer = UrlSigner(keys, "worker-source")
        self.jobs.before_claim.append(leases.expire)

    # -- the admin's side -------------------------------------------------------------
    def create(self, name: str) -> dict:
        """A new worker and its token, which is shown this once and stored hashed."""
        if not name.strip():
            raise ValidationFailed("name: give the worker a name", field="name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        worker = Worker.create(name=name.strip(), token_hash=hash_token(token))
        return {**self.describe(worker), "token": token}

    def list(self) -> list[dict]:
        self.leases.expire()
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
            self.leases.release(video, video.lease_token, counted=False)

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
                    lease_expires_at=self.leases.clock() + self.leases.length,
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
        seen = Worker.last_seen_at >= self.leases.clock() - self.leases.length
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
            "direct": self.deliveries.direct(),
            "output_token": self.deliveries.output_token(video.lease_token),
            "options": job_options(
                s,
                trim_start=video.trim_start,
                trim_end=video.trim_end,
                cover_time=video.cover_time,
            ),
        }

    def heartbeat(self, worker: Worker, lease: str, percent: float | None) -> dict:
        """Extends the lease; the progress reaches the uploader as ``video.progress``."""
        video = self.leases.held(worker, lease)
        expires = self.leases.clock() + self.leases.length
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
        if video is None or video.lease_expires_at < self.leases.clock():
            raise Conflict("This job's lease has expired.", error_code="lease_expired")
        return self.data.original_file(video.storage_key)

    def give_up(self, worker: Worker, lease: str, error: str) -> None:
        """The worker could not process the job: another try elsewhere, or failed once it
        has had its attempts (with the worker's reason)."""
        video = self.leases.held(worker, lease)
        self.leases.release(video, lease, error[:500] or "The worker could not process the video.")

    def hand_back(self, worker: Worker, lease: str, reason: str) -> None:
        """The worker's own trouble, not the file's: pending again, the attempt not
        counted, and passed over by this worker while another can take it."""
        video = self.leases.held(worker, lease)
        log.warning("worker %s handed back video %s: %s", worker.name, video.id, reason[:200])
        self.leases.release(video, lease, counted=False, passed_over=True)


def _revoked() -> Unauthorized:
    return Unauthorized("This worker was revoked by the admin.", error_code="worker_revoked")
