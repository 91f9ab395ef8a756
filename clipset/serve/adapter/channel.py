"""The connection: waitress's parser, task and channel with Clipset's additions (see the
package's docstring for what each does and why)."""

from __future__ import annotations

import os
import socket
import threading
import time
from functools import partial

from waitress import wasyncore
from waitress.buffers import ReadOnlyFileBasedBuffer
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import WSGITask

from ...errors import ClipsetError
from ..limits import REFUSAL_KEY, BodyGate
from ..transfers import MediaLane, Slot, sendfile_fd, slot_file

# After refusing a body, read and drop this much of it before closing: a client that
# sends its whole body before reading (browsers do) then gets the answer, not a reset.
LINGER_BYTES = 64 * 1024 * 1024


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
        self._ask(None if self.chunked else self.content_length)

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
        return ReadOnlyFileBasedBuffer(slot_file(file, self.slot), block_size)

    def _transfer(self, lane: MediaLane):
        self.slot = lane.take()
        if self.slot is None:
            self.busy = lane.busy()
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


class ClipsetChannel(HTTPChannel):
    task_class = ClipsetTask
    _budgeted = False
    head_wait_since: float | None = None
    refused = False  # a request's body was refused: linger on close
    sending = False  # a request thread is sending (see ``writable``)
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

    def writable(self):
        # While a request thread sends, the loop leaves the socket alone: otherwise it
        # finds the socket writable, fails to take the outbuf lock and selects again at
        # once, a spin that keeps the interpreter from the sending thread each time it
        # comes back from the kernel. The thread wakes the loop when it is done.
        return not self.sending and super().writable()

    def _flush_some(self, do_close=True):
        # waitress's, with file buffers sent by the kernel. Runs on the loop thread, or
        # (do_close False) on a request thread holding the outbuf lock.
        if do_close:
            return self._send_outbufs(do_close)
        self.sending = True
        try:
            return self._send_outbufs(do_close)
        finally:
            self.sending = False

    def _send_outbufs(self, do_close: bool) -> bool:
        sent = 0
        while True:
            outbuf = self.outbufs[0]
            remaining = outbuf.__len__()  # not len(): no OverflowError on 32-bit builds
            # The kernel sends a file_wrapper's file, unless that file refused it before.
            copy = type(outbuf) is not ReadOnlyFileBasedBuffer or hasattr(outbuf, "clipset_copy")
            fd = None if copy else sendfile_fd(outbuf.file)
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
            if exc.errno in wasyncore._DISCONNECTED:  # the client went away
                if do_close:
                    self.handle_close()
                return 0
            outbuf.clipset_copy = True  # e.g. EINVAL: a file system without sendfile
            return None

    def check_head(self, now: float, timeout: float) -> None:
        # Run once a second from the loop's maintenance; the wait starts when the
        # connection opens or when it is next seen idle (nothing running or left to send,
        # and no complete request head received).
        request = self.request
        if (
            self.requests
            or self.total_outbufs_len
            or self.will_close
            or self.close_when_flushed
            or (request is not None and request.headers_finished)
        ):
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
