"""WebSockets on waitress: an upgraded connection leaves waitress for threads of its own.

waitress hands a WSGI app no socket, so flask-sock (simple-websocket) cannot run on it as
is. When a valid WebSocket upgrade arrives for a WebSocket route, the server's task
(``adapter``) takes the connection's socket out of waitress's event loop and
gives it to ``WebSockets.admit``; its worker thread goes back to HTTP at once. The app is
then called for that request on a session thread of ours, with the socket where
simple-websocket looks for it (``werkzeug.socket``); when the session ends the socket is
closed and released.

Budgets are separate: waitress's ``threads`` answer HTTP; at most ``max_connections``
sessions run at once, at most ``max_unauthenticated`` of them not yet signed in, and at
most ``max_per_user`` of any one user (the app names the user with ``Session.claim``), so
no one client can take every slot. An upgrade beyond a budget is accepted and closed
straight away with 1013 (try again later). ``shutdown()`` asks every session to close
with 1001 and forces the ones that do not.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from typing import Callable, Iterable

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Request

from ..sockets import GOING_AWAY, SESSION_KEY, TRY_AGAIN_LATER

log = logging.getLogger(__name__)

SEND_BUFFER = 256 * 1024


def websocket_paths(app) -> set[str]:
    """The paths of the Flask app's WebSocket routes (flask-sock marks them)."""
    return {rule.rule for rule in app.url_map.iter_rules() if rule.websocket}


def is_upgrade(request) -> bool:
    """A well-formed RFC 6455 opening handshake, as waitress parsed it."""
    headers = request.headers
    connection = {t.strip().lower() for t in headers.get("CONNECTION", "").split(",")}
    return (
        request.command == "GET"
        and request.version == "1.1"
        and headers.get("UPGRADE", "").strip().lower() == "websocket"
        and "upgrade" in connection
        and headers.get("SEC_WEBSOCKET_VERSION", "").strip() == "13"
        and bool(headers.get("SEC_WEBSOCKET_KEY", "").strip())
    )


class SessionSocket:
    """The upgraded connection as simple-websocket uses it.

    Reads block as long as they must; each write is a whole frame under a lock (the
    handler and the pinging reader thread both write) and has a deadline, so a peer that
    stops reading cannot pin a thread for ever.
    """

    def __init__(self, sock: socket.socket, send_timeout: float, send_buffer: int = SEND_BUFFER):
        sock.settimeout(send_timeout)  # blocking with a deadline, never non-blocking
        # A fixed kernel buffer (no autotuning to megabytes): what a stalled peer can
        # pile up stays small, and the stall shows in time.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        self._sock = sock
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.bytes_sent = 0

    def fileno(self) -> int:
        return self._sock.fileno()

    def recv(self, size: int) -> bytes:
        while True:
            try:
                return self._sock.recv(size)
            except TimeoutError:  # the deadline is for writes; an idle peer is fine
                continue

    def send(self, data: bytes) -> int:
        with self._lock:
            self._sock.sendall(data)
            self.bytes_sent += len(data)
        return len(data)

    def abort(self) -> None:
        """Wake every thread blocked on the connection; the owner then closes it."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        self._sock.close()  # idempotent; later calls on the socket fail with EBADF
        self._closed.set()

    def wait_closed(self, timeout: float) -> bool:
        return self._closed.wait(timeout)


class Session:
    """One upgraded connection: its socket, its thread, and the server's close request."""

    def __init__(self, sock: SessionSocket, environ: dict, owner: "WebSockets"):
        self.socket = sock
        self.environ = environ
        self.user = None  # whom the app signed in on this connection, once it has
        self._owner = owner
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._on_close: list[Callable[[], None]] = []

    def on_close_request(self, callback: Callable[[], None]) -> None:
        """Have ``callback`` called (from another thread) when the server wants this
        session closed with 1001; called at once if it already does."""
        with self._lock:
            self._on_close.append(callback)
            now = self.closing.is_set()
        if now:
            callback()

    def claim(self, user) -> bool:
        """Count this session as ``user``'s; False if that user has no slot left."""
        return self._owner.claim(self, user)

    def request_close(self) -> None:
        with self._lock:
            self.closing.set()
            callbacks = list(self._on_close)
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("websocket close callback failed")

    def abort(self) -> None:
        self.socket.abort()


