"""Who may see which video: the one rule every path (API, media URLs, events) asks.

- ``private``: owner and admins only.
- ``unlisted``: anyone signed in who has the id; never in lists, feed or search.
- ``public``: every signed-in user.
Unfinished videos (pending, processing, failed) are their owner's (and admins') alone.
"""

from __future__ import annotations

from ..store.models import User, Video


def can_view(user: User | None, video: Video) -> bool:
    if user is None or not user.is_active:
        return False
    if user.is_admin or video.uploader_id == user.id:
        return True
    return video.processing_status == "completed" and video.privacy in ("public", "unlisted")


def can_manage(user: User | None, video: Video) -> bool:
    return user is not None and user.is_active and (user.is_admin or video.uploader_id == user.id)


LISTED_STATUS, LISTED_PRIVACY = "completed", "public"


def listed():
    """The condition for videos that appear in lists, the feed and search."""
    return (Video.processing_status == LISTED_STATUS) & (Video.privacy == LISTED_PRIVACY)


def is_listed(video: Video) -> bool:
    """``listed()`` for one video in hand."""
    return video.processing_status == LISTED_STATUS and video.privacy == LISTED_PRIVACY
