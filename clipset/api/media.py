"""``/media/...``: video, thumbnail and draft filmstrip bytes behind signed URLs, with HTTP
byte ranges (``byte_ranges`` says which answer a request gets).

Not under ``/api``: these URLs go straight into ``<video src>`` and ``<img src>``.
Bytes are never held in memory: under waitress the open file, positioned at the start of
the range, goes to its ``wsgi.file_wrapper``, which sends exactly Content-Length bytes
(with ``sendfile``, see ``serve.transfers``); elsewhere a generator reads 256 KiB chunks.
A player's range requests for a video take a shorter way to the same checks
(``video_bytes``).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, redirect, request

from ..errors import NotFound
from ..services.filmstrips import TTL_SECONDS as FILMSTRIP_TTL
from ..services.media_files import file_missing
from ..services.media_urls import THUMBNAIL_WIDTHS
from .access import services
from .byte_ranges import plan

# The server gives requests under it their own threads and transfer budget.
URL_PREFIX = "/media"
bp = Blueprint("media", __name__, url_prefix=URL_PREFIX)

CHUNK = 256 * 1024


# How each of a video's own signed files is served.
_MIMETYPES = {
    "video": "video/mp4",
    "stand-in": "video/mp4",
    "thumbnail": "image/jpeg",
    "filmstrip": "image/jpeg",
    "sprite": "image/jpeg",
    "previews": "text/vtt",
}


@bp.get("/videos/<video_id>.mp4", defaults={"kind": "video"})
@bp.get("/stand-ins/<video_id>.mp4", defaults={"kind": "stand-in"})
@bp.get("/thumbnails/<video_id>.jpg", defaults={"kind": "thumbnail"})
@bp.get("/strips/<video_id>.jpg", defaults={"kind": "filmstrip"})
@bp.get("/previews/<video_id>.jpg", defaults={"kind": "sprite"})
@bp.get("/previews/<video_id>.vtt", defaults={"kind": "previews"})
def video_file(kind: str, video_id: str):
    """A video, the original's stand-in playing while it is processed, its poster, its
    editor's filmstrip, or its seek previews' sprite and index."""
    return _send_video_file(video_id, kind, _MIMETYPES[kind])


@bp.get("/originals/<lease>")
def original(lease: str):
    """A remote worker's job: the uploaded original, while its lease lasts."""
    path = services().workers.source_file(lease, request.args.get("token", ""))
    return send_ranges(path, "application/octet-stream", 0)


@bp.get("/shared/video/<video_id>.mp4", defaults={"kind": "video"})
@bp.get("/shared/download/<video_id>.mp4", defaults={"kind": "download"})
@bp.get("/shared/thumbnail/<video_id>.jpg", defaults={"kind": "thumbnail"})
def shared(kind: str, video_id: str):
    """A guest link's video, poster or download (see services/share_guests.py)."""
    found, max_age, filename = services().guests.media_file(
        video_id, kind, request.args.get("token", "")
    )
    response = send_file_or_store(
        found, "image/jpeg" if kind == "thumbnail" else "video/mp4", max_age
    )
    if kind == "download" and response.status_code != 302:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/captions/<video_id>/<caption_id>.vtt")
def caption(video_id: str, caption_id: str):
    vtt, max_age = services().captions.served(video_id, caption_id, request.args.get("token", ""))
    return Response(
        vtt, mimetype="text/vtt", headers={"Cache-Control": f"private, max-age={max_age}"}
    )


@bp.get("/filmstrips/<int:draft_id>.jpg")
def filmstrip(draft_id: int):
    path = services().filmstrips.file(draft_id, request.args.get("token", ""))
    return send_ranges(path, "image/jpeg", FILMSTRIP_TTL)


@bp.get("/thumbnails/<video_id>.<int:width>.webp")
def thumbnail_variant(video_id: str, width: int):
    if width not in THUMBNAIL_WIDTHS:
        raise NotFound("No such file.", error_code="not_found")
    return _send_video_file(video_id, f"thumbnail-{width}", "image/webp")


def _send_video_file(video_id: str, kind: str, mimetype: str) -> Response:
    found, max_age = services().catalog.media_file(video_id, kind, request.args.get("token", ""))
    return send_file_or_store(found, mimetype, max_age)


def send_file_or_store(found: Path | str, mimetype: str, max_age: int) -> Response:
    """A local file's bytes, or a redirect to the media store's presigned URL for it
    (checked here first, like every request)."""
    if isinstance(found, str):
        return redirect(found, 302)
    return send_ranges(found, mimetype, max_age)


def send_ranges(path: Path, mimetype: str, max_age: int) -> Response:
    h = request.headers
    file = open_file(path)  # once, for its size and its bytes
    try:
        stat = os.fstat(file.fileno())
        answer = plan(stat, max_age, h.get("Range"), h.get("If-Range"), h.get("If-None-Match"))
        if answer.status == 304 or request.method == "HEAD":
            file.close()
            body = []
        else:
            body = range_body(request.environ, file, answer.start, answer.length)
    except BaseException:
        file.close()
        raise
    if answer.status == 304:
        return Response(status=304, headers=answer.headers)
    return Response(
        body,
        status=answer.status,
        mimetype=mimetype,
        headers=answer.headers,
        direct_passthrough=True,
    )


def open_file(path: Path):
    """The file, unbuffered, else ``NotFound`` (``file_missing``): its check may have
    passed a moment before it was removed (see ``passed_checks``)."""
    # Unbuffered: the kernel sends it (sendfile) or a copy reads big chunks, and a
    # buffered file asks the kernel two more things on opening (is it a terminal, where
    # is it), each a system call that hands the interpreter to another thread.
    try:
        return open(path, "rb", buffering=0)
    except (FileNotFoundError, IsADirectoryError):
        raise file_missing() from None


def range_body(environ: dict, file, start: int, length: int):
    """The response body: ``length`` bytes of the open file from ``start``."""
    file.seek(start)
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        # waitress sends Content-Length bytes from the file's current position and
        # closes it afterwards.
        return wrapper(file, CHUNK)
    return _chunks(file, length)


def _chunks(file, length: int):
    with file:
        while length > 0:
            chunk = file.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
