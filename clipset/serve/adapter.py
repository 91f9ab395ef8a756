"""Everything Clipset needs from waitress beyond ``create_server``, in one place.

waitress's own limits are global (``connection_limit``) or slow (idle connections live
``channel_timeout``, 300 s), and it buffers a whole request body, to a temporary file if
large, before the app sees anything. Clipset's channel adds, per connection:

- a budget per client address: past ``max_connections_per_client`` a new connection from
  that address is closed on accept, so one client cannot fill the server;
- a deadline for the request head: a connection that sends no complete head within
  ``request_head_timeout_seconds`` of connecting, or of its last response, is closed
  (trickling a byte at a time does not extend it). A request whose head has arrived is
  never cut by it: long uploads and downloads are the request's own business;
- a gate on the body, asked when the head arrives: it names the largest body this request
  may send or refuses it (``BodyGate`` raising a ``ClipsetError``). A refused request is
  answered by the app's own error handler without buffering a byte of its body, and the
  connection is closed after the answer (first dropping what the client still sends, up
  to a bound, so that it can read the answer);
- WebSocket upgrades: the socket leaves waitress for ``websocket.WebSockets``, whose
  budget is its own (the address's HTTP budget is given back);
- zero-copy files: a ``wsgi.file_wrapper`` response (media bytes) goes from the page cache
  to the socket with ``os.sendfile`` from the loop, instead of being read into Python one
  socket buffer at a time and sent again (where the OS has no ``sendfile``, or the file
  refuses it, waitress's own copy loop sends it);
- a lane for file bytes (``MediaLane``): requests under its prefix are served by a small
  pool of their own, so a crowd of viewers never queues ahead of API requests, and at most
  so many of them are in flight (from the request until its last byte has gone or the
  client has left); beyond that they are answered 503 with Retry-After.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from functools import partial
from typing import Callable, Protocol

from waitress import wasyncore
from waitress.buffers import ReadOnlyFileBasedBuffer
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ThreadedTaskDispatcher, WSGITask

from ..errors import ClipsetError, MediaBusy

# Where a refused request's error travels to the app (see ``answer_refusals``).
REFUSAL_KEY = "clipset.refusal"
# After refusing a body, read and drop this much of it before closing: a client that
# sends its whole body before reading (browsers do) then gets the answer, not a reset.
LINGER_BYTES = 64 * 1024 * 1024
# What a 503 from a full media lane asks the player to wait.
MEDIA_RETRY_AFTER_SECONDS = 1
# The errors wasyncore reads as "the client went away".
DISCONNECTED = frozenset(
    (errno.ECONNRESET, errno.ENOTCONN, errno.ESHUTDOWN, errno.ECONNABORTED, errno.EPIPE)
) | {errno.EBADF}


class BodyGate(Protocol):
    def __call__(
        self, method: str, path: str, query: str, authorization: str, length: int | None
    ) -> int:
        """The most body bytes this request may send (``length`` None: chunked, not yet
        known); raises a ``ClipsetError`` to refuse the request before its body."""


class GatedParser(HTTPRequestParser):
    """waitress's parser, asking the gate once the head is in."""

    refusal: ClipsetError | None = None
    body_limit: int | None = None

    def __init__(self, adj, gate: BodyGate):
        super().__init__(adj)
        self._gate = gate

    def parse_header(self, header_plus):
        super().parse_header(header_plus)
        if self.body_rcv is None:  # no body
            return
        length = None if self.chunked else self.content_length
        self._ask(length)

    def _ask(self, length: int | None) -> None:
        try:
            self.body_limit = self._gate(
                self.command,
                "/" + self.path.lstrip("/"),
                self.query,
                self.headers.get("AUTHORIZATION", ""),
                length,
            )
        except ClipsetError as exc:
            # The request completes now, bodiless; nothing more is read from this
            # connection (the channel reads no further while a request is pending, and
            # closes after the answer). No 100 Continue goes out either.
            self.refusal = exc
            self.body_rcv = None
            self.expect_continue = False
            self.completed = True

    def received(self, data):
        consumed = super().received(data)
        if self.refusal is not None:
            return len(data)  # the rest is body: never parsed as another request
        if (
            self.body_limit is not None
            and not self.completed
            and self.body_bytes_received > self.body_limit
        ):
            self._ask(self.body_bytes_received)  # a chunked body ran past the limit
            if self.refusal is not None:
                return len(data)
        return consumed


