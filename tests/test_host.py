"""Controls for the computer Clipset runs on (start at login, stop), for a browser there:
what the tray menu offers, for desktops whose tray icons have no menu."""

from __future__ import annotations

import http.client
import json
import socket
import time

import psutil
import pytest

from clipset.desktop import lan
from clipset.serve.server import Server

ELSEWHERE = {"REMOTE_ADDR": "192.0.2.10"}  # a phone on the LAN (a documentation address)


def autostart_entry(app):
    return (
        app.extensions["clipset"].data.root / "home" / ".config" / "autostart" / "clipset.desktop"
    )


def test_a_browser_on_the_host_sees_its_controls(admin):
    assert admin.get("/api/admin/host").json == {
        "on_this_computer": True,
        "start_at_login": False,
        "can_stop": False,
    }  # no server runs this app, so nothing can stop it


def test_start_at_login_from_the_host(app, admin):
    r = admin.patch("/api/admin/host/start-at-login", json={"enabled": True})
    assert r.status_code == 200, r.json
    assert r.json["start_at_login"] is True
    entry = autostart_entry(app)  # testing mode: inside the data dir, never the real one
    assert "Exec=" in entry.read_text() and "--data-dir" in entry.read_text()
    assert admin.get("/api/admin/host").json["start_at_login"] is True
    r = admin.patch("/api/admin/host/start-at-login", json={"enabled": False})
    assert r.json["start_at_login"] is False and not entry.exists()


def test_other_devices_and_other_users_cannot_use_the_host_controls(app, admin, user):
    remote = {"environ_base": ELSEWHERE}
    assert admin.get("/api/admin/host", **remote).json == {
        "on_this_computer": False,
        "start_at_login": None,
        "can_stop": False,
    }
    for method, path, body in [
        ("PATCH", "/api/admin/host/start-at-login", {"enabled": True}),
        ("POST", "/api/admin/host/stop", None),
    ]:
        r = admin.request(method, path, json=body, **remote)
        assert (r.status_code, r.json["error_code"]) == (403, "not_on_host"), r.json
        assert "computer that runs Clipset" in r.json["detail"]
        assert user.request(method, path, json=body).status_code == 403
    assert user.get("/api/admin/host").status_code == 403
    assert not autostart_entry(app).exists()


def test_stop_needs_something_that_can_stop(admin):
    r = admin.post("/api/admin/host/stop")
    assert (r.status_code, r.json["error_code"]) == (409, "cannot_stop")


def test_stop_from_the_host_answers_then_stops_the_real_server(app, admin):
    server = Server(app, host="127.0.0.1", port=0).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        headers = {"Authorization": f"Bearer {admin.token}"}
        conn.request("GET", "/api/admin/host", headers=headers)
        assert json.loads(conn.getresponse().read())["can_stop"] is True
        conn.request("POST", "/api/admin/host/stop", headers=headers)
        response = conn.getresponse()
        assert response.status == 202 and response.read() == b""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not server._stopped.is_set():
            time.sleep(0.05)
        assert server._stopped.is_set()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    finally:
        server.stop()


def test_this_machine_is_loopback_or_one_of_its_own_addresses():
    own = [
        e.address
        for entries in psutil.net_if_addrs().values()
        for e in entries
        if e.family == socket.AF_INET and not e.address.startswith("127.")
    ]
    assert lan.is_this_machine("127.0.0.1") and lan.is_this_machine("::1")
    assert lan.is_this_machine("::ffff:127.0.0.1")
    assert all(lan.is_this_machine(address) for address in own)
    assert not lan.is_this_machine("192.0.2.10")
    assert not lan.is_this_machine("unknown")
