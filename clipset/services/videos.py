"""Managing videos (details, privacy, featuring, deletion) and counting views.

Owner or admin manage; a caller who cannot even see the video gets 404 (no leak), one
who can see it but not manage it gets 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import Forbidden, ValidationFailed
from ..store.db import immediate
from ..store.models import PRIVACY, Category, User, Video, View, now
from . import quota
from .announcements import announce_published
from .catalog import find, managed, ready, visible
from .hub import Hub
from .media_files import MediaFiles

TITLE_MAX = 200
# A title holds something besides whitespace (as str.split() sees it, \x1c-\x1f too),
# written so JSON Schema, Python and pydantic's regex engines read it alike.
TITLE_PATTERN = r"[^\s\x1c-\x1f]"
DESCRIPTION_MAX = 5000
TAGS_MAX = 20  # after normalizing (lower-case, de-duplicated, empty ones dropped)
# What a request may send before normalizing: room for duplicates, a bound on the work.
TAGS_SENT_MAX = 5 * TAGS_MAX
TAG_MAX_CHARS = 40
VIEW_WINDOW = dt.timedelta(hours=1)


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationFailed(f"title: must be 1 to {TITLE_MAX} characters", field="title")
    return title


def clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            f"description: at most {DESCRIPTION_MAX} characters", field="description"
        )
    return description


def clean_tags(tags: list[str] | None) -> list[str]:
    """Lower-case, trimmed, de-duplicated (first occurrence kept), empty ones dropped."""
    out: list[str] = []
    for tag in tags or []:
        tag = " ".join(str(tag).split()).lower()
        if len(tag) > TAG_MAX_CHARS:
            raise ValidationFailed(
                f"tags: each tag at most {TAG_MAX_CHARS} characters "
                f"({tag[:TAG_MAX_CHARS]}… is longer)",
                field="tags",
            )
        if tag and tag not in out:
            out.append(tag)
    if len(out) > TAGS_MAX:
        raise ValidationFailed(f"tags: at most {TAGS_MAX} tags", field="tags")
    return out


def check_category(category_id: int | None) -> int | None:
    if (
        category_id is not None
        and not Category.select().where(Category.id == category_id).exists()
    ):
        raise ValidationFailed("category_id: no such category", field="category_id")
    return category_id


def check_privacy(privacy: str) -> str:
    if privacy not in PRIVACY:
        raise ValidationFailed(f"privacy: choose one of {', '.join(PRIVACY)}", field="privacy")
    return privacy


# A video's details and their rules, the same for drafts and posted videos.
DETAILS = {
    "title": clean_title,
    "description": clean_description,
    "tags": clean_tags,
    "category_id": check_category,
}


def clean_details(changes: dict[str, Any]) -> dict[str, Any]:
    """The details present in ``changes``, checked and cleaned, keyed by model field."""
    return {
        ("category" if name == "category_id" else name): clean(changes[name])
        for name, clean in DETAILS.items()
        if name in changes
    }


class Videos:
    def __init__(self, files: MediaFiles, events: Hub):
        self.files = files
        self.data = files.data
        self.events = events

    def _update(self, user: User, video_id: str, fields: dict[str, Any]) -> Video:
        with immediate():
            video = managed(user, video_id)
            if fields:
                Video.update(**fields).where(Video.id == video.id).execute()
        return find(video_id, user)

    def update_details(self, user: User, video_id: str, changes: dict[str, Any]) -> Video:
        """Change any of title, description, tags, category_id (only the keys given)."""
        managed(user, video_id)  # a missing video is a 404 before its details a 400
        return self._update(user, video_id, clean_details(changes))

    def set_privacy(self, user: User, video_id: str, privacy: str) -> Video:
        was = managed(user, video_id).privacy
        video = self._update(user, video_id, {"privacy": check_privacy(privacy)})
        if was != video.privacy:  # a finished video made public enters the feed now
            announce_published(self.events, video)
        return video

    def set_featured(self, user: User, video_id: str, featured: bool) -> Video:
        if not user.is_admin:
            raise Forbidden("Only an admin can feature videos.", error_code="admin_required")
        return self._update(user, video_id, {"is_featured": bool(featured)})

    def delete(self, user: User, video_id: str) -> None:
        """Delete the row (likes, comments, views go with it by cascade), give the
        upload's bytes back to this week's quota, then remove the files."""
        with immediate():
            video = managed(user, video_id)
            Video.delete().where(Video.id == video.id).execute()
            quota.release(video.uploader_id, video.source_size_bytes, video.created_at)
        # After the commit: a failed transaction must never leave a row without files.
        self.files.remove(video.storage_key)

    def record_view(self, user: User, video_id: str) -> dict:
        """Count a view at most once per user and video per hour."""
        with immediate():
            video = ready(visible(user, find(video_id)), "This video is not ready yet.")
            at = now()
            seen = (
                View.select()
                .where(
                    View.user == user.id, View.video == video.id, View.viewed_at > at - VIEW_WINDOW
                )
                .exists()
            )
            if not seen:
                View.create(user=user.id, video=video.id, viewed_at=at)
                Video.update(view_count=Video.view_count + 1).where(Video.id == video.id).execute()
            count = Video.select(Video.view_count).where(Video.id == video.id).scalar()
        return {"view_count": count, "counted": not seen}
