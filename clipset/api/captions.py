"""A video's caption tracks (list, upload, change, remove) and its seek previews."""

from __future__ import annotations

from flask import Blueprint, g, request
from pydantic import Field

from ..services.captions import LABEL_MAX, LANGUAGE_PATTERN, MAX_BYTES, too_large
from .access import services
from .endpoint import endpoint, file_form
from .schemas import In, Out, UtcDatetime

bp = Blueprint("captions", __name__, url_prefix="/api/videos")

_FORM = file_form(
    ".srt or .vtt",
    ("language",),
    language={"type": "string", "pattern": LANGUAGE_PATTERN},
    label={"type": "string", "maxLength": LABEL_MAX},
    default={"type": "boolean"},
)


class CaptionOut(Out):
    id: str
    language: str = Field(description="BCP 47 language tag, as `<track srclang>` takes it.")
    label: str
    source: str = Field(description="`upload`, or `file` when taken from the video's file.")
    is_default: bool
    url: str = Field(description="Signed URL of the WebVTT track.")
    expires_at: UtcDatetime


class CaptionPatch(In):
    language: str = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)
    label: str = Field(None, max_length=LABEL_MAX)
    is_default: bool = None


class PreviewsOut(Out):
    sprite_url: str = Field(description="Signed URL of the sprite sheet (JPEG).")
    index_url: str = Field(
        description="Signed URL of its WebVTT index; cues read `sprite.jpg#xywh=x,y,w,h`."
    )
    expires_at: UtcDatetime


def _upload() -> dict:
    """The multipart form's file (read up to the limit, never more) and fields."""
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        raise too_large()
    file = request.files.get("file")
    form = request.form
    return {
        "filename": file.filename if file is not None else "",
        "data": file.stream.read(MAX_BYTES + 1) if file is not None else b"",
        "language": form.get("language"),
        "label": form.get("label"),
        "default": form.get("default", "").lower() in ("1", "true", "yes", "on"),
    }


@endpoint(bp, "/<video_id>/captions", response=list[CaptionOut], errors=(404, 409))
def list_captions(video_id: str):
    """The video's caption tracks, each with a signed URL for `<track src>`."""
    return services().captions.tracks(g.user, video_id)


@endpoint(
    bp,
    "/<video_id>/captions",
    "POST",
    response=CaptionOut,
    status=201,
    content=_FORM,
    errors=(400, 403, 404, 413),
)
def add_caption(video_id: str):
    """Upload a SubRip or WebVTT file as a caption track (owner or admin).

    The text is sanitised; a track uploaded for a language that has one replaces it."""
    return services().captions.add(g.user, video_id, **_upload())


@endpoint(
    bp,
    "/<video_id>/captions/<caption_id>",
    "PATCH",
    body=CaptionPatch,
    response=CaptionOut,
    errors=(400, 403, 404),
)
def update_caption(video_id: str, caption_id: str, body: CaptionPatch):
    """Change a track's language or label, or make it the default (owner or admin)."""
    changes = body.model_dump(include=body.model_fields_set)
    return services().captions.update(g.user, video_id, caption_id, changes)


@endpoint(bp, "/<video_id>/captions/<caption_id>", "DELETE", status=204, errors=(403, 404))
def delete_caption(video_id: str, caption_id: str):
    """Remove a caption track (owner or admin)."""
    services().captions.remove(g.user, video_id, caption_id)


@endpoint(bp, "/<video_id>/previews", response=PreviewsOut, errors=(404, 409))
def previews(video_id: str):
    """Signed URLs of the seek previews: a sprite sheet and its WebVTT index."""
    return services().catalog.previews(g.user, video_id)
