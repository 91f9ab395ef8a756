"""Admin control of processing jobs."""

from __future__ import annotations

from flask import Blueprint, g

from .access import services
from .endpoint import ADMIN, endpoint
from .schemas import VideoOut

bp = Blueprint("jobs", __name__, url_prefix="/api/admin")


@endpoint(bp, "/videos/<video_id>/retry", "POST", response=VideoOut, auth=ADMIN, errors=(404, 409))
def retry(video_id: str):
    """Queue a failed video for processing again (its attempts start over).

    409 if the video has not failed; 404 if it, or its uploaded original, is gone."""
    return services().jobs.retry(g.user, video_id)
