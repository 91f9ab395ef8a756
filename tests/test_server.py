"""The real waitress server over real HTTP."""
from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from clipset.server import Server
from support import PASSWORD


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
            conn.request(method, path, json.dumps(body) if body is not None else None,
                         headers)
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

    status, _, body = http_.call("POST", "/api/setup", {"username": "host",
                                                         "password": PASSWORD})
    assert status == 201
    status, _, body = http_.call("POST", "/api/auth/login", {"username": "host",
                                                              "password": PASSWORD})
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
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer",
                                          "strict-origin-when-cross-origin")


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
    from clipset import lan

    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.5.6")
    caplog.set_level("INFO", logger="clipset.server")
    server = Server(app, host="0.0.0.0", port=0).start()
    try:
        assert f"http://192.168.5.6:{server.port}" in caplog.text
    finally:
        server.stop()
