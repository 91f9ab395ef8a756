"""Users: the admin's list and account controls, and profiles for everyone signed in."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, g
from pydantic import Field

from .access import services
from .endpoint import ADMIN, endpoint
from .schemas import In, Page, PageQuery, UserOut

bp = Blueprint("users", __name__, url_prefix="/api")


class UsersQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of a username or email.")


class RoleIn(In):
    role: Literal["admin", "user"]


class ActiveIn(In):
    is_active: bool = Field(strict=True)


@endpoint(bp, "/users", query=UsersQuery, response=Page[UserOut], auth=ADMIN)
def list_users(query: UsersQuery):
    """Every user, newest first; `q` searches usernames and emails."""
    return services().users.list(query.q, query.page, query.page_size)


@endpoint(bp, "/users/<int:user_id>", response=UserOut, errors=(404,))
def get_user(user_id: int):
    """Your own profile, or anyone's for admins; others look people up by username."""
    return services().users.get(g.user, user_id)


@endpoint(bp, "/users/by-username/<username>", response=UserOut, errors=(404,))
def get_user_by_username(username: str):
    """A user's profile by username; the email is shown only to themself and admins."""
    return services().users.by_username(g.user, username)


@endpoint(
    bp,
    "/users/<int:user_id>/role",
    "PATCH",
    body=RoleIn,
    response=UserOut,
    auth=ADMIN,
    errors=(404, 409),
)
def set_role(user_id: int, body: RoleIn):
    """Make a user an admin or a regular user (the last active admin stays one)."""
    return services().users.set_role(user_id, body.role)


@endpoint(
    bp,
    "/users/<int:user_id>/active",
    "PATCH",
    body=ActiveIn,
    response=UserOut,
    auth=ADMIN,
    errors=(404, 409),
)
def set_active(user_id: int, body: ActiveIn):
    """Activate or deactivate a user; deactivation signs them out everywhere at once."""
    return services().users.set_active(user_id, body.is_active)


@endpoint(bp, "/users/<int:user_id>", "DELETE", status=204, auth=ADMIN, errors=(404, 409))
def delete_user(user_id: int):
    """Delete a user with their videos, uploads, likes and comments."""
    services().users.delete(user_id)
