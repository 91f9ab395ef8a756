"""Health."""

from __future__ import annotations

from flask import Blueprint

from .. import __version__
from .endpoint import PUBLIC, endpoint
from .schemas import Out

bp = Blueprint("system", __name__, url_prefix="/api")


class HealthOut(Out):
    status: str
    version: str


@endpoint(bp, "/health", response=HealthOut, auth=PUBLIC)
def health():
    """Liveness and version."""
    return {"status": "ok", "version": __version__}
