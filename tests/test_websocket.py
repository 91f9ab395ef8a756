"""flask-sock on waitress (clipset.serve.websocket), with a bare Flask app: real waitress, real
clients, raw sockets where the bytes on the wire are the point."""

from __future__ import annotations

import base64
import os
import socket
import struct
import threading
import time
import urllib.request

import pytest
import websocket
from flask import Flask
from flask_sock import Sock

from clipset.serve.adapter import WaitressServer
from clipset.serve.transfers import MediaLane
from clipset.serve.websocket import WebSockets, websocket_paths
from clipset.sockets import SESSION_KEY


# -- a tiny raw client: the bytes on the wire, nothing hidden -------------------------
def raw_connect(port: int, path: str = "/ws", expect_101: bool = True) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    if not expect_101:
        return sock
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, f"closed during the handshake: {head!r}"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101 "), head
    return sock


def send_frame(sock: socket.socket, payload: bytes, opcode: int = 0x1) -> None:
    """A masked frame, as a client must send."""
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    assert len(payload) < 126
    sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)


def send_close(sock: socket.socket, code: int = 1000) -> None:
    send_frame(sock, struct.pack("!H", code), opcode=0x8)


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {data!r}")
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    """One unmasked server frame: (opcode, payload)."""
    first, second = recv_exact(sock, 2)
    assert not second & 0x80, "server frames are never masked"
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", recv_exact(sock, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", recv_exact(sock, 8))[0]
    return first & 0x0F, recv_exact(sock, length)


def read_to_eof(sock: socket.socket) -> bytes:
    rest = b""
    while chunk := sock.recv(4096):
        rest += chunk
    return rest


def close_code(frame: bytes) -> int:
    return struct.unpack("!H", frame[:2])[0]


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


# -- the app and server under test ----------------------------------------------------
def make_app() -> Flask:
    app = Flask(__name__)
    sock = Sock(app)
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 0.3}

    @sock.route("/ws")
    def echo(ws):
        while (message := ws.receive()) != "bye":
            ws.send(message)

    @sock.route("/polite")
    def polite(ws):
        """Closes with 1001 when the server asks, as the real route does."""
        session = ws.environ[SESSION_KEY]
        session.on_close_request(ws.event.set)
        ws.send("hello")
        while not session.closing.is_set():
            ws.event.wait()
            ws.event.clear()
        ws.close(1001, "bye now")

    @app.get("/hi")
    def hi():
        return "hi"

    return app


class Served:
    def __init__(self, max_connections: int = 50, threads: int = 2, **options):
        self.app = make_app()
        self.websockets = WebSockets(websocket_paths(self.app), max_connections, **options)
        self.server = WaitressServer(
            self.app,
            host="127.0.0.1",
            port=0,
            threads=threads,
            connection_limit=100,
            per_client=100,
            head_timeout=300,
            gate=lambda *_: 1 << 20,
            websockets=self.websockets,
            media=MediaLane("/media/", threads=1, limit=8),
        )
        self.port = self.server.port
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def url(self, path: str = "/ws") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def get(self, path: str = "/hi") -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
            return r.read()

    def stop(self):
        self.websockets.closing = True
        self.server.call_soon(self.server.close_sockets)
        self.thread.join(5)
        self.websockets.shutdown(grace=1, timeout=1)
        self.server.finish(timeout=2)


@pytest.fixture
def served():
    servers = []

    def start(**kw) -> Served:
        servers.append(Served(**kw))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


# -- tests ----------------------------------------------------------------------------
def test_echo_on_the_same_port_as_http(served):
    s = served()
    ws = websocket.create_connection(s.url(), timeout=5)
    ws.send("hello")
    assert ws.recv() == "hello"
    assert s.get() == b"hi"  # same host and port, plain HTTP
    ws.send("again")
    assert ws.recv() == "again"
    ws.close()


def test_sockets_do_not_hold_http_threads(served):
    s = served(threads=1)
    clients = [websocket.create_connection(s.url(), timeout=5) for _ in range(5)]
    assert s.websockets.count == 5
    # One waitress thread, five open sockets: HTTP still answers.
    assert s.get() == b"hi"
    for i, ws in enumerate(clients):
        ws.send(f"m{i}")
        assert ws.recv() == f"m{i}"
        ws.close()
    assert wait_until(lambda: s.websockets.count == 0)


def test_no_stray_bytes_after_the_server_ends_the_session(served):
    s = served()
    sock = raw_connect(s.port)
    send_frame(sock, b"ping me")
    assert read_frame(sock) == (0x1, b"ping me")
    send_frame(sock, b"bye")  # the handler returns: the server closes
    opcode, payload = read_frame(sock)
    assert opcode == 0x8 and close_code(payload) == 1000
    send_close(sock)
    assert read_to_eof(sock) == b""  # no "HTTP/1.1 200" or anything else
    sock.close()


