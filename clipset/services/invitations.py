"""Invitations: single-use links that let someone create an account."""

from __future__ import annotations

import datetime as dt
import secrets

from playhouse.shortcuts import model_to_dict

from ..errors import Conflict, NotFound
from ..settings import Settings
from ..store.db import immediate
from ..store.models import Invitation, User, now
from ..store.pagination import paginate

_REFUSALS = {
    "revoked": ("This invitation has been revoked.", "invitation_revoked"),
    "used": ("This invitation has already been used.", "invitation_used"),
    "expired": ("This invitation has expired. Ask for a new one.", "invitation_expired"),
}


def check_usable(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be used, else an error that says why not."""
    if invitation is None:
        raise NotFound("This invitation link is not valid.", error_code="invitation_invalid")
    refusal = _REFUSALS.get(status(invitation))
    if refusal is not None:
        detail, code = refusal
        raise Conflict(detail, error_code=code)
    return invitation


def status(invitation: Invitation) -> str:
    if invitation.revoked:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now():
        return "expired"
    return "pending"


def _where_status(name: str):
    unused = (Invitation.revoked == False) & Invitation.used_at.is_null()  # noqa: E712
    return {
        "revoked": Invitation.revoked == True,  # noqa: E712
        "used": (Invitation.revoked == False) & Invitation.used_at.is_null(False),  # noqa: E712
        "expired": unused & (Invitation.expires_at <= now()),
        "pending": unused & (Invitation.expires_at > now()),
    }[name]


_DESCRIBED = (
    Invitation.id,
    Invitation.email,
    Invitation.token,
    Invitation.created_at,
    Invitation.expires_at,
    Invitation.used_at,
    Invitation.revoked,
)


def describe(invitation: Invitation) -> dict:
    return {**model_to_dict(invitation, only=_DESCRIBED), "status": status(invitation)}


class Invitations:
    def __init__(self, settings: Settings):
        self.ttl = dt.timedelta(days=settings.invitation_ttl_days)

    def create(self, admin: User, email: str | None) -> dict:
        created = now()
        invitation = Invitation.create(
            token=secrets.token_urlsafe(24),
            email=email,
            created_by=admin,
            created_at=created,
            expires_at=created + self.ttl,
        )
        return describe(invitation)

    def list(self, status_filter: str | None, page: int, page_size: int) -> dict:
        query = Invitation.select().order_by(Invitation.created_at.desc(), Invitation.id.desc())
        if status_filter:
            query = query.where(_where_status(status_filter))
        return paginate(query, page, page_size, describe)

    def validate(self, token: str) -> dict:
        invitation = check_usable(Invitation.get_or_none(Invitation.token == token))
        return {"valid": True, "email": invitation.email, "expires_at": invitation.expires_at}

    def revoke(self, invitation_id: int) -> None:
        with immediate():
            invitation = Invitation.get_or_none(Invitation.id == invitation_id)
            if invitation is None:
                raise NotFound("No such invitation.", error_code="invitation_not_found")
            if invitation.used_at is not None:
                raise Conflict(
                    "This invitation has already been used; it can't be revoked.",
                    error_code="invitation_used",
                )
            Invitation.update(revoked=True).where(Invitation.id == invitation_id).execute()
