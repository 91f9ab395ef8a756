"""Your own lists of videos: Favourites (what you liked) and Watch later."""

from __future__ import annotations

from flask import Blueprint, g

from .access import services
from .endpoint import endpoint
from .schemas import Out, Page, PageQuery, VideoOfRow, VideoOut

bp = Blueprint("saved", __name__, url_prefix="/api/videos")


class SavedState(Out):
    video_id: VideoOfRow
    saved: bool


@endpoint(bp, "/liked", query=PageQuery, response=Page[VideoOut])
def favourites(query: PageQuery):
    """Your Favourites: the videos you liked that you may still see, latest like first."""
    return services().saved.favourites(g.user, query.page, query.page_size)


@endpoint(bp, "/later", query=PageQuery, response=Page[VideoOut])
def watch_later(query: PageQuery):
    """Your Watch later list, latest added first."""
    return services().saved.watch_later(g.user, query.page, query.page_size)


@endpoint(bp, "/<video_id>/later", response=SavedState, errors=(404,))
def is_saved(video_id: str):
    """Whether a video is on your Watch later list."""
    return services().saved.is_saved(g.user, video_id)


@endpoint(bp, "/<video_id>/later", "PUT", response=SavedState, errors=(404,))
def save(video_id: str):
    """Put a video on Watch later (twice changes nothing)."""
    return services().saved.save(g.user, video_id)


@endpoint(bp, "/<video_id>/later", "DELETE", response=SavedState, errors=(404,))
def unsave(video_id: str):
    """Take a video off Watch later."""
    return services().saved.unsave(g.user, video_id)
