"""One error handler: every failure under /api answers ``{"detail", "error_code"}``."""

from __future__ import annotations

import logging
import threading
import time
import traceback

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from ..errors import ClipsetError
from ..services.storage import as_disk_full

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "file_too_large",
    415: "unsupported_media",
    416: "range_not_satisfiable",
    429: "rate_limited",
}


def _json(detail: str, code: str, status: int, headers=None, field=None):
    body = {"detail": detail, "error_code": code}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


TRACEBACK_QUIET_SECONDS = 60  # an identical traceback is written in full once a minute


class TracebackLog:
    """Writes each distinct traceback in full, then only counts repeats for a while, so
    a client that keeps hitting one bug cannot fill the log (it rotates at 5 MiB)."""

    def __init__(
        self,
        quiet_seconds: float = TRACEBACK_QUIET_SECONDS,
        clock=time.monotonic,
        max_kinds: int = 1000,
    ):
        self.quiet = quiet_seconds
        self._clock = clock
        self._max_kinds = max_kinds
        self._seen: dict[tuple, list] = {}  # kind -> [last written at, repeats since]
        self._lock = threading.Lock()

    @staticmethod
    def _kind(exc: BaseException) -> tuple:
        frames = traceback.extract_tb(exc.__traceback__)
        return (type(exc).__qualname__, tuple((f.filename, f.lineno) for f in frames))

    def report(self, exc: BaseException, what: str) -> None:
        kind, now = self._kind(exc), self._clock()
        with self._lock:
            entry = self._seen.get(kind)
            if entry is not None and now - entry[0] < self.quiet:
                entry[1] += 1
                return
            repeats = entry[1] if entry else 0
            if len(self._seen) >= self._max_kinds:
                self._seen.clear()
            self._seen[kind] = [now, 0]
        suffix = f" (and {repeats} more like it, not written)" if repeats else ""
        log.error("unhandled error on %s%s", what, suffix, exc_info=exc)


def _no_such_route() -> bool:
    """A 405 whose only match is the web app's catch-all page: no API route has this
    path at all (say ``/api/users/abc``, which no ``<int:...>`` rule takes)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        rule, _ = adapter.match(method="GET", return_rule=True)
    except HTTPException:
        return True
    return rule.endpoint == "spa.page"


def init_app(app: Flask) -> None:
    tracebacks = TracebackLog()

    @app.errorhandler(ClipsetError)
    def clipset_error(exc: ClipsetError):
        return _json(exc.detail, exc.error_code, exc.status, exc.headers, exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith(("/api", "/media")):
            return exc  # the SPA and static files keep Werkzeug's pages
        if isinstance(exc, MethodNotAllowed) and _no_such_route():
            exc = NotFound()
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
        tracebacks.report(exc, f"{request.method} {request.path}")
        return _json("Something went wrong on the server.", "internal_error", 500)
