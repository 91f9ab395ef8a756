"""The host machine in the admin area: its LAN address and QR code, and, for a browser on
that machine, start at login and stop (what the tray menu offers, where it has none)."""

from __future__ import annotations

from flask import Blueprint, request
from pydantic import Field

from .access import client_address, services
from .endpoint import ADMIN, endpoint
from .schemas import In, Out

bp = Blueprint("host", __name__, url_prefix="/api/admin")


class LanOut(Out):
    lan_url: str
    qr_svg: str


class HostOut(Out):
    on_this_computer: bool = Field(
        description="Whether this browser runs on the computer "
        "that runs Clipset; the controls below "
        "answer only there."
    )
    start_at_login: bool | None = Field(description="Null away from that computer.")
    can_stop: bool


class StartAtLoginIn(In):
    enabled: bool


@endpoint(bp, "/lan", response=LanOut, auth=ADMIN)
def lan():
    """The address phones and other computers on the LAN open, and its QR code (SVG)."""
    # The port this request arrived on is the one the server really listens on.
    return services().host.lan(int(request.environ.get("SERVER_PORT") or 0))


@endpoint(bp, "/host", response=HostOut, auth=ADMIN)
def host():
    """What this browser may control of the computer that runs Clipset."""
    return services().host.controls(client_address())


@endpoint(
    bp,
    "/host/start-at-login",
    "PATCH",
    body=StartAtLoginIn,
    response=HostOut,
    auth=ADMIN,
    errors=(403, 409),
)
def start_at_login(body: StartAtLoginIn):
    """Start Clipset when the host's user logs in, or not (from that computer only)."""
    return services().host.set_start_at_login(client_address(), body.enabled)


@endpoint(bp, "/host/stop", "POST", status=202, auth=ADMIN, errors=(403, 409))
def stop():
    """Stop Clipset gracefully, as the tray's Quit does (from that computer only): running
    processing is requeued and resumes on the next start."""
    services().host.stop(client_address())
