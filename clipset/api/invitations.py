"""Invitations: admins make single-use links; anyone may check one before registering."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from flask import Blueprint, g, request

from .access import services
from .endpoint import ADMIN, PUBLIC, endpoint
from .schemas import Email, In, Out, Page, PageQuery, UtcDatetime

bp = Blueprint("invitations", __name__, url_prefix="/api")

Status = Literal["pending", "used", "expired", "revoked"]


class InvitationIn(In):
    email: str | None = Email


class InvitationsQuery(PageQuery):
    status: Status | None = None


class InvitationOut(Out):
    id: int
    email: str | None
    token: str
    link: str
    created_at: UtcDatetime
    expires_at: UtcDatetime
    used_at: UtcDatetime | None
    revoked: bool
    status: Status


class ValidationOut(Out):
    valid: bool
    email: str | None
    expires_at: UtcDatetime


def _with_link(invitation: dict) -> dict:
    """The absolute address of the SPA's registration page for this invitation."""
    link = f"{request.host_url}register?token={quote(invitation['token'])}"
    return {**invitation, "link": link}


@endpoint(
    bp, "/invitations", "POST", body=InvitationIn, response=InvitationOut, status=201, auth=ADMIN
)
def create_invitation(body: InvitationIn):
    """Make a single-use invitation link, valid for `invitation_ttl_days` days."""
    return _with_link(services().invitations.create(g.user, body.email))


@endpoint(bp, "/invitations", query=InvitationsQuery, response=Page[InvitationOut], auth=ADMIN)
def list_invitations(query: InvitationsQuery):
    """Invitations, newest first, optionally only those with one `status`."""
    page = services().invitations.list(query.status, query.page, query.page_size)
    return {**page, "items": [_with_link(i) for i in page["items"]]}


@endpoint(
    bp, "/invitations/validate/<token>", response=ValidationOut, auth=PUBLIC, errors=(404, 409)
)
def validate_invitation(token: str):
    """Whether an invitation can still be used (404 unknown, 409 used/expired/revoked)."""
    return services().invitations.validate(token)


@endpoint(
    bp, "/invitations/<int:invitation_id>", "DELETE", status=204, auth=ADMIN, errors=(404, 409)
)
def revoke_invitation(invitation_id: int):
    """Revoke an invitation that has not been used."""
    services().invitations.revoke(invitation_id)
