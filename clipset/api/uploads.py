"""Resumable uploads: ``POST /api/videos/upload-url`` and the tus 1.0.0 resource
(core + creation + termination) on ``/api/uploads``.

The tus routes read raw bytes and headers, so they declare no JSON body model; they are
still declared with ``endpoint`` (as PUBLIC, checking the signed upload token or the
owner's bearer token themselves) so that they appear in the OpenAPI document.
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, request
from pydantic import Field

from ..errors import BadRequest, PreconditionFailed, UnsupportedMedia
from ..store.db import MAX_INT
from ..store.models import Upload
from .access import current_user, services
from .endpoint import PUBLIC, endpoint, whole_number
from .schemas import In, Out, UtcDatetime

bp = Blueprint("uploads", __name__, url_prefix="/api/videos")
tus = Blueprint("tus", __name__, url_prefix="/api/uploads")

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination"
OFFSET_STREAM = "application/offset+octet-stream"


class UploadUrlIn(In):
    filename: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=1, le=MAX_INT, description="Exact size of the file in bytes.")
    content_type: str | None = Field(None, max_length=128)


class UploadUrlOut(Out):
    upload_id: str
    upload_url: str = Field(
        description="A tus 1.0.0 upload resource; its token "
        "authorizes HEAD, PATCH and DELETE on it."
    )
    expires_at: UtcDatetime


@endpoint(
    bp,
    "/upload-url",
    "POST",
    body=UploadUrlIn,
    response=UploadUrlOut,
    status=201,
    errors=(413, 507),
)
def upload_url(body: UploadUrlIn):
    """Reserve room and quota for an upload and get a resumable upload URL.

    The size is checked against the largest file allowed, the free disk space and your
    weekly quota (reserved now, given back if the upload is cancelled or abandoned)."""
    uploads = services().uploads
    upload = uploads.create(current_user(), body.filename, body.size, body.content_type)
    return {
        "upload_id": upload.id,
        "upload_url": uploads.url(upload),
        "expires_at": upload.expires_at,
    }


class LimitsOut(Out):
    used_bytes: int
    limit_bytes: int
    remaining_bytes: int
    resets_at: UtcDatetime
    max_file_size_bytes: int
    accepted_formats: list[str]
    max_tags: int = Field(description="Tags a video may have, once normalized.")


@endpoint(bp, "/quota", response=LimitsOut)
def limits():
    """Your weekly upload quota and the file limits, to show before uploading."""
    return services().uploads.limits(current_user())


# -- tus ------------------------------------------------------------------------------
def _raw(view):
    """The view answers OPTIONS itself (Flask would add its own otherwise)."""
    view.provide_automatic_options = False
    return view


@tus.before_request
def _check_version():
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise PreconditionFailed(
            f"This server speaks tus {TUS_VERSION}; send Tus-Resumable: {TUS_VERSION}.",
            error_code="tus_version",
            headers={"Tus-Version": TUS_VERSION},
        )


@tus.after_request
def _resumable(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _options() -> Response:
    max_size = services().config["max_file_size_bytes"]
    return Response(
        status=204,
        headers={
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": TUS_EXTENSIONS,
            "Tus-Max-Size": str(max_size),
        },
    )


def _authorized(upload_id: str, token: str | None) -> Upload:
    """The upload URL's signed token decides; without one, the owner's bearer token."""
    uploads = services().uploads
    if token:
        return uploads.authorize(upload_id, token=token)
    return uploads.authorize(upload_id, user=current_user())


def _metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    out = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            out[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise BadRequest(
                f"Upload-Metadata: the value of {key} is not base64 text.",
                error_code="invalid_metadata",
            ) from None
    return out


def _int_header(name: str) -> int:
    return whole_number(request.headers.get(name), name)


def _header(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "schema": schema,
        "description": description,
    }


_VERSION = _header(
    "Tus-Resumable",
    {"type": "string", "enum": [TUS_VERSION]},
    "The tus version spoken; any other answers 412.",
)
_BYTES = {"type": "integer", "minimum": 0, "maximum": MAX_INT}
_LENGTH = _header("Upload-Length", {**_BYTES, "minimum": 1}, "The file's exact size in bytes.")
_OFFSET = _header("Upload-Offset", _BYTES, "Where these bytes go: where the upload stands.")
_STREAM = _header(
    "Content-Type", {"type": "string", "enum": [OFFSET_STREAM]}, "Any other answers 415."
)
_CHUNK = {OFFSET_STREAM: {"schema": {"type": "string", "format": "binary"}}}


class TokenQuery(In):
    token: str | None = Field(
        None,
        max_length=1024,
        description="The signed token of the "
        "upload URL; without it, the owner's bearer token decides.",
    )


@endpoint(tus, "", "OPTIONS", status=204, auth=PUBLIC)
@_raw
def tus_options():
    """tus discovery: version, extensions and largest size."""
    return _options()


@endpoint(tus, "/<upload_id>", "OPTIONS", status=204, auth=PUBLIC)
@_raw
def tus_options_upload(upload_id: str):
    """tus discovery for an upload resource."""
    return _options()


@endpoint(
    tus,
    "",
    "POST",
    status=201,
    auth=PUBLIC,
    errors=(400, 401, 412, 413, 507),
    headers=(_VERSION, _LENGTH),
)
@_raw
def tus_create():
    """tus creation: make an upload (bearer token required).

    Headers: `Tus-Resumable: 1.0.0`, `Upload-Length`, `Upload-Metadata` (base64 `filename`,
    `filetype`). Same checks as `upload-url`; answers 201 with the upload's `Location`."""
    user = current_user()
    if "Upload-Defer-Length" in request.headers:
        raise BadRequest(
            "Upload-Defer-Length is not supported; send Upload-Length.",
            error_code="length_required",
        )
    meta = _metadata(request.headers.get("Upload-Metadata", ""))
    uploads = services().uploads
    upload = uploads.create(
        user, meta.get("filename", "upload"), _int_header("Upload-Length"), meta.get("filetype")
    )
    return Response(status=201, headers={"Location": uploads.url(upload), "Upload-Offset": "0"})


