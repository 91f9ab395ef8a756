"""Errors the services raise. One handler (api/errors.py) turns them into JSON:
``{"detail": str, "error_code": str}`` with the class's status."""

from __future__ import annotations


class ConfigurationError(Exception):
    """Settings that cannot be used; reported at start-up, not over HTTP."""


class ClipsetError(Exception):
    status = 400
    error_code = "bad_request"
    detail = "Bad request."

    def __init__(
        self,
        detail: str | None = None,
        *,
        error_code: str | None = None,
        headers: dict[str, str] | None = None,
        field: str | None = None,
    ):
        super().__init__(detail or self.detail)
        self.detail = detail or self.detail
        self.error_code = error_code or self.error_code
        self.headers = headers or {}
        self.field = field


class BadRequest(ClipsetError):
    pass


class ValidationFailed(ClipsetError):
    error_code = "validation_error"
    detail = "The request is not valid."


class Unauthorized(ClipsetError):
    status = 401
    error_code = "not_authenticated"
    detail = "Sign in to continue."

    def __init__(self, detail: str | None = None, **kw):
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ClipsetError):
    status = 403
    error_code = "forbidden"
    detail = "You are not allowed to do that."


class NotFound(ClipsetError):
    status = 404
    error_code = "not_found"
    detail = "Not found."


class Conflict(ClipsetError):
    status = 409
    error_code = "conflict"
    detail = "That conflicts with the current state."


class PreconditionFailed(ClipsetError):
    status = 412
    error_code = "precondition_failed"


class PayloadTooLarge(ClipsetError):
    status = 413
    error_code = "file_too_large"
    detail = "The file is larger than allowed."


class QuotaExceeded(PayloadTooLarge):
    error_code = "quota_exceeded"
    detail = "This upload would exceed your weekly upload quota."


class UnsupportedMedia(ClipsetError):
    status = 415
    error_code = "unsupported_media"
    detail = "This file type is not supported."


class UnreadableMedia(ClipsetError):
    status = 422
    error_code = "unreadable_media"
    detail = "This file could not be read as a video."


class RangeNotSatisfiable(ClipsetError):
    status = 416
    error_code = "range_not_satisfiable"
    detail = "The requested byte range is not satisfiable."


class RateLimited(ClipsetError):
    status = 429
    error_code = "rate_limited"
    detail = "Too many attempts. Try again later."

    def __init__(self, retry_after: int, detail: str | None = None, **kw):
        retry_after = max(1, int(retry_after))
        kw.setdefault("headers", {"Retry-After": str(retry_after)})
        super().__init__(detail, **kw)
        self.retry_after = retry_after


class MediaBusy(ClipsetError):
    """Every media transfer slot is taken: the player should ask again in a moment."""

    status = 503
    error_code = "media_busy"
    detail = "The server is sending as many videos as it can. Try again in a moment."

    def __init__(self, retry_after: int, detail: str | None = None, **kw):
        kw.setdefault("headers", {"Retry-After": str(max(1, int(retry_after)))})
        super().__init__(detail, **kw)


class InsufficientStorage(ClipsetError):
    status = 507
    error_code = "disk_full"
    detail = "The server's disk is too full to store this."


class BackupFailed(ClipsetError):
    """The backup folder is missing or unwritable, or a backup is damaged."""

    status = 409
    error_code = "backup_failed"
    detail = "The backup could not be made or restored."


class MediaStoreFailed(ClipsetError):
    """The S3-compatible bucket of ``media_store`` is unreachable, missing or refused a file."""

    status = 502
    error_code = "media_store_failed"
    detail = "The media store could not be reached."
