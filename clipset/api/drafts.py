"""Drafts, finalize and the one-shot multipart upload (``/api/videos``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from pydantic import Field
from werkzeug.formparser import FormDataParser

from ..errors import UnsupportedMedia, ValidationFailed
from ..services.videos import DESCRIPTION_MAX, TITLE_MAX, TITLE_PATTERN
from ..store.db import MAX_INT
from ..store.models import PRIVACY, Draft
from .access import current_user, services
from .endpoint import endpoint, file_form, whole_number
from .schemas import In, Out, Privacy, Tags, UtcDatetime, VideoOut

bp = Blueprint("drafts", __name__, url_prefix="/api/videos")

# Text fields of the one-shot form are small; the file part goes straight to disk.
# Werkzeug applies this bound to its parse buffer too (one 64 KiB read plus the tail kept
# while looking for the boundary), so it must stay well above the read size or binary
# files fail with 413.
FORM_FIELD_MEMORY = 1024 * 1024


class DraftIn(In):
    upload_id: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=TITLE_MAX, pattern=TITLE_PATTERN)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
    tags: Tags | None = None
    category_id: int | None = None
    privacy: Privacy | None = None


class DraftPatch(In):
    """Any subset; `null` clears trim_start, trim_end, cover_time and category_id."""

    title: str = Field(None, min_length=1, max_length=TITLE_MAX, pattern=TITLE_PATTERN)
    description: str = Field(None, max_length=DESCRIPTION_MAX)
    tags: Tags = None
    category_id: int | None = None
    privacy: Privacy = None
    trim_start: float | None = Field(None, ge=0)
    trim_end: float | None = Field(None, ge=0)
    cover_time: float | None = Field(None, ge=0)


class DraftOut(Out):
    id: int
    upload_id: str
    filename: str
    size_bytes: int
    title: str
    description: str
    tags: list[str]
    category_id: int | None
    privacy: Privacy
    trim_start: float | None
    trim_end: float | None
    cover_time: float | None
    probe: dict[str, Any] = Field(
        description="What the server found in the file: "
        "container, duration, width, height, codecs…"
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime


class FilmstripOut(Out):
    url: str = Field(description="A signed link to the strip: `frames` frames side by side.")
    expires_at: UtcDatetime
    frames: int
    times: list[float] = Field(description="The moment each frame shows, in seconds.")
    duration: float
    aspect: float = Field(description="Each frame's width over its height, as shown.")


class FinalizeIn(In):
    draft_id: int


def _out(draft: Draft) -> dict:
    return {
        "id": draft.id,
        "upload_id": draft.upload.id,
        "filename": draft.upload.filename,
        "size_bytes": draft.upload.length,
        "title": draft.title,
        "description": draft.description,
        "tags": draft.tags,
        "category_id": draft.category_id,
        "privacy": draft.privacy,
        "trim_start": draft.trim_start,
        "trim_end": draft.trim_end,
        "cover_time": draft.cover_time,
        "probe": draft.probe,
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
    }


@endpoint(
    bp, "/drafts", "POST", body=DraftIn, response=DraftOut, status=201, errors=(404, 409, 415, 422)
)
def create_draft(body: DraftIn):
    """Make a draft from a finished upload; the server probes the file here.

    A file that is not a supported, readable video is refused (415/422) and removed,
    and its quota given back."""
    fields = body.model_dump(exclude={"upload_id"})
    return _out(services().drafts.create(current_user(), body.upload_id, fields))


@endpoint(bp, "/drafts", response=list[DraftOut])
def list_drafts():
    """Your drafts, newest first."""
    return [_out(d) for d in services().drafts.list(current_user())]


@endpoint(bp, "/drafts/<int:draft_id>", response=DraftOut, errors=(404,))
def get_draft(draft_id: int):
    """One of your drafts."""
    return _out(services().drafts.get(current_user(), draft_id))


@endpoint(bp, "/drafts/<int:draft_id>", "PATCH", body=DraftPatch, response=DraftOut, errors=(404,))
def update_draft(draft_id: int, body: DraftPatch):
    """Edit details, trim (start < end, at least 0.5 s) and cover time."""
    changes = body.model_dump(exclude_unset=True)
    return _out(services().drafts.update(current_user(), draft_id, changes))


@endpoint(bp, "/drafts/<int:draft_id>/filmstrip", response=FilmstripOut, errors=(404, 422))
def draft_filmstrip(draft_id: int):
    """Frames of the draft's original for the trim bar and cover picker (made once)."""
    return services().filmstrips.issue(current_user(), draft_id)


@endpoint(bp, "/drafts/<int:draft_id>", "DELETE", status=204, errors=(404,))
def delete_draft(draft_id: int):
    """Discard a draft with its file; its quota is given back."""
    services().drafts.delete(current_user(), draft_id)


@endpoint(bp, "/finalize", "POST", body=FinalizeIn, response=VideoOut, status=201, errors=(404,))
def finalize(body: FinalizeIn):
    """Post a draft: it becomes a `pending` video and is queued for processing."""
    return services().drafts.finalize(current_user(), body.draft_id)


_FORM = file_form(
    "The video.",
    ("title",),
    title={"type": "string", "minLength": 1, "maxLength": TITLE_MAX, "pattern": TITLE_PATTERN},
    description={"type": "string", "maxLength": DESCRIPTION_MAX},
    tags={"type": "string", "description": "Comma-separated."},
    category_id={"type": "integer", "minimum": 1, "maximum": MAX_INT},
    privacy={"type": "string", "enum": list(PRIVACY)},
)


@endpoint(
    bp,
    "",
    "POST",
    response=VideoOut,
    status=201,
    content=_FORM,
    errors=(400, 404, 413, 415, 422, 507),
)
def upload_video():
    """One-shot upload for scripts: multipart form with `file`, `title`, and optionally
    `description`, `tags` (comma-separated), `category_id`, `privacy`.

    Example: `curl -H "Authorization: Bearer $TOKEN" -F file=@clip.mp4 -F title=Hi
    http://host:8420/api/videos`. The file streams to disk, never into memory."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMedia(
            "Send a multipart/form-data form with a `file` field.", error_code="multipart_required"
        )
    return services().drafts.one_shot(current_user(), request.content_length, _receive)


def _receive(open_file) -> dict[str, Any]:
    """Parses the form, writing the file part to ``open_file()``; the other fields back."""
    names: list[str] = []

    def stream_factory(total_content_length, content_type, filename, content_length=None):
        names.append(filename or "upload")
        return open_file()

    parser = FormDataParser(
        stream_factory=stream_factory, max_form_memory_size=FORM_FIELD_MEMORY, max_form_parts=64
    )
    _, form, files = parser.parse(
        request.stream, request.mimetype, request.content_length, request.mimetype_params
    )
    if "file" not in files:
        raise ValidationFailed("file: attach the video as the `file` field", field="file")
    category = form.get("category_id", "").strip()
    return {
        "filename": names[0],
        "title": form.get("title"),
        "description": form.get("description"),
        "tags": form.get("tags", "").split(","),
        "category_id": whole_number(category, "category_id") if category else None,
        "privacy": form.get("privacy") or None,
    }
