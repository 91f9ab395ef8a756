"""The host's LAN address and its QR code, for the admin area."""
from __future__ import annotations

from flask import Blueprint, request

from .access import services
from .endpoint import ADMIN, endpoint
from .schemas import Out

bp = Blueprint("host", __name__, url_prefix="/api/admin")


class LanOut(Out):
    lan_url: str
    qr_svg: str


@endpoint(bp, "/lan", response=LanOut, auth=ADMIN)
def lan():
    """The address phones and other computers on the LAN open, and its QR code (SVG)."""
    # The port this request arrived on is the one the server really listens on.
    return services().host.lan(int(request.environ.get("SERVER_PORT") or 0))
