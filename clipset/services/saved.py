"""A user's own lists of videos: Favourites (the videos they liked) and Watch later.

Both show only what the user may still see: a video made private or deleted drops out.
"""

from __future__ import annotations

from ..store.db import database
from ..store.models import Like, User, Video, WatchLater
from ..store.pagination import paginate
from .catalog import find, visible, with_uploader
from .visibility import viewable


class Saved:
    def favourites(self, user: User, page: int, page_size: int) -> dict:
        """Liked videos, the latest like first."""
        latest = (Like.created_at.desc(), Like.id.desc())
        return paginate(_listed(user, Like, latest), page, page_size)

    def watch_later(self, user: User, page: int, page_size: int) -> dict:
        """The Watch later list, the latest added first."""
        latest = (WatchLater.added_at.desc(), Video.id.desc())
        return paginate(_listed(user, WatchLater, latest), page, page_size)

    def is_saved(self, user: User, video_id: str) -> dict:
        video = visible(user, find(video_id))
        return {"video_id": video.public_id, "saved": _saved(user, video)}

    def save(self, user: User, video_id: str) -> dict:
        """Put a video on Watch later (saving twice changes nothing)."""
        video = visible(user, find(video_id))
        database.execute(WatchLater.insert(user=user.id, video=video.id).on_conflict_ignore())
        return {"video_id": video.public_id, "saved": True}

    def unsave(self, user: User, video_id: str) -> dict:
        video = visible(user, find(video_id))
        WatchLater.delete().where(
            WatchLater.user == user.id, WatchLater.video == video.id
        ).execute()
        return {"video_id": video.public_id, "saved": False}


def _saved(user: User, video: Video) -> bool:
    return (
        WatchLater.select()
        .where(WatchLater.user == user.id, WatchLater.video == video.id)
        .exists()
    )


def _listed(user: User, listing: type[Like] | type[WatchLater], order: tuple):
    """The videos on one of ``user``'s lists (a row of ``listing`` each) they may see."""
    on = (listing.video == Video.id) & (listing.user == user.id)
    return with_uploader(user).join(listing, on=on).where(viewable(user)).order_by(*order)