class Slot:
    """One media transfer in flight; given back once, whoever gets there first."""

    def __init__(self, lane: "MediaLane"):
        self._lane = lane
        self._held = True

    def release(self) -> None:
        self._lane.give(self)

    def _taken_back(self) -> bool:  # under the lane's lock
        held, self._held = self._held, False
        return held


class SlotFile:
    """A response's file whose close (last byte sent, client gone, or the response
    dropped) also gives back its transfer slot; everything else is the file's own."""

    def __init__(self, file, slot: Slot):
        self._file = file
        self._slot = slot

    def __getattr__(self, name):
        return getattr(self._file, name)

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            self._slot.release()


class MediaLane:
    """Requests for file bytes: paths under ``prefix``, served by ``threads`` threads of
    their own, at most ``limit`` of them in flight."""

    def __init__(self, prefix: str, threads: int, limit: int):
        self.prefix = prefix
        self.threads = max(1, threads)
        self.limit = max(1, limit)
        self.dispatcher: ThreadedTaskDispatcher | None = None
        self._in_flight = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self.dispatcher = ThreadedTaskDispatcher()
        self.dispatcher.set_thread_count(self.threads)

    def owns(self, path: str) -> bool:
        return ("/" + path.lstrip("/")).startswith(self.prefix)

    def take(self) -> Slot | None:
        with self._lock:
            if self._in_flight >= self.limit:
                return None
            self._in_flight += 1
            return Slot(self)

    def give(self, slot: Slot) -> None:
        with self._lock:
            if slot._taken_back():
                self._in_flight -= 1

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight


class ClipsetTask(WSGITask):
    """Answers refused requests through the app; hands WebSocket upgrades away; holds a
    media request to its lane's budget."""

    detached = False
    busy: ClipsetError | None = None  # the media lane is full
    slot: Slot | None = None
    slot_handed = False  # to the response's file, which gives it back on close

    def get_environment(self):
        environ = super().get_environment()
        if self.request.refusal is not None:
            environ[REFUSAL_KEY] = self.request.refusal
            environ["CONTENT_LENGTH"] = "0"
        elif self.busy is not None:
            environ[REFUSAL_KEY] = self.busy
        elif self.slot is not None:
            environ["wsgi.file_wrapper"] = self._file_wrapper
        return environ

    def _file_wrapper(self, file, block_size: int = 32768):
        self.slot_handed = True
        return ReadOnlyFileBasedBuffer(SlotFile(file, self.slot), block_size)

    def _transfer(self, lane: MediaLane):
        self.slot = lane.take()
        if self.slot is None:
            self.busy = MediaBusy(MEDIA_RETRY_AFTER_SECONDS)
            return super().execute()
        try:
            return super().execute()
        finally:
            if not self.slot_handed:  # no file went out (HEAD, 304, 416, an error)
                self.slot.release()

    def build_response_header(self):
        if self.request.refusal is not None:
            self.set_close_on_finish()  # its body, if the client sends it, is not read
        return super().build_response_header()

    def execute(self):
        websockets = self.channel.server.clipset_websockets
        if self.request.refusal is not None:
            self.channel.refused = True
            return super().execute()
        lane = self.channel.server.clipset_media
        if lane.owns(self.request.path):
            return self._transfer(lane)
        if not websockets.wants(self.request):
            return super().execute()
        environ = self.get_environment()
        # From here waitress writes nothing on this connection and then forgets it.
        self.detached = True
        self.close_on_finish = True
        sock = self.channel.detach(websockets)
        if sock is not None:
            websockets.admit(self.channel.server.application, sock, environ)

    def finish(self):
        if not self.detached:
            super().finish()


