"""The waitress server: made with Clipset's channel and the media lane's threads, and the
loop-level operations the orderly start and stop need."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Callable

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ThreadedTaskDispatcher

from ..limits import BodyGate, ClientBudget, answer_refusals
from ..transfers import MediaLane
from .channel import ClipsetChannel


class WaitressServer:
    """One waitress server, listening on one or more sockets."""

    def __init__(
        self,
        app,
        *,
        host: str,
        port: int,
        threads: int,
        connection_limit: int,
        per_client: int,
        head_timeout: float,
        gate: BodyGate,
        websockets,
        media: MediaLane,
        trusted_proxy: str | None = None,
    ):
        # Behind a reverse proxy, waitress takes the client from the proxy's headers (and
        # from nobody else's: clear_untrusted_proxy_headers).
        proxy = (
            {
                "trusted_proxy": trusted_proxy,
                "trusted_proxy_count": 1,
                "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            }
            if trusted_proxy
            else {}
        )
        self._server = create_server(
            answer_refusals(app),
            host=host,
            port=port,
            threads=threads,
            connection_limit=connection_limit,
            ident="Clipset",
            clear_untrusted_proxy_headers=True,
            channel_timeout=300,
            # The head deadline is checked at each maintenance pass.
            cleanup_interval=1,
            # Uploads: read the socket in large pieces (the 8 KiB default makes a 16 MiB
            # PATCH several times slower). Bodies are bounded per request by the gate.
            recv_bytes=256 * 1024,
            max_request_body_size=1 << 40,
            **proxy,
        )
        self.budget = ClientBudget(per_client, frozenset({trusted_proxy} - {None}))
        # The media lane's own request threads. More viewers than threads is the lane's
        # design (its limit is on transfers, past which they are answered 503): its queue
        # is not worth waitress's warning on every request.
        self._media_threads = ThreadedTaskDispatcher()
        self._media_threads.queue_logger = logging.Logger("clipset.media_queue", logging.ERROR)
        self._media_threads.set_thread_count(media.threads)
        sockets = getattr(self._server, "map", None) or self._server._map
        for listener in list(sockets.values()):
            if isinstance(listener, BaseWSGIServer):
                listener.channel_class = ClipsetChannel
                listener.clipset_websockets = websockets
                listener.clipset_gate = gate
                listener.clipset_budget = self.budget
                listener.clipset_media = media
                listener.add_task = partial(self._route, listener.task_dispatcher, media)
                listener.maintenance = partial(
                    self._maintenance, listener, listener.maintenance, head_timeout
                )

    @property
    def host(self) -> str:
        return self._server.effective_host

    @property
    def port(self) -> int:
        return self._server.effective_port

    def run(self) -> None:
        self._server.run()

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the loop thread."""
        self._server.trigger.pull_trigger(fn)

    def close_sockets(self) -> None:
        """On the loop thread: the listening socket and every HTTP connection. The loop
        ends once its map is empty. The trigger leaves the map but stays open until the
        request threads have stopped (they may still pull it); ``finish`` closes it."""
        trigger = self._server.trigger
        trigger.del_channel()
        for dispatcher in list(self._server._map.values()):
            try:
                # The server's own close() would close the trigger as well.
                wasyncore.dispatcher.close(dispatcher)
            except OSError:
                pass
        self._server._map.clear()

    def finish(self, timeout: float = 5) -> None:
        """After the loop: stop the request threads and close the trigger."""
        self._server.task_dispatcher.shutdown(timeout=timeout)
        self._media_threads.shutdown(timeout=timeout)
        self._server.trigger.close()

    def _route(self, main: ThreadedTaskDispatcher, media: MediaLane, channel) -> None:
        # A channel is queued once per request it has to serve; its first decides.
        requests = channel.requests
        owned = requests and media.owns(requests[0].path)
        (self._media_threads if owned else main).add_task(channel)

    @staticmethod
    def _maintenance(listener, original, head_timeout: float, now: float) -> None:
        original(now)  # waitress's own idle timeout
        tick = time.monotonic()
        for channel in list(listener.active_channels.values()):
            if isinstance(channel, ClipsetChannel):
                channel.check_head(tick, head_timeout)
