"""The real waitress server over real HTTP."""

from __future__ import annotations

import http.client
import json
import os
import socket
import tempfile
import threading
from urllib.parse import urlsplit

import pytest
from support import PASSWORD, video_like
from test_websocket import wait_until

from clipset.serve.server import Server


class Http:
    """A tiny JSON client over http.client against the live server."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port

    def call(self, method, path, body=None, token=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, resp.headers, json.loads(raw) if raw else None
        finally:
            conn.close()


def test_health_setup_login_me_over_http(live_server):
    http_ = Http(live_server.url)
    status, headers, body = http_.call("GET", "/api/health")
    assert status == 200 and body["status"] == "ok" and body["version"]
    assert headers["Content-Type"].startswith("application/json")
    assert http_.call("GET", "/api/setup")[2]["needs_setup"] is True

    status, _, body = http_.call("POST", "/api/setup", {"username": "host", "password": PASSWORD})
    assert status == 201
    status, _, body = http_.call(
        "POST", "/api/auth/login", {"username": "host", "password": PASSWORD}
    )
    assert status == 200 and body["token_type"] == "bearer"
    status, _, me = http_.call("GET", "/api/auth/me", token=body["access_token"])
    assert status == 200 and me["username"] == "host" and me["role"] == "admin"
    status, headers, err = http_.call("GET", "/api/auth/me")
    assert status == 401 and err["error_code"] == "not_authenticated"
    assert headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("path", ["/api/health", "/api/does-not-exist", "/api/docs"])
def test_security_headers(live_server, path):
    _, headers, _ = _raw(live_server.url, path)
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    )


def _raw(url, path):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def test_stop_closes_the_port(app):
    server = Server(app, host="127.0.0.1", port=0).start()
    port = server.port
    assert Http(server.url).call("GET", "/api/health")[0] == 200
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.skipif(not socket.has_ipv6, reason="needs IPv6")
def test_a_server_on_every_ipv6_interface_gives_a_browsable_url(app):
    server = Server(app, host="::", port=0).start()
    try:
        assert server.url == f"http://[::1]:{server.port}"  # not the unroutable [::]
        assert Http(server.url).call("GET", "/api/health")[0] == 200
    finally:
        server.stop()


def test_bound_to_every_interface_it_logs_the_address_for_phones(app, monkeypatch, caplog):
    from clipset.desktop import lan

    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.5.6")
    caplog.set_level("INFO", logger="clipset.serve.server")
    server = Server(app, host="0.0.0.0", port=0).start()
    try:
        assert f"http://192.168.5.6:{server.port}" in caplog.text
    finally:
        server.stop()


# -- one client cannot take the service away -----------------------------------------
def _connect_from(address: str, port: int, timeout: float = 10) -> socket.socket:
    """A connection from ``address`` (another 127.x.y.z: another client on loopback)."""
    return socket.create_connection(
        ("127.0.0.1", port), timeout=timeout, source_address=(address, 0)
    )


def _closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed ``sock`` (never blocks)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _request_from(
    address: str, port: int, method: str, path: str, body=None, token=None
) -> tuple[int, dict | None]:
    sock = _connect_from(address, port)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.sock = sock
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None
    finally:
        conn.close()


FLOOD = {
    "connection_limit": 100,
    "max_connections_per_client": 20,
    "request_head_timeout_seconds": 1,
}


@pytest.mark.parametrize("settings_overrides", [FLOOD])
def test_one_address_holding_hundreds_of_sockets_locks_no_one_out(live_server, admin):
    port = live_server.port
    idle = []
    for _ in range(300):  # three times the server's whole connection limit
        try:
            idle.append(_connect_from("127.0.0.1", port))
        except OSError:
            break
    stop = threading.Event()
    # Within their address's budget: only the head deadline can close these.
    trickling = [_connect_from("127.0.0.3", port) for _ in range(5)]

    def trickle():  # a byte at a time, never finishing the head
        head = b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 500
        for byte in head:
            for sock in trickling:
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    pass
            if stop.wait(0.1):
                return

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        # Another client is served all along: health, sign-in and the API.
        for _ in range(3):
            assert _request_from("127.0.0.2", port, "GET", "/api/health")[0] == 200
        status, session = _request_from(
            "127.0.0.2",
            port,
            "POST",
            "/api/auth/login",
            {"username": "admin", "password": PASSWORD},
        )
        assert status == 200
        status, me = _request_from(
            "127.0.0.2", port, "GET", "/api/auth/me", token=session["access_token"]
        )
        assert status == 200 and me["username"] == "admin"
        # Every idle and trickling socket is closed by the server before long.
        everyone = idle + trickling
        assert wait_until(lambda: all(_closed_by_server(s) for s in everyone), 20)
        # The address may connect again once its sockets are gone.
        assert _request_from("127.0.0.1", port, "GET", "/api/health")[0] == 200
    finally:
        stop.set()
        trickler.join(5)
        for sock in idle + trickling:
            sock.close()


def _spooled_bytes(spool) -> int:
    """Bytes in files this process holds open under ``spool`` (waitress's body buffers
    are unlinked temporary files: only their descriptors show them)."""
    total = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith(str(spool)):
                total += os.fstat(int(fd)).st_size
        except OSError:
            pass
    return total


def _read_response(sock: socket.socket) -> tuple[int, dict, dict]:
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    return resp.status, dict(resp.headers), json.loads(resp.read())


@pytest.fixture
def spool(tmp_path, monkeypatch):
    """Where waitress spools request bodies during the test."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("settings_overrides", [FLOOD])
