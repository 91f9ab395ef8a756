"""``/s/<token>``: the web app's page for a guest link, with a preview for chat apps.

Chat apps on the LAN read Open Graph and Twitter card tags without running scripts, so
the server writes them into the app's ``index.html`` for this one page: title,
description and a poster (an album's cover) through a link-scoped URL. A password link,
or one that no longer works, shows nothing of its video or album.
"""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, request

from .access import services
from .spa import _index, dist_dir

bp = Blueprint("share_page", __name__)

DESCRIPTION_CHARS = 200
LOCKED = {
    "video": "A video shared with you on Clipset",
    "album": "An album shared with you on Clipset",
}
OG_TYPES = {"video": "video.other", "album": "website"}


def _tags(preview: dict | None) -> str:
    kind = preview["kind"] if preview is not None else "video"
    if preview is None or preview["locked"]:
        title, description, image = LOCKED[kind], "Open the link to watch.", None
    else:
        title = preview["title"]
        description = preview["description"][:DESCRIPTION_CHARS] or LOCKED[kind]
        image = (
            preview["thumbnail_url"] and request.host_url.rstrip("/") + preview["thumbnail_url"]
        )
    meta = {
        "og:type": OG_TYPES[kind],
        "og:site_name": "Clipset",
        "og:title": title,
        "og:description": description,
        "og:url": request.base_url,
        "twitter:card": "summary_large_image" if image else "summary",
        "twitter:title": title,
        "twitter:description": description,
    }
    if image:
        meta["og:image"] = meta["twitter:image"] = image
    lines = [
        f'<meta {"name" if key.startswith("twitter:") else "property"}="{key}" '
        f'content="{escape(value)}" />'
        for key, value in meta.items()
    ]
    lines.append('<meta name="robots" content="noindex, nofollow" />')
    return "\n    ".join(lines)


@bp.get("/s/<token>")
def guest_page(token: str):
    index = dist_dir() / "index.html"
    if not index.is_file():
        return _index(dist_dir())
    html = index.read_text(encoding="utf-8")
    tags = _tags(services().guests.preview(token))
    response = Response(html.replace("</head>", f"  {tags}\n  </head>", 1), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # a revoked link must not linger
    response.headers["X-Robots-Tag"] = "noindex"
    return response
