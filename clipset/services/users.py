"""Account administration: listing, roles, activation and removal of users.

The last active admin can't be demoted, deactivated or deleted, so the instance always
keeps someone who can manage it; the check runs inside the write transaction.
"""

from __future__ import annotations

from peewee import fn

from ..errors import Conflict, NotFound
from ..store.db import immediate
from ..store.models import Comment, Like, Upload, User, Video
from ..store.pagination import paginate
from . import storage
from .media_files import MediaFiles


class Users:
    def __init__(self, files: MediaFiles):
        self.files = files
        self.data = files.data

    # -- reading ----------------------------------------------------------------------
    def list(self, q: str | None, page: int, page_size: int) -> dict:
        query = User.select().order_by(User.created_at.desc(), User.id.desc())
        if q:
            query = query.where(User.username.contains(q) | User.email.contains(q))
        return paginate(query, page, page_size)

    def get(self, viewer: User, user_id: int) -> dict:
        """By id: admins see anyone, others only themselves (anyone else is "not found"),
        so counting ids lists nobody. Profiles of others go by username, which the
        product shows wherever it shows a person."""
        if not viewer.is_admin and user_id != viewer.id:
            raise NotFound("No such user.", error_code="user_not_found")
        return self.shown_to(viewer, _get(User.id == user_id))

    def by_username(self, viewer: User, username: str) -> dict:
        return self.shown_to(viewer, _get(User.username == username.strip().lower()))

    @staticmethod
    def shown_to(viewer: User, user: User) -> dict:
        """A user's public fields; the email only to themself and admins."""
        own = viewer.is_admin or viewer.id == user.id
        return {
            "id": user.id,
            "username": user.username,
            "email": user.email if own else None,
            "role": user.role,
            "is_active": user.is_active,
            "created_at": user.created_at,
        }

    # -- changing ---------------------------------------------------------------------
    def set_role(self, user_id: int, role: str) -> User:
        with immediate():
            user = _get(User.id == user_id)
            if role != "admin":
                _keep_an_admin(user, "demote")
            User.update(role=role).where(User.id == user_id).execute()
        return User.get_by_id(user_id)

    def set_active(self, user_id: int, is_active: bool) -> User:
        with immediate():
            user = _get(User.id == user_id)
            changes = {User.is_active: is_active}
            if not is_active:
                _keep_an_admin(user, "deactivate")
                # Every token issued so far stops working at once.
                changes[User.token_version] = User.token_version + 1
            User.update(changes).where(User.id == user_id).execute()
        return User.get_by_id(user_id)

    def delete(self, user_id: int) -> None:
        """Removes the user and everything they own; files go after the rows are gone."""
        with immediate():
            user = _get(User.id == user_id)
            _keep_an_admin(user, "delete")
            keys = [
                v.storage_key
                for v in Video.select(Video.storage_key).where(Video.uploader == user_id)
            ]
            uploads = [u.id for u in Upload.select(Upload.id).where(Upload.user == user_id)]
            _uncount_likes_and_comments(user_id)
            # The foreign keys cascade to videos, uploads, drafts, likes, comments, views.
            User.delete().where(User.id == user_id).execute()
        for key in keys:
            self.files.remove(key)
        storage.remove(*(self.data.upload_file(upload_id) for upload_id in uploads))


def _get(condition) -> User:
    user = User.get_or_none(condition)
    if user is None:
        raise NotFound("No such user.", error_code="user_not_found")
    return user


def _keep_an_admin(user: User, action: str) -> None:
    if not (user.is_admin and user.is_active):
        return
    others = (
        User.select()
        .where(
            User.role == "admin",
            User.is_active == True,  # noqa: E712
            User.id != user.id,
        )
        .exists()
    )
    if not others:
        raise Conflict(
            f"You can't {action} the last active admin. Make another user an admin first.",
            error_code="last_admin",
        )


def _uncount_likes_and_comments(user_id: int) -> None:
    """Other people's videos lose this user's likes and comments from their counters
    (one statement for all of them)."""
    likes = Like.select(fn.COUNT(Like.id)).where(Like.video == Video.id, Like.user == user_id)
    comments = Comment.select(fn.COUNT(Comment.id)).where(
        Comment.video == Video.id, Comment.author == user_id
    )
    liked = Like.select(Like.video).where(Like.user == user_id)
    commented = Comment.select(Comment.video).where(Comment.author == user_id)
    (
        Video.update(
            like_count=Video.like_count - likes, comment_count=Video.comment_count - comments
        )
        .where(Video.uploader != user_id, Video.id.in_(liked) | Video.id.in_(commented))
        .execute()
    )