def test_a_kept_alive_connection_idle_after_its_answer_is_closed(live_server):
    sock = _connect_from("127.0.0.1", live_server.port)
    for _ in range(2):  # keep-alive works, and each answer restarts the head deadline
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        assert resp.status == 200 and json.loads(resp.read())["status"] == "ok"
    assert wait_until(lambda: _closed_by_server(sock), 20)
    sock.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_huge_body_to_sign_in_is_refused_unread(live_server, spool):
    sock = _connect_from("127.0.0.1", live_server.port)
    size = 400 * 1024 * 1024
    sock.sendall(
        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
        b"application/json\r\nContent-Length: %d\r\n\r\n" % size + b"{" * 65536
    )
    status, headers, body = _read_response(sock)
    assert status == 413 and body["error_code"] == "body_too_large"
    assert headers["Connection"] == "close"
    assert "Content-Security-Policy" in headers  # the app's own answer
    with pytest.raises(OSError):  # the server reads no more of it
        chunk = b"x" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            sock.sendall(chunk)
    sock.close()
    assert _spooled_bytes(spool) == 0 and not list(spool.iterdir())
    assert Http(live_server.url).call("GET", "/api/health")[0] == 200


def test_a_client_that_sends_its_whole_body_first_still_reads_the_413(live_server):
    size = 4 * 1024 * 1024  # as a browser does: the body goes out before any reading
    for _ in range(3):
        sock = _connect_from("127.0.0.1", live_server.port)
        sock.sendall(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nContent-Length: %d\r\n\r\n" % size + b" " * size
        )
        status, _, body = _read_response(sock)
        assert status == 413 and body["error_code"] == "body_too_large"
        sock.close()


def test_a_chunked_body_past_the_limit_is_refused(live_server):
    sock = _connect_from("127.0.0.1", live_server.port)
    sock.sendall(
        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
        b"application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 65536
    try:
        for _ in range(32):  # 2 MiB, past the 1 MiB limit
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    except OSError:
        pass
    status, _, body = _read_response(sock)
    assert status == 413 and body["error_code"] == "body_too_large"
    sock.close()


def _upload(admin, size: int) -> str:
    r = admin.post("/api/videos/upload-url", json={"filename": "a.mp4", "size": size})
    assert r.status_code == 201, r.json
    return r.json["upload_url"]


def _patch_head(url: str, size: int, expect: bool = False) -> bytes:
    return (
        f"PATCH {url} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
        f"Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
        f"Content-Length: {size}\r\n" + ("Expect: 100-continue\r\n" if expect else "") + "\r\n"
    ).encode()


@pytest.mark.parametrize("expect", [False, True])
def test_an_upload_with_a_bad_link_is_refused_before_its_body(live_server, admin, spool, expect):
    size = 64 * 1024 * 1024
    url = _upload(admin, size).replace("token=", "token=x")
    sock = _connect_from("127.0.0.1", live_server.port)
    sock.sendall(_patch_head(url, size, expect))  # the head alone: no body sent
    status, _, body = _read_response(sock)  # no 100 Continue before it either
    assert status == 403 and body["error_code"] == "invalid_link"
    sock.close()
    # Without a link, the bearer decides; a bad one is refused just the same.
    sock = _connect_from("127.0.0.1", live_server.port)
    sock.sendall(
        _patch_head(url.split("?")[0], size)[:-2] + b"Authorization: Bearer not.a.jwt\r\n\r\n"
    )
    status, _, body = _read_response(sock)
    assert status == 401
    sock.close()
    assert _spooled_bytes(spool) == 0


def test_the_one_shot_upload_needs_a_good_bearer_before_its_body(live_server):
    sock = _connect_from("127.0.0.1", live_server.port)
    sock.sendall(
        b"POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-"
        b"data; boundary=b\r\nContent-Length: 100000000\r\n\r\n"
    )
    status, _, body = _read_response(sock)
    assert status == 401 and body["error_code"] == "not_authenticated"
    sock.close()


@pytest.mark.parametrize("settings_overrides", [{"request_head_timeout_seconds": 1}])
def test_a_slow_upload_is_not_cut_by_the_head_timeout(live_server, admin):
    size = 3 * 1024 * 1024  # past the limit for other bodies
    url = _upload(admin, size)
    sock = _connect_from("127.0.0.1", live_server.port)
    sock.sendall(_patch_head(url, size))
    body, sent, paused = video_like(size), 0, threading.Event()
    while sent < size:  # a quarter at a time, with pauses longer than the head timeout
        sock.sendall(body[sent : sent + size // 4])
        sent += size // 4
        if sent < size:
            paused.wait(0.6)
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    assert resp.status == 204 and resp.headers["Upload-Offset"] == str(size)
    sock.close()


@pytest.mark.parametrize(
    "settings_overrides",
    [{"max_connections_per_client": 3, "trusted_proxy": "127.0.0.5"}],
)
def test_the_trusted_proxy_is_not_held_to_one_clients_budget(live_server):
    """Its connections carry every client behind it; anyone else keeps the budget."""
    port = live_server.port

    def served(sock: socket.socket) -> bool:
        try:
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            return sock.recv(12).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    proxy = [_connect_from("127.0.0.5", port) for _ in range(8)]
    other = [_connect_from("127.0.0.6", port) for _ in range(4)]
    try:
        assert all(served(sock) for sock in proxy)
        assert [served(sock) for sock in other] == [True, True, True, False]
    finally:
        for sock in proxy + other:
            sock.close()
