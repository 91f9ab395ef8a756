"""The limits Clipset's server keeps beyond waitress's own, and how a refusal is answered.

A budget of open connections per client address (``ClientBudget``: past
``max_connections_per_client`` a new connection from that address is closed on accept, so
one client cannot fill the server), and a gate on each request's body, asked when its
head arrives (``BodyGate``; ``api.bodies`` holds the rule). A request the gate refuses
is answered by the app's own error handler (``answer_refusals``), without its view
running and without a byte of its body read. Nothing here knows waitress: ``adapter``
applies these on its connections.
"""

from __future__ import annotations

import threading
from typing import Callable, Protocol

# Where a refused request's error travels to the app (see ``answer_refusals``).
REFUSAL_KEY = "clipset.refusal"


class BodyGate(Protocol):
    def __call__(
        self, method: str, path: str, query: str, authorization: str, length: int | None
    ) -> int:
        """The most body bytes this request may send (``length`` None: chunked, not yet
        known); raises a ``ClipsetError`` to refuse the request before its body."""


class ClientBudget:
    """Open HTTP connections per client address (touched from the loop and workers).
    The ``exempt`` addresses (the trusted reverse proxy, whose connections carry every
    client) are held only to the server's whole connection limit."""

    def __init__(self, per_client: int, exempt: frozenset[str] = frozenset()):
        self.per_client = per_client
        self.exempt = exempt
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, address: str) -> bool:
        if address in self.exempt:
            return True
        with self._lock:
            count = self._open.get(address, 0)
            if count >= self.per_client:
                return False
            self._open[address] = count + 1
            return True

    def give(self, address: str) -> None:
        if address in self.exempt:
            return
        with self._lock:
            count = self._open.get(address, 0) - 1
            if count > 0:
                self._open[address] = count
            else:
                self._open.pop(address, None)

    def count(self, address: str) -> int:
        with self._lock:
            return self._open.get(address, 0)


def answer_refusals(app) -> Callable:
    """The WSGI app around the Flask ``app``: a refused request gets the app's error
    response (its JSON shape and headers) without the view running."""

    def wsgi(environ, start_response):
        refusal = environ.get(REFUSAL_KEY)
        if refusal is None:
            return app(environ, start_response)
        with app.request_context(environ):
            response = app.finalize_request(app.handle_user_exception(refusal))
        return response(environ, start_response)

    return wsgi
