"""The HTTP layer: blueprints that parse, authorize, call a service and serialize."""

from __future__ import annotations

from flask import Flask, request

from ..store.db import after_request, database
from . import (
    accounts,
    admin,
    albums,
    captions,
    categories,
    docs,
    drafts,
    editing,
    endpoint,
    errors,
    headers,
    host,
    invitations,
    jobs,
    media,
    realtime,
    saved,
    share_page,
    shares,
    social,
    spa,
    system,
    uploads,
    users,
    videos,
    workers,
)
from .video_bytes import VideoBytes

# Requests that change nothing (RFC 9110's safe methods).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

BLUEPRINTS = (
    system.bp,
    docs.bp,
    accounts.bp,
    users.bp,
    invitations.bp,
    categories.bp,
    admin.bp,
    social.bp,
    saved.bp,
    videos.bp,
    editing.bp,
    albums.bp,
    captions.bp,
    media.bp,
    host.bp,
    uploads.bp,
    uploads.tus,
    drafts.bp,
    jobs.bp,
    workers.admin_bp,
    workers.bp,
    realtime.bp,
    shares.bp,
    share_page.bp,
)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = endpoint.BoundedInt  # before any rule is added

    @app.before_request
    def open_db():
        database.connect(reuse_if_open=True)

    catalog = app.extensions["clipset"].catalog

    @app.teardown_request
    def close_db(exc):
        # The media lane's threads keep theirs for the next range (see store.db).
        after_request(keep=request.path.startswith(media.URL_PREFIX + "/"), error=exc)
        if request.method not in SAFE_METHODS:  # it may have taken someone's access away
            catalog.passed.forget()

    errors.init_app(app)
    security = headers.init_app(app)
    app.wsgi_app = VideoBytes(app.wsgi_app, catalog, security)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.register_blueprint(spa.bp)  # last: its catch-all must not shadow API routes
