"""The single-page app: the built ``web/dist`` with a history fallback.

Hashed files under ``/assets/`` never change, so browsers may keep them for a year;
``index.html`` names the current ones, so it is revalidated on every load. A GET for a
path that is not a file of the build answers ``index.html`` so that deep links such as
``/v/12`` work on reload (the SPA's router takes it from there), except paths that name a
file (``/foo.js``, ``/x.png``): those answer 404, so a missing script or image is never
fed HTML. Nothing outside the build is ever looked at, so the answers say nothing about
other files on the machine. The build holds ``name.gz`` beside its text files; browsers
that accept gzip get those bytes.
"""

from __future__ import annotations

import mimetypes
import re
import sys
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

bp = Blueprint("spa", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
# Types Python's table may lack or get wrong on some systems.
TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
# A last path segment like "app.js" or "logo.png" names a file, not a screen of the app.
FILE_LIKE = re.compile(r"\.[A-Za-z0-9]{1,12}$")
# App routes whose last segment may contain a dot: usernames (``/u/ann.lee``).
DOTTED_ROUTES = ("u",)
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clipset</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The web app is not built</h1>
<p>Clipset's API is running, but the web app in <code>web/dist</code> has not been built.
Build it with <code>make run</code>
(or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>)
and reload this page.</p>
<p>The API is documented at <a href="/api/docs">/api/docs</a>.</p>
</body></html>
"""


def default_dist() -> Path:
    """``web/dist`` inside a PyInstaller bundle, else next to the package in the repository."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "web" / "dist"
    return Path(__file__).resolve().parents[2] / "web" / "dist"


def dist_dir() -> Path:
    configured = current_app.config["CLIPSET_SETTINGS"].web_dist
    return Path(configured) if configured else default_dist()


def _file_in(directory: Path, path: str) -> Path | None:
    """The build's file at ``path``, or None (also for any path leaving the directory)."""
    joined = safe_join(str(directory), path) if path else None
    return Path(joined) if joined and Path(joined).is_file() else None


def _send(directory: Path, path: str, cache_control: str) -> Response:
    """A file of the build, gzipped when the browser accepts it and the build has it."""
    suffix = Path(path).suffix.lower()
    mimetype = TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    gz = _file_in(directory, path + ".gz")
    if gz and request.accept_encodings["gzip"]:
        response = send_from_directory(directory, path + ".gz", mimetype=mimetype, max_age=0)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_from_directory(directory, path, mimetype=mimetype, max_age=0)
    if gz:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache_control
    return response


def _index(dist: Path) -> Response:
    if not (dist / "index.html").is_file():
        response = Response(NOT_BUILT, mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response
    return _send(dist, "index.html", "no-cache")


@bp.get("/assets/<path:filename>")
def asset(filename: str):
    # A missing hashed asset is a real 404, never the HTML page in its place.
    if not _file_in(dist_dir() / "assets", filename):
        abort(404)
    return _send(dist_dir() / "assets", filename, IMMUTABLE)


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str):
    if path.split("/", 1)[0] in ("api", "media"):
        abort(404)  # unknown API and media paths answer JSON errors, not the app
    dist = dist_dir()
    if path and path != "index.html" and _file_in(dist, path):
        return _send(dist, path, "no-cache")
    if FILE_LIKE.search(path) and path.split("/", 1)[0] not in DOTTED_ROUTES:
        abort(404)
    return _index(dist)
