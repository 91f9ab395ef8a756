"""Invitations: single-use links that let someone create an account."""
from __future__ import annotations

from ..errors import Conflict, NotFound
from ..models import Invitation, now


def check_usable(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be used, else an error that says why not."""
    if invitation is None:
        raise NotFound("This invitation link is not valid.", error_code="invitation_invalid")
    if invitation.revoked:
        raise Conflict("This invitation has been revoked.", error_code="invitation_revoked")
    if invitation.used_at is not None:
        raise Conflict("This invitation has already been used.", error_code="invitation_used")
    if invitation.expires_at <= now():
        raise Conflict("This invitation has expired. Ask for a new one.",
                       error_code="invitation_expired")
    return invitation
