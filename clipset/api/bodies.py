"""Which requests may send large bodies, decided when the request head arrives.

Only the upload endpoints take large bodies (a tus PATCH on ``/api/uploads/<id>``, the
one-shot multipart ``POST /api/videos`` and a remote worker's output PATCH on
``/api/workers/jobs/<lease>/outputs/<kind>``), and only once their link or bearer token
checks out; the check is signatures only (no database), so it runs before a byte of the
body is read. Everything else may send at most ``max_request_body_bytes``. The server
asks ``BodyGate`` (see ``clipset.serve.limits``); the views still check everything.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from ..errors import PayloadTooLarge, Unauthorized
from .drafts import bp as drafts
from .uploads import tus
from .workers import bp as workers

# Bodies of authorized uploads: the upload service settles the real limits.
UPLOAD_BODY_LIMIT = 1 << 40


class BodyGate:
    def __init__(self, services, max_body: int):
        self.services = services
        self.max_body = max_body

    def __call__(
        self, method: str, path: str, query: str, authorization: str, length: int | None
    ) -> int:
        lease = self._output_lease(method, path)
        token = parse_qs(query).get("token", [None])[0] if lease else None
        if token:
            self.services.deliveries.check_output_link(lease, token)
            return UPLOAD_BODY_LIMIT
        upload = self._upload_id(method, path)
        if upload is not None:
            self._authorize(upload, query, authorization)
            return UPLOAD_BODY_LIMIT
        if length is not None and length > self.max_body:
            raise PayloadTooLarge(
                f"This request's body may be at most {self.max_body} bytes.",
                error_code="body_too_large",
            )
        return self.max_body

    @staticmethod
    def _upload_id(method: str, path: str) -> str | None:
        """The upload's id for a tus PATCH, "" for the one-shot upload, else None."""
        if method == "PATCH" and path.startswith(tus.url_prefix + "/"):
            upload_id = path[len(tus.url_prefix) + 1 :]
            return upload_id if upload_id and "/" not in upload_id else None
        if method == "POST" and path == drafts.url_prefix:
            return ""
        return None

    @staticmethod
    def _output_lease(method: str, path: str) -> str | None:
        """The lease of a worker's output PATCH that carries its link, else None."""
        prefix = workers.url_prefix + "/jobs/"
        if method != "PATCH" or not path.startswith(prefix):
            return None
        parts = path[len(prefix) :].split("/")
        return parts[0] if len(parts) == 3 and parts[1] == "outputs" else None

    def _authorize(self, upload_id: str, query: str, authorization: str) -> None:
        token = parse_qs(query).get("token", [None])[0] if upload_id else None
        if token:
            self.services.uploads.check_link(upload_id, token)
            return
        scheme, _, bearer = authorization.partition(" ")
        if scheme.lower() != "bearer" or not bearer.strip():
            raise Unauthorized()
        self.services.tokens.decode(bearer.strip())
