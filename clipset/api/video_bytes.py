"""The players' range requests for a processed video (``GET``/``HEAD
/media/videos/<id>.mp4``), answered before Flask routes them.

A player reads a video as a stream of 1 MiB ranges, each checked (``Catalog.media_file``:
the token, then that its user is still active and may still see the video; a pass stands
for a second). Flask's request and response objects, routing and hooks cost more than those
checks; here the same checks and the same answer (``byte_ranges.plan``, the security
headers, the file handed to waitress's ``sendfile``) run without them. Anything else,
and anything that isn't a plain success (a refusal, a missing file, a video in the media
store), goes on to the app, which answers it in full as it always has.
"""

from __future__ import annotations

import os
import re
from typing import Callable
from urllib.parse import parse_qs

from ..store.db import after_request, database
from .byte_ranges import plan
from .media import URL_PREFIX, open_file, range_body

VIDEO = re.compile(re.escape(URL_PREFIX) + r"/videos/([^/]+)\.mp4")
STATUS = {200: "200 OK", 206: "206 Partial Content", 304: "304 Not Modified"}


class VideoBytes:
    def __init__(self, app: Callable, catalog, headers: dict[str, str]):
        self.app = app  # the WSGI app behind (Flask's)
        self.catalog = catalog
        self.headers = list(headers.items())

    def __call__(self, environ, start_response):
        match = VIDEO.fullmatch(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if match is None or method not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        database.connect(reuse_if_open=True)
        file = None
        try:
            found, max_age = self.catalog.media_file(match[1], "video", token)
            if isinstance(found, str):  # in the media store: the app redirects
                return self.app(environ, start_response)
            file = open_file(found)  # once, for its size and its bytes
            answer = plan(
                os.fstat(file.fileno()),
                max_age,
                environ.get("HTTP_RANGE"),
                environ.get("HTTP_IF_RANGE"),
                environ.get("HTTP_IF_NONE_MATCH"),
            )
        except Exception as exc:  # refused, missing, unsatisfiable: the app's own answer
            if file is not None:
                file.close()
            after_request(keep=True, error=exc)
            return self.app(environ, start_response)
        after_request(keep=True)
        headers = [*self.headers, *answer.headers.items()]
        if answer.status == 304:
            file.close()
            start_response(STATUS[304], headers)
            return []
        start_response(STATUS[answer.status], [*headers, ("Content-Type", "video/mp4")])
        if method == "HEAD":
            file.close()
            return []
        return range_body(environ, file, answer.start, answer.length)
