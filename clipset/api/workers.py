"""Remote transcode workers: the admin's list, tokens and revocation under
``/api/admin/workers``, and the worker's own calls under ``/api/workers`` (authorized by
its worker token; see services/workers.py, leases.py and deliveries.py for the rules)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pydantic import Field

from .access import current_worker, services
from .endpoint import ADMIN, WORKER, endpoint, whole_number
from .schemas import In, Out, UtcDatetime

admin_bp = Blueprint("admin_workers", __name__, url_prefix="/api/admin/workers")
bp = Blueprint("workers", __name__, url_prefix="/api/workers")

_OFFSET = {
    "name": "Upload-Offset",
    "in": "header",
    "required": True,
    "schema": {"type": "integer"},
}
_BYTES = {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}


class CurrentJobOut(Out):
    video_id: str
    title: str
    progress: float


class WorkerOut(Out):
    id: int
    name: str
    address: str | None = Field(description="Where its last call came from.")
    last_seen_at: UtcDatetime | None
    created_at: UtcDatetime
    revoked: bool
    encoder: str | None = Field(description="The H.264 encoder it reported using.")
    jobs_done: int
    current_job: CurrentJobOut | None


class WorkerCreated(WorkerOut):
    token: str = Field(description="Shown this once; `clipset worker --token` takes it.")


class WorkerIn(In):
    name: str = Field(min_length=1, max_length=64)


@endpoint(admin_bp, "", response=list[WorkerOut], auth=ADMIN)
def list_workers():
    """Every worker: where it is, when it last called, what it is doing."""
    return services().workers.list()


@endpoint(admin_bp, "", "POST", body=WorkerIn, response=WorkerCreated, status=201, auth=ADMIN)
def create_worker(body: WorkerIn):
    """Make a worker token (shown once, stored hashed) for `clipset worker`."""
    return services().workers.create(body.name)


@endpoint(admin_bp, "/<int:worker_id>", "DELETE", status=204, auth=ADMIN, errors=(404,))
def revoke_worker(worker_id: int):
    """Revoke a worker: its next call is refused and its job goes back to the queue."""
    services().workers.revoke(worker_id)


class ClaimIn(In):
    wait_seconds: float = Field(20, ge=0, le=30, description="How long to wait for a job.")
    encoder: str | None = Field(None, max_length=32)


class JobOptions(Out):
    crf: int
    preset: str
    max_fps: float
    surround: str
    trim_start: float | None
    trim_end: float | None
    cover_time: float | None


class JobOut(Out):
    lease: str
    video_id: str
    source_url: str = Field(description="The original, with byte ranges, while the lease lasts.")
    source_size: int
    lease_seconds: int = Field(description="Send a heartbeat well within this.")
    direct: list[str] = Field(
        description="Outputs sent straight to the media store, through `/parts`."
    )
    output_token: str = Field(
        description="The `token` of the outputs' PATCH URLs, which lets them carry large bodies."
    )
    options: JobOptions


@endpoint(bp, "/jobs/claim", "POST", body=ClaimIn, response=JobOut, auth=WORKER)
def claim(body: ClaimIn):
    """Long-poll for a job: a lease on it, or 204 when none came within `wait_seconds`."""
    return services().workers.claim(current_worker(), body.encoder, body.wait_seconds)


class HeartbeatIn(In):
    percent: float | None = Field(None, ge=0, le=100)


class HeartbeatOut(Out):
    lease_expires_at: UtcDatetime


@endpoint(
    bp, "/jobs/<lease>/heartbeat", "POST", body=HeartbeatIn, response=HeartbeatOut,
    auth=WORKER, errors=(409,),
)  # fmt: skip
def heartbeat(lease: str, body: HeartbeatIn):
    """Extend the lease and report progress; 409 `lease_expired` means drop the job."""
    return services().workers.heartbeat(current_worker(), lease, body.percent)


@endpoint(bp, "/jobs/<lease>/outputs/<kind>", "HEAD", auth=WORKER, errors=(404, 409))
def output_offset(lease: str, kind: str):
    """How much of an output has arrived (`Upload-Offset`): where to resume."""
    offset = services().deliveries.offset(current_worker(), lease, kind)
    return Response(status=200, headers={"Upload-Offset": str(offset)})


class OutputQuery(In):
    token: str | None = Field(
        None, max_length=1024, description="The job's `output_token`: needed past 1 MiB."
    )


@endpoint(
    bp, "/jobs/<lease>/outputs/<kind>", "PATCH", status=204, auth=WORKER, query=OutputQuery,
    errors=(403, 404, 409, 507), headers=(_OFFSET,), content=_BYTES,
)  # fmt: skip
def output_append(lease: str, kind: str, query: OutputQuery):
    """Append bytes of an output (`video`, `thumbnail`, `sprite`, `previews`) at
    `Upload-Offset`; 409 `offset_mismatch` if that isn't where it stands."""
    offset = whole_number(request.headers.get("Upload-Offset"), "Upload-Offset")
    end = services().deliveries.receive(current_worker(), lease, kind, offset, request.stream)
    return Response(status=204, headers={"Upload-Offset": str(end)})