class ClientBudget:
    """Open HTTP connections per client address (touched from the loop and workers)."""

    def __init__(self, per_client: int):
        self.per_client = per_client
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, address: str) -> bool:
        with self._lock:
            count = self._open.get(address, 0)
            if count >= self.per_client:
                return False
            self._open[address] = count + 1
            return True

    def give(self, address: str) -> None:
        with self._lock:
            count = self._open.get(address, 0) - 1
            if count > 0:
                self._open[address] = count
            else:
                self._open.pop(address, None)

    def count(self, address: str) -> int:
        with self._lock:
            return self._open.get(address, 0)


class ClipsetChannel(HTTPChannel):
    task_class = ClipsetTask
    _budgeted = False
    head_wait_since: float | None = None
    refused = False  # a request's body was refused: linger on close
    lingering: int | None = None  # bytes dropped since the answer went out

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map=map)
        self.parser_class = partial(GatedParser, gate=server.clipset_gate)
        self.client = str(addr[0]) if addr else ""
        self.head_wait_since = time.monotonic()
        if server.clipset_budget.take(self.client):
            self._budgeted = True
        else:
            self.handle_close()  # over this address's budget: not served at all

    def del_channel(self, map=None):
        super().del_channel(map)
        if self._budgeted:
            self._budgeted = False
            self.server.clipset_budget.give(self.client)

    def handle_close(self):
        if (
            self.refused
            and self.lingering is None
            and self.connected
            and not self.total_outbufs_len
        ):
            try:
                self.socket.shutdown(socket.SHUT_WR)  # the answer is complete
            except OSError:
                pass
            else:
                # Stay in the loop, reading and dropping the body, until the client
                # closes, LINGER_BYTES have come, or the head deadline passes.
                self.lingering = 0
                self.will_close = self.close_when_flushed = False
                return
        super().handle_close()

    def handle_read(self):
        if self.lingering is None:
            return super().handle_read()
        try:
            data = self.recv(self.adj.recv_bytes)  # on EOF it closes the channel itself
        except OSError:
            return super().handle_close()
        self.lingering += len(data)
        if data and self.lingering >= LINGER_BYTES:
            super().handle_close()

    def _flush_some(self, do_close=True):
        # waitress's loop, with file buffers sent by the kernel (``sendfile_fd``). Runs on
        # the loop thread, or on a request thread holding the outbuf lock.
        sent = 0
        while True:
            outbuf = self.outbufs[0]
            remaining = outbuf.__len__()  # not len(): no OverflowError on 32-bit builds
            fd = sendfile_fd(outbuf)
            while remaining > 0:
                if fd is not None:
                    num_sent = self._sendfile(outbuf, fd, remaining, do_close)
                    if num_sent is None:  # refused by this file: copy it instead
                        fd = None
                        continue
                else:
                    num_sent = self.send(outbuf.get(self.sendbuf_len), do_close=do_close)
                if not num_sent:
                    break  # the socket is full (or gone): try again when writable
                outbuf.skip(num_sent, True)
                remaining -= num_sent
                sent += num_sent
                self.total_outbufs_len -= num_sent
            else:
                if len(self.outbufs) > 1:  # the last outbuf is always the writable one
                    try:
                        self.outbufs.pop(0).close()
                    except Exception:
                        self.logger.exception("Unexpected error when closing an outbuf")
                    continue
            break
        if sent:
            self.last_activity = time.time()
            return True
        return False

    def _sendfile(self, outbuf, fd: int, count: int, do_close: bool) -> int | None:
        """Bytes the kernel took from ``outbuf``'s file (0: the socket is full or gone);
        None when this file cannot be sent this way."""
        try:
            return os.sendfile(self.socket.fileno(), fd, outbuf.file.tell(), count)
        except BlockingIOError:
            return 0
        except OSError as exc:
            if exc.errno in DISCONNECTED:
                if do_close:
                    self.handle_close()
                return 0
            outbuf.clipset_copy = True  # e.g. EINVAL: a file system without sendfile
            return None

    def awaiting_head(self) -> bool:
        """Nothing running or left to send, and no complete request head received."""
        request = self.request
        return not (
            self.requests
            or self.total_outbufs_len
            or self.will_close
            or self.close_when_flushed
            or (request is not None and request.headers_finished)
        )

    def check_head(self, now: float, timeout: float) -> None:
        # Run once a second from the loop's maintenance; the wait starts when the
        # connection opens or when it is next seen idle.
        if not self.awaiting_head():
            self.head_wait_since = None
        elif self.head_wait_since is None:
            self.head_wait_since = now
        elif now - self.head_wait_since >= timeout:
            self.will_close = True

    def detach(self, websockets, timeout: float = 5.0) -> socket.socket | None:
        """Take this connection's socket out of waitress (called on a worker thread).

        The socket map belongs to the loop thread, so the removal runs there, through the
        trigger; meanwhile the loop leaves the socket alone (a channel with a running
        request is neither readable nor writable).
        """
        taken: list[socket.socket] = []
        done = threading.Event()

        def take():
            try:
                if self.socket is not None and self.connected:
                    for outbuf in self.outbufs:
                        outbuf.close()
                    taken.append(self.socket)
                    self.del_channel()
                    # waitress must never close or write to it again.
                    self.socket = None
                    self.connected = False
            finally:
                done.set()

        trigger = self.server.trigger
        if getattr(trigger, "_closed", False):
            return None
        try:
            trigger.pull_trigger(take)
        except OSError:
            return None
        deadline = time.monotonic() + timeout
        while not done.wait(0.1):
            # A stopping server's loop may be gone: then waitress drops the connection.
            if websockets.closing or time.monotonic() > deadline:
                return None
        return taken[0] if taken else None