@endpoint(
    tus,
    "/<upload_id>",
    "HEAD",
    query=TokenQuery,
    auth=PUBLIC,
    errors=(401, 403, 404, 412),
    headers=(_VERSION,),
)
@_raw
def tus_head(upload_id: str, query: TokenQuery):
    """tus: where the upload stands (`Upload-Offset`, `Upload-Length`).

    Authorized by the `token` of the upload URL or the owner's bearer token."""
    upload = _authorized(upload_id, query.token)
    return Response(
        status=200,
        headers={"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)},
    )


@endpoint(
    tus,
    "/<upload_id>",
    "PATCH",
    query=TokenQuery,
    status=204,
    auth=PUBLIC,
    errors=(400, 401, 403, 404, 409, 412, 413, 415),
    headers=(_VERSION, _OFFSET, _STREAM),
    content=_CHUNK,
)
@_raw
def tus_patch(upload_id: str, query: TokenQuery):
    """tus: append bytes at `Upload-Offset`.

    Body: the bytes, with `Content-Type: application/offset+octet-stream`. 409 if the
    offset isn't where the upload stands, 413 past the declared length. The server
    receives a request's whole body before answering it, so a PATCH cut off mid-body
    writes nothing: each chunk is atomic (send modest chunks; the web app sends 8 MiB)."""
    user = None if query.token else current_user()
    if request.mimetype != OFFSET_STREAM:
        raise UnsupportedMedia(
            f"Send the bytes as {OFFSET_STREAM}.", error_code="wrong_content_type"
        )
    upload = services().uploads.append(
        upload_id,
        _int_header("Upload-Offset"),
        request.stream,
        request.content_length,
        token=query.token or None,
        user=user,
    )
    return Response(status=204, headers={"Upload-Offset": str(upload.offset)})


@endpoint(
    tus,
    "/<upload_id>",
    "DELETE",
    query=TokenQuery,
    status=204,
    auth=PUBLIC,
    errors=(401, 403, 404, 412),
    headers=(_VERSION,),
)
@_raw
def tus_delete(upload_id: str, query: TokenQuery):
    """tus termination: cancel the upload; its file goes and its quota is given back."""
    services().uploads.discard(_authorized(upload_id, query.token))
    return Response(status=204)