class WebSockets:
    """The WebSocket sessions of one server, and their budget."""

    def __init__(
        self,
        paths: Iterable[str],
        max_connections: int,
        *,
        max_per_user: int | None = None,
        max_unauthenticated: int | None = None,
        send_timeout: float = 5.0,
        close_timeout: float = 2.0,
        max_refusing: int = 16,
        refuse_timeout: float = 1.0,
    ):
        self.paths = frozenset(paths)
        self.max_connections = max_connections
        self.max_per_user = max_connections if max_per_user is None else max_per_user
        self.max_unauthenticated = (
            max_connections if max_unauthenticated is None else max_unauthenticated
        )
        self.send_timeout = send_timeout
        self.close_timeout = close_timeout  # for the peer to answer our close frame
        self._sessions: set[Session] = set()
        self._cv = threading.Condition()
        # Refusing politely takes a thread for up to a second; a flood of upgrades past
        # the cap must not take a thread each, so beyond this many they are just dropped.
        self._refusing = threading.BoundedSemaphore(max_refusing)
        self.refuse_timeout = refuse_timeout  # for the peer to read a refusal
        # True once the server is stopping: upgrades are refused with 1001 from then on.
        self.closing = False

    @property
    def count(self) -> int:
        with self._cv:
            return len(self._sessions)

    def wants(self, request) -> bool:
        return request.path in self.paths and is_upgrade(request)

    # -- sessions ---------------------------------------------------------------------
    def admit(self, app, sock: socket.socket, environ: dict) -> None:
        """Run ``app`` for the upgrade request on a session thread, or refuse it."""
        with self._cv:
            if self.closing:
                refusal = (GOING_AWAY, "The server is shutting down.")
            elif len(self._sessions) >= self.max_connections:
                refusal = (TRY_AGAIN_LATER, "Too many live connections. Try again later.")
            elif self._count(None) >= self.max_unauthenticated:
                refusal = (
                    TRY_AGAIN_LATER,
                    "Too many connections waiting to sign in. Try again later.",
                )
            else:
                refusal = None
                session = Session(SessionSocket(sock, self.send_timeout), environ, self)
                self._sessions.add(session)
        if refusal is not None:
            if self._refusing.acquire(blocking=False):
                threading.Thread(
                    target=self._refuse,
                    args=(sock, environ, *refusal),
                    name="clipset-ws-refuse",
                    daemon=True,
                ).start()
            else:
                sock.close()
            return
        try:
            threading.Thread(
                target=self._serve, args=(app, session), name="clipset-ws", daemon=True
            ).start()
        except RuntimeError:  # no thread to be had: let the client go
            self._end(session)

    def claim(self, session: Session, user) -> bool:
        with self._cv:
            if session.user == user:
                return True
            if user is not None and self._count(user) >= self.max_per_user:
                return False
            session.user = user
            return True

    def _count(self, user) -> int:
        # Under self._cv. A linear count: there are at most max_connections sessions.
        return sum(1 for s in self._sessions if s.user == user)

    def _refuse(self, sock: socket.socket, environ: dict, code: int, reason: str) -> None:
        try:
            _refuse(sock, environ, code, reason, self.refuse_timeout)
        finally:
            self._refusing.release()

    def _serve(self, app, session: Session) -> None:
        environ = session.environ
        environ["werkzeug.socket"] = session.socket
        environ[SESSION_KEY] = session
        environ["wsgi.input"] = io.BytesIO()  # waitress closes the request's own stream
        response: list = []

        def start_response(status, headers, exc_info=None):
            response[:] = [status, headers]
            return lambda data: response.append(data)

        try:
            result = app(environ, start_response)
            try:
                body = b"".join([*response[2:], *result])
            finally:
                if hasattr(result, "close"):
                    result.close()
            if not session.socket.bytes_sent and response:
                _write_response(session.socket, response[0], response[1], body)
                session.socket.close()
        except Exception:
            log.exception("websocket session failed")
        finally:
            self._end(session)

    def _end(self, session: Session) -> None:
        sock = session.socket
        if sock.bytes_sent:
            # simple-websocket's reader closes the socket once the peer answers our close.
            # Brisk while the server stops: the peer has had its close frame.
            wait = min(self.close_timeout, 0.5) if self.closing else self.close_timeout
            if not sock.wait_closed(wait):
                sock.abort()
                sock.wait_closed(1.0)
        sock.close()
        with self._cv:
            self._sessions.discard(session)
            self._cv.notify_all()

    def shutdown(self, grace: float = 2.0, timeout: float = 3.0) -> None:
        """Close every session with 1001 (or force it), refuse new ones, and return once
        all are gone or ``grace + timeout`` seconds have passed."""
        with self._cv:
            self.closing = True
            sessions = list(self._sessions)
        for session in sessions:
            session.request_close()
        if not self._wait_empty(grace):
            with self._cv:
                stuck = list(self._sessions)
            for session in stuck:
                session.abort()
            if not self._wait_empty(timeout):
                log.warning("%d websocket session(s) still open at shutdown", self.count)

    def _wait_empty(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._sessions:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cv.wait(remaining)
        return True


def _write_response(sock: SessionSocket, status: str, headers, body: bytes) -> None:
    """The app answered the upgrade with plain HTTP (an error): send it and close."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [
        f"{k}: {v}"
        for k, v in headers
        if k.lower() not in ("connection", "content-length", "transfer-encoding")
    ]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    try:
        sock.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    except OSError:
        pass


def _handshake_bytes(environ: dict) -> bytes:
    """The opening handshake rebuilt from the environ (as simple-websocket does)."""
    lines = ["GET / HTTP/1.1"]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = "-".join(part.capitalize() for part in key[5:].split("_"))
            lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _refuse(sock: socket.socket, environ: dict, code: int, reason: str, timeout: float) -> None:
    """Complete the handshake, close with ``code``, and let the peer read it."""
    try:
        sock.settimeout(timeout)
        conn = WSConnection(ConnectionType.SERVER)
        conn.receive_data(_handshake_bytes(environ))
        out = b""
        for event in conn.events():
            if isinstance(event, Request):
                out += conn.send(AcceptConnection())
        out += conn.send(CloseConnection(code=code, reason=reason))
        sock.sendall(out)
        sock.shutdown(socket.SHUT_WR)
        # Read until the peer closes too: closing with unread input would reset the
        # connection and could destroy the close frame before the peer reads it.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and sock.recv(4096):
            pass
    except Exception:
        pass
    finally:
        sock.close()
