"""What a remote worker delivers for its job (the processed video, its thumbnail and seek
previews) and the checks each passes before it replaces anything.

Without a bucket every output comes to the server resumably (tus-style offsets, in
``tmp``) and is checked there (size, SHA-256). With ``media_store`` set the video and the
seek previews go straight to the bucket: the server opens a multipart upload per file and
hands out a presigned PUT URL per part, and an interrupted worker asks again and sends
only the parts the store doesn't hold yet. On finishing, the server checks the parts the
store lists against the MD5s the worker reports, completes the upload, checks the
object's size and ETag (HEAD, the store's own MD5s of the bytes it holds), probes the
video there by byte ranges (its index and first frames, not the whole file), and only
then lets the row name it. The thumbnail still comes to the server, which makes its
variants from it. Any refusal sends the job back to the queue (the attempt counts) and
drops what arrived: a half-done upload is aborted, a completed object removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import BinaryIO

from ..errors import Conflict, Forbidden, NotFound, UnreadableMedia, ValidationFailed
from ..security.tokens import UrlSigner
from ..settings import Settings
from ..store.dirs import DataDir
from ..store.models import Video, Worker
from . import storage
from .bucket import multipart_etag, part_count, part_size
from .leases import Leases
from .media_files import BUCKET_TYPES, MediaFiles
from .media_urls import THUMBNAIL_WIDTHS
from .outcomes import message

CHUNK = 1024 * 1024
LINK_SECONDS = 7 * 24 * 3600  # the lease is the real limit
# What a worker delivers, and the suffix each has in tmp; the last two are optional.
OUTPUTS = {"video": "mp4", "thumbnail": "jpg", "sprite": "sprite.jpg", "previews": "vtt"}
REQUIRED = ("video", "thumbnail")
# What goes straight to the bucket, when there is one.
DIRECT = ("video", "sprite", "previews")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Deliveries:
    def __init__(
        self,
        settings: Settings,
        data: DataDir,
        keys: list[bytes],
        files: MediaFiles,
        leases: Leases,
    ):
        self.settings = settings
        self.data = data
        # The outputs' upload link: checked by signature alone when a request's head
        # arrives, so its body may be larger than other requests' (api.bodies).
        self.signer = UrlSigner(keys, "worker-output")
        self.files = files
        self.bucket = files.bucket
        self.leases = leases
        self.outcomes = leases.outcomes
        leases.on_end.append(self.discard)

    def direct(self) -> list[str]:
        """The outputs a worker sends to the bucket itself (none without a bucket)."""
        return list(DIRECT) if self.bucket is not None else []

    # -- through the server -----------------------------------------------------------
    def output_token(self, lease: str) -> str:
        return self.signer.sign({"l": lease})

    def check_output_link(self, lease: str, token: str) -> None:
        """That ``token`` is the output link of ``lease`` (signature only: no database);
        the lease itself is checked with each request."""
        claims = self.signer.verify(token, LINK_SECONDS)
        if not isinstance(claims, dict) or claims.get("l") != lease:
            raise Forbidden("This link is not valid.", error_code="invalid_link")

    def _output(self, lease: str, kind: str) -> Path:
        if kind not in OUTPUTS:
            raise NotFound(
                f"Outputs are {', '.join(OUTPUTS)}; not {kind!r}.", error_code="unknown_output"
            )
        return self.data.tmp / f"remote-{lease}.{OUTPUTS[kind]}"

    def offset(self, worker: Worker, lease: str, kind: str) -> int:
        """How much of an output has arrived: where an interrupted upload resumes."""
        self.leases.held(worker, lease)
        path = self._output(lease, kind)
        return path.stat().st_size if path.exists() else 0

    def receive(self, worker: Worker, lease: str, kind: str, offset: int, stream: BinaryIO) -> int:
        """Appends ``stream`` to an output at ``offset``, which must be where it stands
        (409 ``offset_mismatch`` otherwise, as on a tus upload); returns the new offset."""
        self.leases.held(worker, lease)
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

    # -- straight to the bucket -------------------------------------------------------
    def plan(self, worker: Worker, lease: str, kind: str, size: int) -> dict:
        """Where each part of a ``size``-byte output goes (a presigned PUT URL), and the
        ETag of each part the store already holds, which needn't be sent again."""
        video = self.leases.held(worker, lease)
        if kind not in self.direct():
            raise NotFound(
                f"The {kind} goes to the server, not the media store.", error_code="not_direct"
            )
        name = self.files.name(kind, video.storage_key)
        upload = self.bucket.open_upload(name, BUCKET_TYPES[kind])
        held = self.bucket.parts(name, upload)
        each = part_size(size)
        ttl = self.settings.media_url_ttl_seconds
        return {
            "part_size": each,
            "parts": [
                {
                    "number": n,
                    "url": self.bucket.presign_part(name, upload, n, ttl),
                    "etag": held[n][1] if n in held else None,
                }
                for n in range(1, part_count(size) + 1)
            ],
        }

    def _parts_match(self, video: Video, kind: str, declared: dict) -> bool:
        """Whether the store holds exactly the parts the worker says it sent."""
        size, md5s = declared["size"], [m.lower() for m in declared["parts"]]
        if len(md5s) != part_count(size):
            return False
        name = self.files.name(kind, video.storage_key)
        upload = self.bucket.upload_in_progress(name)
        if upload is None:
            return False
        held, each = self.bucket.parts(name, upload), part_size(size)
        return all(
            held.get(n) == (min(each, size - (n - 1) * each), md5) for n, md5 in enumerate(md5s, 1)
        )

    def _complete(self, video: Video, kind: str, declared: dict) -> bool:
        """Completes the upload; whether the object is the size and ETag declared."""
        name = self.files.name(kind, video.storage_key)
        md5s = [m.lower() for m in declared["parts"]]
        self.files.deletes.forget(name)  # a delete still pending must not take the new one
        self.bucket.complete_upload(name, self.bucket.upload_in_progress(name), md5s)
        return self.bucket.head(name) == (declared["size"], multipart_etag(md5s))

    # -- the end of a job -------------------------------------------------------------
    def finish(self, worker: Worker, lease: str, result: dict, files: dict) -> None:
        """Checks the delivered outputs and completes the job with them. A size or
        checksum that doesn't match (422 ``checksum_mismatch``) or a video that fails the
        probe (422 ``output_unplayable``) sends the job back to the queue."""
        from .. import media  # PyAV loads with the first job, not at start

        video = self.leases.held(worker, lease)
        paths = {kind: self._output(lease, kind) for kind in OUTPUTS}
        direct = {k for k, d in files.items() if k in OUTPUTS and d.get("parts") is not None}
        if not direct <= set(self.direct()):
            raise ValidationFailed(
                f"files: only {', '.join(self.direct()) or 'nothing'} goes to the media store",
                field="files",
            )
        stored: set[str] = set()  # completed objects, removed unless the job is accepted
        try:
            for kind in OUTPUTS:
                declared = files.get(kind)
                if declared is None and kind not in REQUIRED:
                    continue
                if declared is None or not (
                    self._parts_match(video, kind, declared)
                    if kind in direct
                    else _file_matches(paths[kind], declared)
                ):
                    raise self._damaged(video, lease, kind)
            for kind in sorted(direct):
                stored.add(kind)
                if not self._complete(video, kind, files[kind]):
                    raise self._damaged(video, lease, kind)
            try:
                out = self._verify(video, "video" in direct, paths["video"])
            except Exception as exc:
                self.leases.release(video, lease, message(exc))
                raise UnreadableMedia(
                    f"The delivered video failed verification ({message(exc)}); the job "
                    "goes back to the queue.",
                    error_code="output_unplayable",
                ) from None
            outcome = media.Result.of(
                out,
                str(result.get("mode", "transcode")),
                recorded_at=_datetime(result.get("recorded_at")),
                encoder=result.get("encoder"),
                captions=tuple(media.captions.Track(**t) for t in result.get("captions", ())),
                previews="sprite" in files and "previews" in files,
            )
            # Once the lease is cleared a late sweep can't requeue what is being stored.
            if (
                not Video.update(lease_token=None, lease_expires_at=None)
                .where(Video.id == video.id, Video.lease_token == lease)
                .execute()
            ):
                raise Conflict("This job's lease has expired.", error_code="lease_expired")
            variants = media.make_variants(paths["thumbnail"], THUMBNAIL_WIDTHS)
            if self.outcomes.complete(
                video,
                outcome,
                paths["video"],
                paths["thumbnail"],
                (paths["sprite"], paths["previews"]),
                variants,
                stored=stored,
            ):
                stored = set()  # the video's own files now
            Worker.update(jobs_done=Worker.jobs_done + 1).where(Worker.id == worker.id).execute()
        finally:
            if stored:  # refused once completed: removed, or kept to remove later
                key = video.storage_key
                self.files.deletes.remove(key, {k: self.files.name(k, key) for k in stored})
            for kind in set(self.direct()) - direct:  # begun, then sent to the server
                self.bucket.abort_uploads(self.files.name(kind, video.storage_key))
            storage.remove(*paths.values(), *self.data.tmp.glob(f"remote-{lease}.*"))

    def _verify(self, video: Video, in_bucket: bool, path: Path):
        """The probe of the delivered video: the object in the bucket, read by byte
        ranges as a player reads it, or the file that came to the server."""
        from .. import media

        if not in_bucket:
            return media.verify(path)
        with self.bucket.opened(self.files.name("video", video.storage_key)) as source:
            return media.verify(source)

    def _damaged(self, video: Video, lease: str, kind: str) -> UnreadableMedia:
        self.leases.release(video, lease, f"The worker's {kind} arrived damaged.")
        return UnreadableMedia(
            f"The {kind} that arrived does not match its size and checksum; "
            "the job goes back to the queue.",
            error_code="checksum_mismatch",
        )

    def discard(self, video: Video, lease: str) -> None:
        """What a lease that ended left: its files in tmp, its uploads to the bucket."""
        storage.remove(*self.data.tmp.glob(f"remote-{lease}.*"))
        for kind in self.direct():
            self.bucket.abort_uploads(self.files.name(kind, video.storage_key))


def _file_matches(path: Path, declared: dict) -> bool:
    return (
        path.exists()
        and path.stat().st_size == declared["size"]
        and sha256_of(path) == declared["sha256"].lower()
    )


def _datetime(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None) if value else None
    except (TypeError, ValueError):
        return None
