"""Who is calling: the bearer token resolved to a user, once per request."""

from __future__ import annotations

from flask import current_app, g, request

from ..errors import Forbidden, Unauthorized
from ..store.models import User, Worker


def services():
    return current_app.extensions["clipset"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current_user() -> User:
    if "user" not in g:
        token = bearer_token()
        if token is None:
            raise Unauthorized()
        g.user = services().accounts.authenticate(token)
    return g.user


def current_worker() -> Worker:
    """A remote transcode worker, by its own token (never a user's session)."""
    if "worker" not in g:
        g.worker = services().workers.authenticate(bearer_token(), client_address())
    return g.worker


def require_admin() -> User:
    user = current_user()
    if not user.is_admin:
        raise Forbidden("Only an admin can do that.", error_code="admin_required")
    return user


def client_address() -> str:
    return request.remote_addr or "unknown"
