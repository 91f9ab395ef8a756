"""``/media/...``: video, thumbnail and draft filmstrip bytes behind signed URLs, with HTTP
byte ranges.

Not under ``/api``: these URLs go straight into ``<video src>`` and ``<img src>``.
Ranges follow RFC 9110: one range ``a-b``, ``a-`` or ``-n`` answers 206 with
``Content-Range``; a range past the end answers 416 with ``Content-Range: bytes */size``;
a syntactically invalid Range header, or several ranges at once (browsers never ask for
those when playing), is ignored and the whole file is sent with 200. ``If-Range`` that
does not match the current ETag/Last-Modified also sends the whole file; ``If-None-Match``
answers 304.

Bytes are never held in memory: under waitress the open file, positioned at the start of
the range, goes to its ``wsgi.file_wrapper``, which sends exactly Content-Length bytes
(with ``sendfile``, see ``serve.transfers``); elsewhere a generator reads 256 KiB chunks.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, redirect, request
from werkzeug.http import http_date

from ..errors import NotFound, RangeNotSatisfiable
from ..services.filmstrips import TTL_SECONDS as FILMSTRIP_TTL
from ..services.media_urls import THUMBNAIL_WIDTHS
from .access import services

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


def _etag(stat: os.stat_result) -> str:
    return f"{stat.st_size:x}-{stat.st_mtime_ns:x}"


def _if_range_matches(etag: str, mtime: int) -> bool:
    if_range = request.if_range
    if if_range.etag is not None:
        return if_range.etag == etag  # strong comparison, as If-Range requires
    if if_range.date is not None:
        return int(if_range.date.timestamp()) == mtime
    return True  # no If-Range header


def _bounds(first: tuple[int, int | None], size: int) -> tuple[int, int] | None:
    """(start, stop) of a parsed range in a file of ``size`` bytes, None if unsatisfiable.

    Werkzeug's ``range_for_length`` refuses a suffix longer than the file, which RFC 9110
    says means "the whole file".
    """
    start, stop = first
    if start < 0:  # suffix: the last -start bytes
        start, stop = max(0, size + start), size
    stop = size if stop is None else min(stop, size)
    return (start, stop) if start < stop else None


def send_ranges(path: Path, mimetype: str, max_age: int) -> Response:
    stat = path.stat()
    size, mtime, etag = stat.st_size, int(stat.st_mtime), _etag(stat)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{etag}"',
        "Last-Modified": http_date(mtime),
        "Cache-Control": f"private, max-age={max_age}",
    }

    if request.if_none_match.contains(etag) or request.if_none_match.star_tag:
        return Response(status=304, headers=headers)

    start, length, status = 0, size, 200
    ranges = request.range
    if (
        ranges is not None
        and ranges.units == "bytes"
        and len(ranges.ranges) == 1
        and _if_range_matches(etag, mtime)
    ):
        bounds = _bounds(ranges.ranges[0], size)
        if bounds is None:
            raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
        start, stop = bounds
        length, status = stop - start, 206
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"

    headers["Content-Length"] = str(length)
    body = [] if request.method == "HEAD" else _body(path, start, length)
    return Response(
        body, status=status, mimetype=mimetype, headers=headers, direct_passthrough=True
    )


def _body(path: Path, start: int, length: int):
    file = open(path, "rb")
    file.seek(start)
    wrapper = request.environ.get("wsgi.file_wrapper")
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
