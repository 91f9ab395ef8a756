"""Likes and comments on videos the caller may see."""

from __future__ import annotations

from flask import Blueprint, g
from pydantic import Field

from ..services.social import MAX_COMMENT_LENGTH
from .access import services
from .endpoint import endpoint
from .schemas import In, Out, Page, PageQuery, UserRef, UtcDatetime, VideoOfRow

bp = Blueprint("social", __name__, url_prefix="/api")


class LikeState(Out):
    like_count: int
    liked: bool


class LikeOut(Out):
    user: UserRef
    created_at: UtcDatetime


class CommentIn(In):
    # Length and range are checked by the service (one rule, clear messages); the
    # schema only documents them.
    body: str = Field(
        json_schema_extra={"minLength": 1, "maxLength": MAX_COMMENT_LENGTH},
        description="Plain text, trimmed; never rendered as HTML.",
    )
    timestamp_seconds: float | None = Field(
        None,
        json_schema_extra={"minimum": 0},
        description="The moment of the video the comment refers to.",
    )


class CommentOut(Out):
    id: int
    video_id: VideoOfRow
    author: UserRef
    body: str
    timestamp_seconds: float | None
    created_at: UtcDatetime


@endpoint(bp, "/videos/<video_id>/like", "POST", response=LikeState, errors=(404, 409))
def like(video_id: str):
    """Like a video (liking twice changes nothing)."""
    return services().social.like(g.user, video_id)


@endpoint(bp, "/videos/<video_id>/unlike", "DELETE", response=LikeState, errors=(404, 409))
def unlike(video_id: str):
    """Take a like back (unliking twice changes nothing)."""
    return services().social.unlike(g.user, video_id)


@endpoint(bp, "/videos/<video_id>/likes", query=PageQuery, response=Page[LikeOut], errors=(404,))
def likes(video_id: str, query: PageQuery):
    """Who liked a video, newest first."""
    return services().social.likes(g.user, video_id, query.page, query.page_size)


@endpoint(
    bp,
    "/videos/<video_id>/comment",
    "POST",
    body=CommentIn,
    response=CommentOut,
    status=201,
    errors=(404, 409, 429),
)
def comment(video_id: str, body: CommentIn):
    """Comment on a video, optionally at a moment of it (rate limited per user)."""
    return services().social.comment(g.user, video_id, body.body, body.timestamp_seconds)


@endpoint(
    bp, "/videos/<video_id>/comments", query=PageQuery, response=Page[CommentOut], errors=(404,)
)
def comments(video_id: str, query: PageQuery):
    """A video's comments, newest first."""
    return services().social.comments(g.user, video_id, query.page, query.page_size)


@endpoint(bp, "/comments/<int:comment_id>", "DELETE", status=204, errors=(403, 404))
def delete_comment(comment_id: int):
    """Delete a comment (its author or an admin)."""
    services().social.delete_comment(g.user, comment_id)
