"""The single-page app: the built ``web/dist`` with a history fallback.

Hashed files under ``/assets/`` never change, so browsers may keep them for a year;
``index.html`` names the current ones, so it is revalidated on every load. Any other GET
that is not a file (and not under /api or /media) answers ``index.html`` so that deep
links such as ``/v/12`` work on reload; the SPA's router takes it from there.
"""
from __future__ import annotations

import sys
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

bp = Blueprint("spa", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clipset</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The web app is not built</h1>
<p>Clipset's API is running, but the web app in <code>web/dist</code> has not been built.
Build it with <code>make run</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>)
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


def _index(dist: Path) -> Response:
    if not (dist / "index.html").is_file():
        response = Response(NOT_BUILT, mimetype="text/html")
    else:
        response = send_from_directory(dist, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/assets/<path:filename>")
def asset(filename: str):
    # A missing hashed asset is a real 404, never the HTML page in its place.
    response = send_from_directory(dist_dir() / "assets", filename)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str):
    if path.split("/", 1)[0] in ("api", "media"):
        abort(404)  # unknown API and media paths answer JSON errors, not the app
    dist = dist_dir()
    if path and path != "index.html" and (dist / path).is_file():
        response = send_from_directory(dist, path, max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response
    return _index(dist)
