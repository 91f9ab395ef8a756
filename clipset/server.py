"""Serving the app with waitress, with an orderly start and stop.

The Server owns the waitress server (and its request threads) and starts and stops the
services' background work with it. ``stop()`` may be called from any thread or a signal
handler: the shutdown runs on waitress's own loop thread through its trigger.
"""
from __future__ import annotations

import logging
import signal
import threading

from flask import Flask
from waitress.server import create_server

log = logging.getLogger(__name__)


class Server:
    def __init__(self, app: Flask, host: str | None = None, port: int | None = None):
        settings = app.config["CLIPSET_SETTINGS"]
        self.app = app
        self.services = app.extensions["clipset"]
        self._server = create_server(
            app,
            host=host if host is not None else settings.host,
            port=settings.port if port is None else port,
            threads=settings.threads,
            connection_limit=settings.connection_limit,
            ident="Clipset",
            clear_untrusted_proxy_headers=True,
            channel_timeout=300,
        )
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        return self._server.effective_port

    @property
    def url(self) -> str:
        host = self._server.effective_host
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def start(self) -> "Server":
        """Serve on a background thread (tests, the tray) and return at once."""
        self.services.start()
        self._thread = threading.Thread(target=self._run, name="clipset-http", daemon=True)
        self._thread.start()
        log.info("Clipset is serving on %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Serve on this thread until SIGINT/SIGTERM or ``stop()``."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stop(wait=False))
        self.services.start()
        log.info("Clipset is serving on %s", self.url)
        self._run()

    def _run(self) -> None:
        try:
            self._server.run()
        finally:
            self._shutdown_services()

    def _shutdown_services(self) -> None:
        if not self._stopped.is_set():
            self._stopped.set()
            self.services.stop()
            log.info("Clipset stopped")

    def stop(self, wait: bool = True, timeout: float = 15) -> None:
        # Closing the listening socket and channels must happen on the loop thread.
        self._server.trigger.pull_trigger(self._server.close)
        if wait and self._thread is not None:
            self._thread.join(timeout)
        if wait:
            self._stopped.wait(timeout)
