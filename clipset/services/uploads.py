"""Resumable uploads (tus 1.0.0): the size and weekly quota are settled before a byte is
sent, bytes are streamed to ``media/uploads/<id>`` at an offset, and an upload that is
cancelled, refused or abandoned takes its file, its row and its quota reservation with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
from typing import BinaryIO

from peewee import JOIN

from ..errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnsupportedMedia,
    ValidationFailed,
)
from ..security.tokens import UrlSigner
from ..settings import Settings
from ..store.db import immediate, total
from ..store.dirs import DataDir
from ..store.models import Draft, Upload, User, now
from . import quota, storage
from .bearers import bearer, claims_for
from .config import RuntimeConfig
from .videos import TAGS_MAX

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024  # read and written at a time; memory stays flat at any upload size
# The offset is saved this often while a PATCH runs, and always when it ends.
SAVE_EVERY = 8 * CHUNK


class Uploads:
    def __init__(
        self, settings: Settings, data: DataDir, config: RuntimeConfig, signer: UrlSigner
    ):
        self.settings = settings
        self.data = data
        self.config = config
        self.signer = signer
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()

    @property
    def ttl(self) -> dt.timedelta:
        return dt.timedelta(hours=self.settings.upload_expiry_hours)

    def limits(self, user: User) -> dict:
        """What the user may upload now: the weekly quota and the per-file limits."""
        config = self.config.get()
        return {
            **quota.usage(user.id, config["weekly_upload_limit_bytes"]),
            "max_file_size_bytes": config["max_file_size_bytes"],
            "accepted_formats": config["accepted_formats"],
            "max_tags": TAGS_MAX,
        }

    # -- creating ---------------------------------------------------------------------
    def create(
        self,
        user: User,
        filename: str,
        size: int,
        content_type: str | None = None,
        *,
        allowance: int = 0,
    ) -> Upload:
        """Checks size, disk room and quota, reserves the quota, makes the row and an
        empty file. Serves ``upload-url``, tus creation and the one-shot upload (whose
        ``size`` is the whole request: ``allowance`` covers the form around the file)."""
        filename = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255]
        if not filename:
            raise ValidationFailed("filename: give the name of the file", field="filename")
        if size < 1:
            raise ValidationFailed("size: the file is empty", field="size")
        config = self.config.get()
        limit = config["max_file_size_bytes"]
        if size > limit + allowance:
            raise PayloadTooLarge(
                f"This file is {storage.size_text(size)}; the largest upload allowed is "
                f"{storage.size_text(limit)}.",
                field="size",
            )
        created = now()
        upload = Upload(
            user=user.id,
            filename=filename,
            content_type=content_type,
            length=size,
            created_at=created,
            updated_at=created,
            expires_at=created + self.ttl,
        )
        path = self.data.upload_file(upload.id)
        try:
            path.touch(exist_ok=False)
            # Under the write lock, so two uploads can't both count the same free space.
            with immediate():
                storage.ensure_room(
                    self.data,
                    size,
                    reserved=self.reserved(),
                    margin=self.settings.disk_margin_bytes,
                )
                quota.reserve(user.id, size, config["weekly_upload_limit_bytes"])
                upload.save(force_insert=True)
        except Exception as exc:
            storage.remove(path)
            raise storage.as_disk_full(exc) or exc
        return upload

    @staticmethod
    def reserved() -> int:
        """Bytes unfinished uploads are still owed: what is to come of each one."""
        return (
            Upload.select(total(Upload.length - Upload.offset))
            .where(Upload.state == "uploading")
            .scalar()
        )

    def url(self, upload: Upload) -> str:
        token = self.signer.sign({**claims_for(upload.user), "id": upload.id})
        return f"/api/uploads/{upload.id}?token={token}"

    def check_link(self, upload_id: str, token: str) -> dict:
        """The claims of ``token`` if it is a signed, unexpired link for ``upload_id``, else
        Forbidden. Signature only, no database: cheap enough to ask before a body is read
        (whether the user it names still holds is checked by ``authorize``)."""
        claims = self.signer.verify(token, int(self.ttl.total_seconds()))
        if claims.get("id") != upload_id:
            raise Forbidden("This upload link is for another upload.", error_code="invalid_link")
        return claims

    # -- finding ----------------------------------------------------------------------
    def authorize(
        self, upload_id: str, *, token: str | None = None, user: User | None = None
    ) -> Upload:
        """The upload, if the signed token is for it or ``user`` owns it; 404 otherwise
        (an upload of someone else is not found, not forbidden)."""
        upload = Upload.get_or_none(Upload.id == upload_id)
        if token is not None:
            owner = bearer(self.check_link(upload_id, token)).id
        elif user is not None:
            owner = user.id
        else:
            raise Forbidden(
                "Use the upload URL you were given, or sign in.", error_code="invalid_link"
            )
        if upload is None or upload.user_id != owner or upload.state == "consumed":
            raise NotFound(
                "This upload does not exist or was removed.", error_code="upload_not_found"
            )
        return upload

    # -- receiving bytes --------------------------------------------------------------
    def append(
        self,
        upload_id: str,
        offset: int,
        stream: BinaryIO,
        content_length: int | None,
        *,
        token: str | None = None,
        user: User | None = None,
    ) -> Upload:
        """Writes ``stream`` at ``offset``, which must be where the upload stands, for the
        holder of the upload's link ``token`` or its owner ``user`` (as ``authorize``)."""
        self.authorize(upload_id, token=token, user=user)
        with self._exclusive(upload_id):
            upload = Upload.get_or_none(Upload.id == upload_id)  # fresh, under the guard
            if upload is None:
                raise NotFound("This upload was removed.", error_code="upload_not_found")
            if offset != upload.offset:
                raise Conflict(
                    f"The upload is at byte {upload.offset}, not {offset}. Ask "
                    "for the offset (HEAD) and resume from there.",
                    error_code="offset_mismatch",
                )
            room = upload.length - offset
            if content_length is not None and content_length > room:
                raise PayloadTooLarge(
                    f"Only {room} more bytes fit in this upload's declared "
                    f"length of {upload.length}.",
                    error_code="past_length",
                )
            position = saved = offset
            try:
                with open(self.data.upload_file(upload.id), "r+b") as f:
                    f.seek(offset)
                    while True:
                        # One byte more than fits, to notice data past the declared length.
                        chunk = stream.read(min(CHUNK, upload.length - position + 1))
                        if not chunk:
                            break
                        if position + len(chunk) > upload.length:
                            raise PayloadTooLarge(
                                f"The data runs past the declared length of {upload.length}.",
                                error_code="past_length",
                            )
                        self._check_margin(len(chunk))
                        f.write(chunk)
                        position += len(chunk)
                        if position - saved >= SAVE_EVERY:
                            f.flush()
                            self._save_offset(upload, position)
                            saved = position
            except FileNotFoundError:
                raise NotFound(
                    "This upload's file is gone; start the upload again.",
                    error_code="upload_not_found",
                ) from None
            except OSError as exc:
                raise storage.as_disk_full(exc) or exc
            finally:
                # Whatever reached the file counts, so an interrupted PATCH can resume.
                if position != saved:
                    self._save_offset(upload, position)
        self._refuse_if_not_video(upload, offset)
        return upload

    def _check_margin(self, nbytes: int) -> None:
        """Bytes of an upload never go into the margin (something else took the room it
        was promised): it stops with 507 while the database can still record where."""
        if storage.free_bytes(self.data) - nbytes < self.settings.disk_margin_bytes:
            raise storage.InsufficientStorage(
                "The server's disk filled up during this upload; what arrived is kept. "
                "Resume once the host has freed some space."
            )

    def _refuse_if_not_video(self, upload: Upload, start: int) -> None:
        """Once the file's head has arrived, a file that is clearly not a video is refused
        (and removed, its quota given back) instead of being sent in full first."""
        from .. import media  # PyAV loads with the first upload, not at start

        head = min(media.HEAD_BYTES, upload.length)
        if not start < head <= upload.offset:
            return
        try:
            media.check_head(self.data.upload_file(upload.id))
        except UnsupportedMedia:
            self.discard(upload)
            raise

    def _save_offset(self, upload: Upload, position: int) -> None:
        state = "complete" if position >= upload.length else "uploading"
        Upload.update(offset=position, state=state, updated_at=now()).where(
            Upload.id == upload.id
        ).execute()
        upload.offset, upload.state = position, state

    @contextlib.contextmanager
    def _exclusive(self, upload_id: str):
        """One writer per upload; a second one is refused rather than interleaved."""
        with self._busy_lock:
            if upload_id in self._busy:
                raise Conflict(
                    "Another request is writing to this upload.", error_code="upload_busy"
                )
            self._busy.add(upload_id)
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy.discard(upload_id)

    # -- removing ---------------------------------------------------------------------
    def discard(self, upload: Upload) -> bool:
        """Removes the upload's file, then its row (its draft goes with it) and quota
        reservation. The file goes first: on a full disk the row can't be deleted until
        space is freed, and a row without its file is still cancelled again or expires,
        whereas a file without its row would be lost space. False if it was already gone."""
        path = self.data.upload_file(upload.id)
        try:
            path.unlink(missing_ok=True)
        except OSError:  # held open (Windows): empty it at least, the row still goes
            log.warning("could not remove %s", path, exc_info=True)
            with contextlib.suppress(OSError):
                os.truncate(path, 0)
        try:
            with immediate():
                gone = Upload.delete().where(Upload.id == upload.id).execute()
                if gone:
                    quota.release(upload.user_id, upload.length, upload.created_at)
        except Exception as exc:
            raise storage.as_disk_full(exc) or exc
        return bool(gone)

    def recover(self) -> int:
        """At start-up: an upload still on record whose file sits in the originals folder
        was being posted when the process died (``Drafts.finalize`` moves the file, then
        commits). Put the file back so the draft can be posted again; returns how many."""
        recovered = 0
        for upload in Upload.select(Upload.id):
            original = self.data.original_file(upload.id)
            source = self.data.upload_file(upload.id)
            if original.exists() and not source.exists():
                os.replace(original, source)
                recovered += 1
        if recovered:
            log.warning("moved %d interrupted post(s) back to their drafts", recovered)
        return recovered

    def remove_abandoned(self, at: dt.datetime | None = None) -> int:
        """Uploads past ``expires_at`` that never became a draft, and drafts untouched for
        ``upload_expiry_hours``; returns how many uploads were removed."""
        at = at or now()
        no_draft = (
            Upload.select()
            .join(Draft, on=(Draft.upload == Upload.id), join_type=JOIN.LEFT_OUTER)
            .where(Draft.id.is_null(), Upload.expires_at < at)
        )
        stale = (
            Upload.select()
            .join(Draft, on=(Draft.upload == Upload.id))
            .where(Draft.updated_at < at - self.ttl)
        )
        removed = 0
        for upload in list(no_draft) + list(stale):
            removed += self.discard(upload)
        if removed:
            log.info("removed %d abandoned upload(s)", removed)
        return removed
