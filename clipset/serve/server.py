"""Serving the app with waitress, with an orderly start and stop.

The Server owns the waitress server (its request threads; ``adapter`` holds every
waitress detail, ``limits`` the per-client limits, ``transfers`` the media lane), the
WebSocket sessions (``websocket.WebSockets``: threads of their own, budgeted apart from
HTTP's), and starts and stops the services' background work with them. ``stop()`` may
be called from any thread or a signal handler: closing the sockets runs on waitress's own
loop thread through its trigger, and the rest of the shutdown follows on that thread once
the loop has ended.
"""

from __future__ import annotations

import logging
import signal
import threading

from flask import Flask

from ..api.bodies import BodyGate
from ..api.media import URL_PREFIX as MEDIA_PREFIX
from ..desktop import lan
from .adapter import WaitressServer
from .transfers import MediaLane
from .websocket import WebSockets, websocket_paths

log = logging.getLogger(__name__)


class Server:
    def __init__(self, app: Flask, host: str | None = None, port: int | None = None):
        settings = app.config["CLIPSET_SETTINGS"]
        self.app = app
        self.services = app.extensions["clipset"]
        self.websockets = WebSockets(
            websocket_paths(app),
            settings.ws_max_connections,
            max_per_user=settings.ws_max_per_user,
            max_unauthenticated=settings.ws_max_unauthenticated,
        )
        self._server = WaitressServer(
            app,
            host=host if host is not None else settings.host,
            port=settings.port if port is None else port,
            threads=settings.threads,
            trusted_proxy=settings.trusted_proxy,
            connection_limit=settings.connection_limit,
            per_client=settings.max_connections_per_client,
            head_timeout=settings.request_head_timeout_seconds,
            gate=BodyGate(self.services, settings.max_request_body_bytes),
            websockets=self.websockets,
            media=MediaLane(
                MEDIA_PREFIX + "/", settings.media_threads, settings.max_media_transfers
            ),
        )
        self._thread: threading.Thread | None = None
        self._running = False
        self._closing = False
        self._stopped = threading.Event()
        # Stopping from the web app (a browser on this computer); the tray replaces this
        # with its Quit, which also takes the icon down.
        self.services.host.stop_with(lambda: self.stop(wait=False))

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        """Where this machine's browser reaches the server (loopback when bound to all)."""
        host = self._server.host
        if host in lan.ANY_ADDRESS:
            host = "::1" if host == "::" else lan.LOOPBACK
        return lan.http_url(host, self.port)

    def start(self) -> "Server":
        """Serve on a background thread (tests, the tray) and return at once."""
        self._begin()
        self._thread = threading.Thread(target=self._run, name="clipset-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on this thread until SIGINT/SIGTERM or ``stop()``."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stop(wait=False))
        self._begin()
        self._run()

    def _begin(self) -> None:
        self.services.start()
        self._running = True
        log.info("Clipset is serving on %s", self.url)
        if self._server.host in lan.ANY_ADDRESS:
            log.info(
                "Phones and other computers on the network: %s",
                lan.lan_url(self._server.host, self.port),
            )

    def _run(self) -> None:
        try:
            self._server.run()
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        if self._stopped.is_set():
            return
        try:
            self.websockets.shutdown()
            self._server.finish(timeout=5)
            self.services.stop()
        finally:
            self._stopped.set()
            log.info("Clipset stopped")

    def stop(self, wait: bool = True, timeout: float = 15) -> None:
        if not self._closing:
            self._closing = True
            # Set without a lock: this may run in a signal handler. Upgrades in flight
            # are refused from now on.
            self.websockets.closing = True
            if self._running and not self._stopped.is_set():
                try:
                    self._server.call_soon(self._server.close_sockets)
                except OSError:  # the loop ended meanwhile and closed its trigger
                    pass
            else:
                self._server.close_sockets()
                self._shutdown()
        if wait and self._thread is not None:
            self._thread.join(timeout)
        if wait:
            self._stopped.wait(timeout)