def sendfile_fd(outbuf) -> int | None:
    """The descriptor of a ``wsgi.file_wrapper`` buffer's file, if the kernel can send it."""
    if (
        type(outbuf) is not ReadOnlyFileBasedBuffer
        or not hasattr(os, "sendfile")
        or getattr(outbuf, "clipset_copy", False)
    ):
        return None
    try:
        return outbuf.file.fileno()
    except (AttributeError, OSError, ValueError):
        return None


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


class WaitressServer:
    """One waitress server with Clipset's channel, and the loop-level operations the
    orderly start and stop need."""

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
        self.budget = ClientBudget(per_client)
        self.media = media
        media.start()
        install(self._server, websockets, gate, self.budget, head_timeout, media)

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
        self.media.dispatcher.shutdown(timeout=timeout)
        self._server.trigger.close()


def install(
    server,
    websockets,
    gate: BodyGate,
    budget: ClientBudget,
    head_timeout: float,
    media: MediaLane,
) -> None:
    """Give waitress ``server`` (from ``create_server``) Clipset's channel, and its media
    requests their own threads."""
    sockets = getattr(server, "map", None) or server._map
    for dispatcher in list(sockets.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = ClipsetChannel
            dispatcher.clipset_websockets = websockets
            dispatcher.clipset_gate = gate
            dispatcher.clipset_budget = budget
            dispatcher.clipset_media = media
            dispatcher.add_task = partial(_route, dispatcher.task_dispatcher, media)
            dispatcher.maintenance = partial(
                _maintenance, dispatcher, dispatcher.maintenance, head_timeout
            )


def _route(main: ThreadedTaskDispatcher, media: MediaLane, channel) -> None:
    # A channel is queued once per request it has to serve; its first decides.
    requests = channel.requests
    lane = media.dispatcher if requests and media.owns(requests[0].path) else main
    lane.add_task(channel)


def _maintenance(server, original, head_timeout: float, now: float) -> None:
    original(now)  # waitress's own idle timeout
    tick = time.monotonic()
    for channel in list(server.active_channels.values()):
        if isinstance(channel, ClipsetChannel):
            channel.check_head(tick, head_timeout)
