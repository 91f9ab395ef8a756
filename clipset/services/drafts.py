"""Drafts: a finished upload, probed, with the details and edits chosen before posting.
Finalizing turns a draft into a ``pending`` video for the job workers; the one-shot
upload runs the very same upload → draft → finalize steps."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable

from ..errors import (
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    UnreadableMedia,
    UnsupportedMedia,
    ValidationFailed,
)
from ..settings import Settings
from ..store.db import immediate
from ..store.dirs import DataDir
from ..store.models import Draft, Upload, User, Video, now
from . import quota, storage
from .catalog import find
from .config import RuntimeConfig
from .uploads import Uploads
from .videos import DETAILS, check_privacy, clean_details

MIN_CLIP = 0.5  # seconds a trimmed clip must keep

EDIT_FIELDS = ("trim_start", "trim_end", "cover_time")


def check_edits(
    duration: float | None,
    trim_start: float | None,
    trim_end: float | None,
    cover_time: float | None,
) -> None:
    """0 ≤ start < end ≤ duration, at least MIN_CLIP long; the cover inside the clip."""
    duration = duration or 0.0
    start = 0.0 if trim_start is None else trim_start
    end = duration if trim_end is None else trim_end
    for name, value in (
        ("trim_start", trim_start),
        ("trim_end", trim_end),
        ("cover_time", cover_time),
    ):
        if value is not None and not 0 <= value <= duration:
            raise ValidationFailed(
                f"{name}: must be between 0 and the video's length of {duration:.2f} s", field=name
            )
    if (trim_start is not None or trim_end is not None) and end - start < MIN_CLIP:
        field = "trim_end" if trim_end is not None else "trim_start"
        raise ValidationFailed(
            f"{field}: the trimmed clip must be at least {MIN_CLIP} s long "
            f"and end after it starts",
            field=field,
        )
    if cover_time is not None and not start <= cover_time <= end:
        raise ValidationFailed(
            f"cover_time: pick a moment inside the clip ({start:.2f}–{end:.2f} s)",
            field="cover_time",
        )


class Drafts:
    def __init__(
        self,
        settings: Settings,
        data: DataDir,
        config: RuntimeConfig,
        uploads: Uploads,
        wake_jobs: Callable[[], None],
    ):
        self.settings = settings
        self.data = data
        self.config = config
        self.uploads = uploads
        self.wake_jobs = wake_jobs

    # -- creating ---------------------------------------------------------------------
    def create(self, user: User, upload_id: str, fields: dict[str, Any]) -> Draft:
        upload = self._draftable(user, upload_id)
        details = clean_details({name: fields.get(name) for name in DETAILS})
        privacy = _privacy(fields.get("privacy"))
        probe = self._probe(upload)
        with immediate():
            # Again: the upload may have been cancelled or drafted while it was probed.
            self._draftable(user, upload_id)
            stamp = now()
            return Draft.create(
                user=user.id,
                upload=upload.id,
                probe=probe,
                privacy=privacy,
                created_at=stamp,
                updated_at=stamp,
                **details,
            )

    def _draftable(self, user: User, upload_id: str) -> Upload:
        upload = self.uploads.authorize(upload_id, user=user)
        if upload.state != "complete":
            raise Conflict(
                f"The upload has {upload.offset} of {upload.length} bytes; finish "
                "it before making a draft.",
                error_code="upload_incomplete",
            )
        if Draft.select().where(Draft.upload == upload.id).exists():
            raise Conflict("This upload already has a draft.", error_code="draft_exists")
        return upload

    def _probe(self, upload: Upload) -> dict:
        from .. import media  # PyAV is loaded when the first video is probed

        try:
            probe = media.probe(
                self.data.upload_file(upload.id),
                accepted_formats=self.config["accepted_formats"],
                max_duration=self.settings.max_duration_seconds,
            )
        except (UnsupportedMedia, UnreadableMedia) as exc:
            self.uploads.discard(upload)
            raise type(exc)(
                f"{exc.detail} The upload was removed and its quota given back.",
                error_code=exc.error_code,
            ) from None
        return probe.as_dict()

    # -- reading and editing ----------------------------------------------------------
    def get(self, user: User, draft_id: int) -> Draft:
        draft = (
            Draft.select(Draft, Upload)
            .join(Upload)
            .where(Draft.id == draft_id, Draft.user == user.id)
            .first()
        )
        if draft is None:
            raise NotFound("This draft does not exist.", error_code="draft_not_found")
        return draft

    def list(self, user: User) -> list[Draft]:
        return list(
            Draft.select(Draft, Upload)
            .join(Upload)
            .where(Draft.user == user.id)
            .order_by(Draft.updated_at.desc(), Draft.id.desc())
        )

    def update(self, user: User, draft_id: int, changes: dict[str, Any]) -> Draft:
        with immediate():
            draft = self.get(user, draft_id)
            for field, value in clean_details(changes).items():
                setattr(draft, field, value)
            if "privacy" in changes:
                draft.privacy = _privacy(changes["privacy"])
            edits = {name: changes.get(name, getattr(draft, name)) for name in EDIT_FIELDS}
            check_edits(draft.probe.get("duration"), **edits)
            for name, value in edits.items():
                setattr(draft, name, value)
            draft.updated_at = now()
            draft.save()
        return self.get(user, draft_id)

    def delete(self, user: User, draft_id: int) -> None:
        """The draft, its upload file and the quota they held."""
        upload = self.get(user, draft_id).upload
        self.uploads.discard(upload)
        storage.remove(self.data.filmstrip_file(upload.id))

    # -- posting ----------------------------------------------------------------------
    def finalize(self, user: User, draft_id: int) -> Video:
        """The draft becomes a pending video; its file moves to the originals folder and
        goes back if the rows can't be written (the commit included). The video keeps the
        upload's id as its storage key, so if the process dies between the move and the
        commit, start-up finds the file by the upload still on record and moves it back
        (``Uploads.recover``)."""
        moved = None
        try:
            with immediate():
                draft = self.get(user, draft_id)
                upload = draft.upload
                video = Video(
                    storage_key=upload.id,
                    uploader=user.id,
                    title=draft.title,
                    description=draft.description,
                    tags=draft.tags,
                    category=draft.category_id,
                    privacy=draft.privacy,
                    trim_start=draft.trim_start,
                    trim_end=draft.trim_end,
                    cover_time=draft.cover_time,
                    original_filename=upload.filename,
                    source_size_bytes=upload.length,
                    processing_status="pending",
                )
                source = self.data.upload_file(upload.id)
                target = self.data.original_file(video.storage_key)
                os.replace(source, target)
                moved = (target, source)
                video.save(force_insert=True)
                Upload.delete().where(Upload.id == upload.id).execute()  # the draft cascades
        except BaseException:
            if moved:
                os.replace(*moved)
            raise
        storage.remove(self.data.filmstrip_file(upload.id))  # the editor is done with it
        self.wake_jobs()
        return find(video.public_id, user)  # as the API shows it

    def one_shot(
        self,
        user: User,
        content_length: int | None,
        receive: Callable[[Callable[[], Any]], dict[str, Any]],
    ) -> Video:
        """Upload, draft and post in one request (scripts, curl).

        ``receive(open_file)`` parses the request, writing the file part to what
        ``open_file()`` returns, and gives back the other form fields. The quota is held
        for the whole request body first (the file can't be larger), then trimmed to the
        file's real size."""
        if not content_length:
            raise BadRequest(
                "Send the Content-Length of the request.", error_code="length_required"
            )
        upload = self.uploads.create(user, "upload", content_length, allowance=FORM_OVERHEAD)
        path = self.data.upload_file(upload.id)
        opened: list = []

        def open_file():
            if opened:
                raise BadRequest("Send exactly one file.", error_code="one_file_only")
            opened.append(open(path, "wb"))
            return opened[0]

        try:
            fields = receive(open_file)
            if not opened:
                raise ValidationFailed("file: attach the video file", field="file")
            opened[0].close()
            size = path.stat().st_size
            limit = self.config["max_file_size_bytes"]
            if size == 0:
                raise ValidationFailed("file: the file is empty", field="file")
            if size > limit:
                raise PayloadTooLarge(
                    f"This file is {size} bytes; the largest upload allowed is {limit} bytes.",
                    field="file",
                )
            with immediate():
                quota.release(user.id, upload.length - size, upload.created_at)
                Upload.update(
                    length=size,
                    offset=size,
                    state="complete",
                    filename=(fields.pop("filename", None) or "upload")[:255],
                ).where(Upload.id == upload.id).execute()
            draft = self.create(user, upload.id, fields)
            return self.finalize(user, draft.id)
        except BaseException:
            for f in opened:
                with contextlib.suppress(OSError):  # its unwritten buffer, on a full disk
                    f.close()
            # Frees the held quota; the exact size if the file was already measured.
            self.uploads.discard(Upload.get_or_none(Upload.id == upload.id) or upload)
            raise


# Multipart boundaries and the small text fields that come with the file.
FORM_OVERHEAD = 256 * 1024


def _privacy(privacy: str | None) -> str:
    return check_privacy(privacy or "public")  # a draft is public unless told otherwise
