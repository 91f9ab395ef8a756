"""The machine's LAN address, read from its own interfaces (no packet is sent)."""

from __future__ import annotations

import ipaddress
import socket

LOOPBACK = "127.0.0.1"
# Bind addresses meaning "every interface": a listener, never a place to browse to.
ANY_ADDRESS = ("", "0.0.0.0", "::")
# Interfaces of containers, VMs and VPN overlays: reachable from this machine only,
# or from somewhere other than the household's LAN.
_VIRTUAL_PREFIXES = (
    "docker",
    "br-",
    "veth",
    "virbr",
    "vmnet",
    "vboxnet",
    "cni",
    "flannel",
    "podman",
    "lxc",
    "lxd",
    "tun",
    "tap",
    "utun",
    "zt",
    "tailscale",
    "wg",
    "vethernet",
    "awdl",
    "llw",
)
# RFC 1918: what home and office LANs use (ipaddress's is_private also counts others).
_LAN_NETWORKS = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)


def _rank(name: str, address: str) -> int | None:
    """Lower is better; None means never."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return None
    if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
        return None
    virtual = name.lower().startswith(_VIRTUAL_PREFIXES)
    if any(ip in network for network in _LAN_NETWORKS):
        return 2 if virtual else 0
    return 3 if virtual else 1


def choose_address(addrs: dict[str, list], stats: dict[str, object] | None = None) -> str:
    """The best IPv4 address among ``psutil.net_if_addrs()``-shaped ``addrs``.

    Private addresses on up, physical-looking interfaces first; loopback only as a
    last resort.
    """
    stats = stats or {}
    best: tuple[int, str] | None = None
    for name, entries in addrs.items():
        stat = stats.get(name)
        if stat is not None and not getattr(stat, "isup", True):
            continue
        for entry in entries:
            if entry.family != socket.AF_INET:
                continue
            rank = _rank(name, entry.address)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, entry.address)
    return best[1] if best else LOOPBACK


def lan_address() -> str:
    import psutil

    try:
        return choose_address(psutil.net_if_addrs(), psutil.net_if_stats())
    except OSError:
        return LOOPBACK


def is_this_machine(address: str) -> bool:
    """Whether a client at ``address`` is this machine itself: loopback, or one of its
    own interface addresses (a browser here that opened the LAN address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.is_loopback or getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback:
        return True
    import psutil

    try:
        own = {
            entry.address.split("%", 1)[0]
            for entries in psutil.net_if_addrs().values()
            for entry in entries
        }
    except OSError:
        return False
    return str(getattr(ip, "ipv4_mapped", None) or ip) in own


def http_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def lan_url(host: str, port: int) -> str:
    """The URL other devices use: the bound address, or the LAN one when bound to all."""
    return http_url(lan_address() if host in ANY_ADDRESS else host, port)
