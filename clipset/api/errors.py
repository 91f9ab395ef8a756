"""One error handler: every failure under /api answers ``{"detail", "error_code"}``."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import ClipsetError
from ..services.storage import as_disk_full

log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "file_too_large",
          415: "unsupported_media", 416: "range_not_satisfiable", 429: "rate_limited"}


def _json(detail: str, code: str, status: int, headers=None, field=None):
    body = {"detail": detail, "error_code": code}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ClipsetError)
    def clipset_error(exc: ClipsetError):
        return _json(exc.detail, exc.error_code, exc.status, exc.headers, exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith(("/api", "/media")):
            return exc  # the SPA and static files keep Werkzeug's pages
        code = _CODES.get(exc.code, "http_error")
        headers = dict(exc.get_headers())
        headers.pop("Content-Type", None)
        return _json(exc.description or exc.name, code, exc.code, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        full = as_disk_full(exc)  # a write anywhere (SQLite included) found no room
        if full is not None:
            log.warning("disk full on %s %s: %s", request.method, request.path, exc)
            return clipset_error(full)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _json("Something went wrong on the server.", "internal_error", 500)
