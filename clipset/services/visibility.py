"""Who may see which video: the one rule every path (API, media URLs, events) asks.

- ``private``: owner and admins, and the members of an album that shares it (see
  ``album_access``).
- ``unlisted``: anyone signed in who has the id; never in lists, feed or search.
- ``public``: every signed-in user.
Unfinished videos (pending, processing, failed) are their owner's (and admins') alone,
except while the original plays in their place (``stand_ins``): then the rules above hold,
but it is still in no list, feed or search until it is finished.
"""

from __future__ import annotations

from ..store.models import User, Video
from .album_access import shared_condition, shared_through_album


def can_view(user: User | None, video: Video) -> bool:
    if user is None or not user.is_active:
        return False
    if user.is_admin or video.uploader_id == user.id:
        return True
    if not watchable(video):
        return False
    return video.privacy in ("public", "unlisted") or shared_through_album(user, video)


def watchable(video: Video) -> bool:
    """Finished, or its original's stand-in plays while it is processed."""
    return video.processing_status == "completed" or (
        video.stand_in_type is not None and video.processing_status != "failed"
    )


def can_manage(user: User | None, video: Video) -> bool:
    return user is not None and user.is_active and (user.is_admin or video.uploader_id == user.id)


LISTED_STATUS, LISTED_PRIVACY = "completed", "public"


def listed():
    """The condition for videos that appear in lists, the feed and search."""
    return (Video.processing_status == LISTED_STATUS) & (Video.privacy == LISTED_PRIVACY)


def viewable(user: User):
    """``can_view`` as SQL, for the lists a user keeps (albums, favourites, watch later)."""
    if user.is_admin:
        return Video.id.is_null(False)
    done = (Video.processing_status == "completed") | (
        Video.stand_in_type.is_null(False) & (Video.processing_status != "failed")
    )
    return (Video.uploader == user.id) | (
        done & (Video.privacy.in_(("public", "unlisted")) | shared_condition(user))
    )


def is_listed(video: Video) -> bool:
    """``listed()`` for one video in hand."""
    return video.processing_status == LISTED_STATUS and video.privacy == LISTED_PRIVACY