def test_no_stray_bytes_after_the_client_ends_the_session(served):
    s = served()
    sock = raw_connect(s.port)
    send_frame(sock, b"one")
    assert read_frame(sock) == (0x1, b"one")
    send_close(sock, 1000)
    opcode, payload = read_frame(sock)
    assert opcode == 0x8 and close_code(payload) == 1000
    assert read_to_eof(sock) == b""
    sock.close()
    assert wait_until(lambda: s.websockets.count == 0)


def test_plain_get_on_a_websocket_path_stays_http(served):
    s = served()
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    sock.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply = read_to_eof(sock)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 4"), reply[:60]
    assert s.websockets.count == 0


def test_over_the_cap_is_closed_with_1013(served):
    s = served(max_connections=2)
    first = websocket.create_connection(s.url(), timeout=5)
    second = websocket.create_connection(s.url(), timeout=5)
    sock = raw_connect(s.port)  # the handshake completes, then the close follows
    opcode, payload = read_frame(sock)
    assert opcode == 0x8 and close_code(payload) == 1013
    assert b"Too many" in payload[2:]
    send_close(sock, 1013)
    assert read_to_eof(sock) == b""
    sock.close()
    # A slot that frees up is usable again.
    first.close()
    assert wait_until(lambda: s.websockets.count == 1)
    third = websocket.create_connection(s.url(), timeout=5)
    third.send("in")
    assert third.recv() == "in"
    second.close()
    third.close()


def test_a_flood_past_the_cap_takes_no_thread_per_connection(served):
    # The polite refusals wait for their peers far longer than the test takes.
    s = served(max_connections=0, max_refusing=2, refuse_timeout=60)
    refusing = lambda: sum(t.name == "clipset-ws-refuse" for t in threading.enumerate())
    # Two polite refusals wait for their peers (who don't answer the close frame)...
    polite = [raw_connect(s.port) for _ in range(2)]
    for sock in polite:
        assert read_frame(sock)[0] == 0x8
    # ...so the next upgrades are dropped without a close frame or a thread of their own.
    dropped = [raw_connect(s.port, expect_101=False) for _ in range(5)]
    for sock in dropped:
        assert read_to_eof(sock) == b""
    assert refusing() <= 2
    for sock in polite + dropped:
        sock.close()


def test_dead_peer_is_dropped(served):
    s = served()
    sock = raw_connect(s.port)
    # Never answer the server's pings (ping_interval is 0.3 s in this app).
    opcodes = []
    while True:
        opcode, payload = read_frame(sock)
        opcodes.append(opcode)
        if opcode == 0x8:
            break
    assert 0x9 in opcodes  # pinged first
    assert close_code(payload) == 1008
    assert read_to_eof(sock) == b""
    sock.close()
    assert wait_until(lambda: s.websockets.count == 0)


def test_shutdown_closes_open_sessions(served):
    s = served()
    polite = [websocket.create_connection(s.url("/polite"), timeout=5) for _ in range(3)]
    for ws in polite:
        assert ws.recv() == "hello"
    stubborn = raw_connect(s.port)  # the echo handler ignores close requests
    s.websockets.shutdown(grace=1, timeout=15)  # returns as soon as all are gone
    assert s.websockets.count == 0
    for ws in polite:
        opcode, frame = ws.recv_data_frame(True)
        assert opcode == 0x8 and close_code(frame.data) == 1001
    while True:  # forced: the connection ends, with or without a close frame
        try:
            opcode, _ = read_frame(stubborn)
        except (EOFError, ConnectionResetError):
            break
    # Upgrades after shutdown are refused with 1001.
    late = raw_connect(s.port)
    opcode, payload = read_frame(late)
    assert opcode == 0x8 and close_code(payload) == 1001


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_no_file_descriptor_leak(served):
    s = served()
    for i in range(5):  # warm up: threads, selectors, waitress's own sockets
        ws = websocket.create_connection(s.url(), timeout=5)
        ws.send("x")
        ws.recv()
        ws.close()
    assert wait_until(lambda: s.websockets.count == 0)
    before = open_fds()
    for i in range(60):
        if i % 3 == 0:  # the server ends it
            sock = raw_connect(s.port)
            send_frame(sock, b"bye")
            read_frame(sock)
            send_close(sock)
            read_to_eof(sock)
            sock.close()
        elif i % 3 == 1:  # the client ends it cleanly
            ws = websocket.create_connection(s.url(), timeout=5)
            ws.send("x")
            ws.recv()
            ws.close()
        else:  # the client just vanishes
            sock = raw_connect(s.port)
            sock.close()
    assert wait_until(lambda: s.websockets.count == 0)
    assert wait_until(lambda: open_fds() <= before), (open_fds(), before)
