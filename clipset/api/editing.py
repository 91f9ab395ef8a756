"""Editing a posted video's cover and trim (owner or admin); see services/edits.py."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g
from pydantic import Field

from .access import services
from .drafts import FilmstripOut
from .endpoint import endpoint
from .schemas import In, Out, VideoOut

bp = Blueprint("editing", __name__, url_prefix="/api/videos")

Seconds = Field(ge=0, le=86_400 * 7, description="Seconds on the posted video's timeline.")


class CoverIn(In):
    time: float = Seconds


class TrimIn(In):
    start: float = Seconds
    end: float = Seconds


class TrimStateOut(Out):
    state: Literal["idle", "running", "failed"] = Field(
        description="`running` while the new cut is made (the old one plays meanwhile); "
        "`failed` if the last trim failed (the video stayed as it was)."
    )
    percent: float
    error: str | None


@endpoint(bp, "/<video_id>/filmstrip", response=FilmstripOut, errors=(403, 404, 409))
def video_filmstrip(video_id: str):
    """Frames of the posted video for its editor's trim bar and cover picker."""
    return services().edits.filmstrip(g.user, video_id)


@endpoint(bp, "/<video_id>/cover", "PUT", body=CoverIn, response=VideoOut, errors=(403, 404, 409))
def set_cover(video_id: str, body: CoverIn):
    """Make the frame at `time` the cover: a new thumbnail, the video itself untouched."""
    return services().edits.set_cover(g.user, video_id, body.time)


@endpoint(
    bp,
    "/<video_id>/trim",
    "POST",
    body=TrimIn,
    response=TrimStateOut,
    status=202,
    errors=(403, 404, 409),
)
def trim(video_id: str, body: TrimIn):
    """Cut the video to `start`–`end` in a job; it keeps playing as it was until the new
    cut is ready (`video.edit_progress`, then `video.edited` or `video.edit_failed`)."""
    return services().edits.trim(g.user, video_id, body.start, body.end)


@endpoint(bp, "/<video_id>/trim", response=TrimStateOut, errors=(403, 404))
def trim_state(video_id: str):
    """Whether a trim of this video is running, or how the last one ended."""
    return services().edits.trim_state(g.user, video_id)
