"""The README's nginx configuration (deploy/nginx-clipset.conf) in front of two instances:
WebSockets upgrade through it, the API answers through it, and a client can't pick its
own address with X-Forwarded-For. Runs where Debian's nginx is installed (``make nginx``)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import websocket
from support import PASSWORD
from test_instances import Http, admin_a, instances, public_video  # noqa: F401 (fixtures)
from test_realtime import receive, subscribe
from test_websocket import wait_until

pytestmark = pytest.mark.sqlite_only  # brings its own database (postgres_url)

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx-clipset.conf"
MAIN = """
{user}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {site};
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if found is None:
        pytest.skip("nginx is not installed (make nginx)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def instance_settings():
    return {"login_attempts": 2, "trusted_proxy": "127.0.0.1"}


@pytest.fixture
def proxy(instances, tmp_path):  # noqa: F811
    """nginx with the shipped configuration, its upstreams and port pointed at the test's."""
    binary = nginx_binary()
    root = tmp_path / "nginx"
    root.mkdir()
    port = free_port()
    site = CONFIG.read_text()
    upstreams = iter(f"server 127.0.0.1:{server.port};" for server in instances)
    site = re.sub(r"server 127\.0\.0\.1:\d+;", lambda _: next(upstreams), site)
    site = site.replace("listen 8420;", f"listen 127.0.0.1:{port};")
    (root / "clipset.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temp dir
    (root / "nginx.conf").write_text(MAIN.format(user=user, root=root, site=root / "clipset.conf"))
    process = subprocess.Popen(
        [binary, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: answers(port) or process.poll() is not None)
        assert process.poll() is None, (root / "error.log").read_text()
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


class Through:
    """What Http needs of a server: its URL (here nginx's)."""

    def __init__(self, address: str):
        self.url = f"http://{address}"


def listeners(server) -> int:
    return server.app.extensions["clipset.fanout"].listener_count


def test_sockets_and_the_api_work_through_nginx(instances, proxy, admin_a):  # noqa: F811
    via = Through(proxy)
    status, body = Http(via).call(
        "POST", "/api/auth/login", {"username": "admin", "password": PASSWORD}
    )
    assert status == 200, body
    me = Http(via, body["access_token"], body["user"])
    video = public_video(me)
    sockets = []
    # nginx takes turns: a few sockets are enough to have some on each instance.
    while len(sockets) < 6 and not all(listeners(server) for server in instances):
        ws = websocket.create_connection(f"ws://{proxy}/api/ws?token={me.token}", timeout=10)
        assert receive(ws)["type"] == "auth.ok"
        subscribe(ws, video.public_id)
        sockets.append(ws)
    assert all(listeners(server) for server in instances)
    for count, (method, path) in enumerate(
        (("POST", "like"), ("DELETE", "unlike"), ("POST", "like")), start=1
    ):
        assert me.call(method, f"/api/videos/{video.public_id}/{path}")[0] == 200
        expected = {"type": "like.updated", "video_id": video.public_id, "like_count": count % 2}
        for ws in sockets:
            assert receive(ws) == expected
    for ws in sockets:
        ws.close()


def test_a_client_cannot_choose_its_address_through_nginx(proxy, admin_a):  # noqa: F811
    via = Through(proxy)

    def login(password: str, claimed: str) -> int:
        request = Http(via)
        return request.call(
            "POST",
            "/api/auth/login",
            {"username": "admin", "password": password},
            headers={"X-Forwarded-For": claimed},
        )[0]

    # Each failure claims a new address; nginx replaces the header, so all count as one.
    assert login("wrong-password!", "10.0.0.1") == 401
    assert login("wrong-password!", "10.0.0.2") == 401
    assert login(PASSWORD, "10.0.0.3") == 429


@pytest.fixture
def settings_overrides():
    return {"login_attempts": 2, "trusted_proxy": "127.0.0.1"}


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(live_server, admin):
    """With ``trusted_proxy`` set, a guesser behind the proxy shuts only itself out, not
    every client the proxy forwards."""
    via = Through(f"127.0.0.1:{live_server.port}")

    def login(password: str, client: str) -> int:
        body = {"username": "admin", "password": password}
        headers = {"X-Forwarded-For": client}
        return Http(via).call("POST", "/api/auth/login", body, headers=headers)[0]

    assert login("wrong-password!", "192.0.2.7") == 401
    assert login("wrong-password!", "192.0.2.7") == 401
    assert login(PASSWORD, "192.0.2.7") == 429
    assert login(PASSWORD, "192.0.2.8") == 200
