"""Who a signed URL was issued to, and whether that still holds.

Signed media and upload URLs name the user by their random ``subject`` and carry their
``token_version``, like a sign-in token: a deleted user's links never pass as a later
user's, and logout, password change and deactivation end the links with the sessions.
"""

from __future__ import annotations

from ..errors import Forbidden
from ..store.models import User
from ..store.prepared import Prepared

# Only the columns the checks and the callers read (asked for on every media range).
BEARER = Prepared(
    lambda subject: (
        User.select(User.id, User.subject, User.role, User.is_active, User.token_version)
        .where(User.subject == subject)
        .limit(1)
    )
)


def claims_for(user: User) -> dict:
    return {"s": user.subject, "t": user.token_version}


def bearer(claims) -> User:
    """The active user the claims name, at the same token version; else ``Forbidden``.

    The user carries its id, role, subject and token version only."""
    subject = claims.get("s") if isinstance(claims, dict) else None
    user = BEARER.first(subject) if isinstance(subject, str) else None
    if user is None or not user.is_active or user.token_version != claims.get("t"):
        raise Forbidden("This link is no longer valid.", error_code="invalid_link")
    return user
