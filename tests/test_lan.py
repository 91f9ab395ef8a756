"""Choosing the address other devices on the LAN use, from fake interface tables."""

import socket
from collections import namedtuple

from clipset.desktop import lan

Addr = namedtuple("Addr", "family address netmask broadcast ptp")
Stat = namedtuple("Stat", "isup")


def v4(address):
    return Addr(socket.AF_INET, address, None, None, None)


def v6(address):
    return Addr(socket.AF_INET6, address, None, None, None)


def test_private_address_on_a_real_interface_wins():
    addrs = {
        "lo": [v4("127.0.0.1")],
        "docker0": [v4("172.17.0.1")],
        "eth0": [v6("fe80::1"), v4("203.0.113.7")],
        "wlan0": [v4("192.168.1.23")],
    }
    assert lan.choose_address(addrs, {}) == "192.168.1.23"


def test_public_address_beats_container_bridges_and_link_local():
    addrs = {
        "br-1234": [v4("10.0.0.1")],
        "veth9": [v4("10.1.0.1")],
        "eth0": [v4("169.254.10.10"), v4("198.51.100.4")],
    }
    assert lan.choose_address(addrs) == "198.51.100.4"


def test_interfaces_that_are_down_are_skipped():
    addrs = {"eth0": [v4("192.168.1.5")], "eth1": [v4("10.0.0.9")]}
    stats = {"eth0": Stat(False), "eth1": Stat(True)}
    assert lan.choose_address(addrs, stats) == "10.0.0.9"


def test_virtual_private_address_only_when_nothing_else():
    assert (
        lan.choose_address({"docker0": [v4("172.17.0.1")], "lo": [v4("127.0.0.1")]})
        == "172.17.0.1"
    )


def test_loopback_is_the_last_resort():
    assert lan.choose_address({"lo": [v4("127.0.0.1")], "eth0": [v6("fe80::2")]}) == "127.0.0.1"
    assert lan.choose_address({}) == "127.0.0.1"


def test_url_uses_the_bound_address_unless_bound_to_all(monkeypatch):
    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.7.7")
    assert lan.lan_url("0.0.0.0", 8420) == "http://192.168.7.7:8420"
    assert lan.lan_url("10.9.8.7", 9000) == "http://10.9.8.7:9000"


def test_real_interfaces_give_an_ipv4_address():
    address = lan.lan_address()
    assert socket.inet_aton(address)


def test_admin_sees_the_lan_url_and_its_qr_code(admin, user, anon, monkeypatch):
    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.7.7")
    r = admin.get("/api/admin/lan")
    assert r.status_code == 200, r.json
    assert r.json["lan_url"].startswith("http://192.168.7.7:")
    assert r.json["qr_svg"].startswith("<svg") and "<path" in r.json["qr_svg"]
    assert user.get("/api/admin/lan").status_code == 403
    assert anon.get("/api/admin/lan").status_code == 401
