"""Likes and comments: exact counters, visibility on every path, live events.

Each change writes the row and refreshes the video's counter from the rows in one
IMMEDIATE transaction, so concurrent likes never lose an update and a counter always
equals its row count (and so can never go negative). Events go out after the commit,
so nobody hears about a change that was rolled back.
"""

from __future__ import annotations

import math

from peewee import fn

from ..errors import Forbidden, NotFound, RateLimited, ValidationFailed
from ..security.ratelimit import limiter
from ..store.db import database, immediate
from ..store.models import Comment, Like, User, Video, iso_utc
from ..store.pagination import paginate
from .catalog import find, ready, visible
from .hub import Hub
from .visibility import can_view

MAX_COMMENT_LENGTH = 2000
COMMENTS_PER_WINDOW = 10
COMMENT_WINDOW_SECONDS = 60


class Social:
    def __init__(
        self,
        events: Hub,
        comments_per_window: int = COMMENTS_PER_WINDOW,
        window_seconds: float = COMMENT_WINDOW_SECONDS,
    ):
        self.events = events
        self._comment_limit = limiter("comments", comments_per_window, window_seconds)

    # -- likes ------------------------------------------------------------------------
    def like(self, user: User, video_id: str) -> dict:
        with immediate():
            video = _open_for_interaction(user, video_id)
            query = Like.insert(user=user.id, video=video.id).on_conflict_ignore()
            changed = database.execute(query).rowcount == 1  # 0: already liked
            count = _recount_likes(video.id) if changed else video.like_count
        if changed:
            self._like_updated(video.public_id, count)
        return {"like_count": count, "liked": True}

    def unlike(self, user: User, video_id: str) -> dict:
        with immediate():
            video = _open_for_interaction(user, video_id)
            changed = (
                Like.delete().where(Like.video == video.id, Like.user == user.id).execute() == 1
            )
            count = _recount_likes(video.id) if changed else video.like_count
        if changed:
            self._like_updated(video.public_id, count)
        return {"like_count": count, "liked": False}

    def likes(self, user: User, video_id: str, page: int, page_size: int) -> dict:
        """Who liked the video, newest first."""
        video = visible(user, find(video_id))
        query = (
            Like.select(Like, User)
            .join(User)
            .where(Like.video == video.id)
            .order_by(Like.created_at.desc(), Like.id.desc())
        )
        return paginate(query, page, page_size)

    def _like_updated(self, video_id: str, count: int) -> None:
        self.events.publish(
            "like.updated", {"video_id": video_id, "like_count": count}, video_id=video_id
        )

    # -- comments ---------------------------------------------------------------------
    def comment(
        self, user: User, video_id: str, body: str, timestamp_seconds: float | None = None
    ) -> Comment:
        body = _check_body(body)
        key = str(user.id)
        with immediate():
            video = _open_for_interaction(user, video_id)
            _check_timestamp(timestamp_seconds, video)
            wait = self._comment_limit.retry_after(key)
            if wait:
                raise RateLimited(
                    wait, f"You're commenting too fast. Try again in {math.ceil(wait)} seconds."
                )
            comment = Comment.create(
                video=video, author=user.id, body=body, timestamp_seconds=timestamp_seconds
            )
            _recount_comments(video.id)
            self._comment_limit.hit(key)  # under the write lock: no two posts slip past
        comment.author = user
        self.events.publish(
            "comment.created",
            {"video_id": video.public_id, "comment": comment_message(comment)},
            video_id=video.public_id,
        )
        return comment

    def comments(self, user: User, video_id: str, page: int, page_size: int) -> dict:
        """The video's comments, newest first."""
        video = visible(user, find(video_id))
        query = (
            Comment.select(Comment, User, Video)
            .join(User)
            .switch(Comment)
            .join(Video)
            .where(Comment.video == video.id)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
        )
        return paginate(query, page, page_size)

    def delete_comment(self, user: User, comment_id: int) -> None:
        """The author or an admin removes a comment."""
        with immediate():
            comment = (
                Comment.select(Comment, Video)
                .join(Video)
                .where(Comment.id == comment_id)
                .get_or_none()
            )
            if comment is None:
                raise NotFound("No such comment.", error_code="comment_not_found")
            if not (user.is_admin or comment.author_id == user.id):
                if not can_view(user, comment.video):  # don't reveal hidden videos' comments
                    raise NotFound("No such comment.", error_code="comment_not_found")
                raise Forbidden(
                    "Only the author or an admin can delete this comment.",
                    error_code="not_comment_author",
                )
            video_id = comment.video.public_id
            Comment.delete().where(Comment.id == comment_id).execute()
            _recount_comments(comment.video_id)
        self.events.publish(
            "comment.deleted", {"video_id": video_id, "comment_id": comment_id}, video_id=video_id
        )


def comment_message(comment: Comment) -> dict:
    """A comment as JSON-ready data (the API's comment shape) for live events."""
    return {
        "id": comment.id,
        "video_id": comment.video.public_id,
        "author": {"id": comment.author.id, "username": comment.author.username},
        "body": comment.body,
        "timestamp_seconds": comment.timestamp_seconds,
        "created_at": iso_utc(comment.created_at),
    }


def _open_for_interaction(user: User, video_id: str) -> Video:
    return ready(
        visible(user, find(video_id)),
        "Likes and comments open once the video has finished processing.",
    )


def _recount_likes(video_id: int) -> int:
    count = Like.select(fn.COUNT(Like.id)).where(Like.video == video_id).scalar()
    Video.update(like_count=count).where(Video.id == video_id).execute()
    return count


def _recount_comments(video_id: int) -> int:
    count = Comment.select(fn.COUNT(Comment.id)).where(Comment.video == video_id).scalar()
    Video.update(comment_count=count).where(Video.id == video_id).execute()
    return count


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed(
            "body: write something before posting", field="body", error_code="comment_empty"
        )
    if len(body) > MAX_COMMENT_LENGTH:
        raise ValidationFailed(
            f"body: a comment can be at most {MAX_COMMENT_LENGTH} "
            f"characters (this one has {len(body)})",
            field="body",
            error_code="comment_too_long",
        )
    return body


def _check_timestamp(seconds: float | None, video: Video) -> None:
    if seconds is None:
        return
    if not math.isfinite(seconds) or seconds < 0:
        raise ValidationFailed(
            "timestamp_seconds: must be a number of seconds, 0 or more", field="timestamp_seconds"
        )
    if video.duration_seconds is not None and seconds > video.duration_seconds:
        raise ValidationFailed(
            f"timestamp_seconds: the video is only {video.duration_seconds:g} seconds long",
            field="timestamp_seconds",
        )