class PartsIn(In):
    size: int = Field(ge=0, le=5 * 1024**4, description="The whole output's size.")


class PartOut(Out):
    number: int
    url: str = Field(description="PUT the part's bytes here (presigned: no token).")
    etag: str | None = Field(description="The MD5 of the part the store holds, if any.")


class PartsOut(Out):
    part_size: int = Field(description="Every part but the last is this long.")
    parts: list[PartOut]


@endpoint(
    bp, "/jobs/<lease>/outputs/<kind>/parts", "POST", body=PartsIn, response=PartsOut,
    auth=WORKER, errors=(404, 409, 502),
)  # fmt: skip
def output_parts(lease: str, kind: str, body: PartsIn):
    """Where to send each part of an output that goes straight to the media store (one of
    the job's `direct`), and which parts it already holds: asked again, it resumes."""
    return services().deliveries.plan(current_worker(), lease, kind, body.size)


class Delivered(In):
    size: int = Field(ge=0)
    sha256: str = Field(
        pattern="^[0-9a-fA-F]{64}$", description="Checked on an output sent to the server."
    )
    parts: list[str] | None = Field(
        None,
        max_length=10_000,
        description="For an output sent to the media store: each part's MD5, in order.",
    )


class CaptionTrack(In):
    language: str | None = None
    title: str | None = None
    cues: list[tuple[float, float, str]] = []


class ResultIn(In):
    mode: str = Field("transcode", pattern="^(transcode|remux)$")
    encoder: str | None = Field(None, max_length=32)
    recorded_at: str | None = Field(None, max_length=40)
    captions: list[CaptionTrack] = Field([], max_length=32)


class FinishIn(In):
    result: ResultIn
    files: dict[str, Delivered] = Field(
        description="Size and SHA-256 of each output sent, and the part MD5s of those sent "
        "to the media store."
    )


@endpoint(
    bp, "/jobs/<lease>/finish", "POST", body=FinishIn, status=204, auth=WORKER,
    errors=(409, 422, 502),
)  # fmt: skip
def finish(lease: str, body: FinishIn):
    """Complete the job with the outputs sent (the media store's uploads are completed and
    checked here); 422 `checksum_mismatch` or
    `output_unplayable` send it back to the queue, 409 `lease_expired` refuses a late one."""
    files = {kind: d.model_dump() for kind, d in body.files.items()}
    result = body.result.model_dump()
    services().deliveries.finish(current_worker(), lease, result, files)


class GiveUpIn(In):
    error: str = Field(max_length=2000)


@endpoint(bp, "/jobs/<lease>/fail", "POST", body=GiveUpIn, status=204, auth=WORKER, errors=(409,))
def give_up(lease: str, body: GiveUpIn):
    """The worker could not process the job: it is retried, or failed on its last try."""
    services().workers.give_up(current_worker(), lease, body.error)


class ReleaseIn(In):
    reason: str = Field(default="", max_length=2000)


@endpoint(
    bp, "/jobs/<lease>/release", "POST", body=ReleaseIn, status=204, auth=WORKER, errors=(409,)
)
def release(lease: str, body: ReleaseIn):
    """The worker's own trouble (its disk is full, it is shutting down): the job goes back
    to the queue without counting an attempt, to another worker while one is around."""
    services().workers.hand_back(current_worker(), lease, body.reason)
