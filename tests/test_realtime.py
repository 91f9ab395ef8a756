"""``/api/ws`` end to end: the real waitress server, real WebSocket clients, real events."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import websocket
from test_websocket import wait_until

from clipset.store.db import database
from clipset.store.models import Video


# -- helpers --------------------------------------------------------------------------
def ws_url(server, token: str | None = None) -> str:
    url = server.url.replace("http://", "ws://") + "/api/ws"
    return f"{url}?token={token}" if token else url


def connect(server, api, via: str = "query", **kw) -> websocket.WebSocket:
    """A signed-in socket (the ``auth.ok`` greeting already read)."""
    if via == "query":
        ws = websocket.create_connection(ws_url(server, api.token), timeout=10, **kw)
    else:
        ws = websocket.create_connection(ws_url(server), timeout=10, **kw)
        ws.send(json.dumps({"type": "auth", "token": api.token}))
    hello = receive(ws)
    assert hello["type"] == "auth.ok" and hello["user"]["id"] == api.user["id"], hello
    return ws


def receive(ws) -> dict:
    return json.loads(ws.recv())


def subscribe(ws, *video_ids: int) -> None:
    ws.send(json.dumps({"type": "subscribe", "video_ids": list(video_ids)}))
    reply = receive(ws)
    assert reply["type"] == "subscribed" and set(video_ids) <= set(reply["video_ids"])


def closed_with(ws) -> tuple[int, str]:
    """Read up to the server's close frame: (code, reason)."""
    while True:
        opcode, frame = ws.recv_data_frame(True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return struct.unpack("!H", frame.data[:2])[0], frame.data[2:].decode()


def make_video(owner, *, privacy: str = "public", status: str = "completed") -> Video:
    with database.connection_context():
        return Video.create(
            uploader=owner.user["id"], title="clip", privacy=privacy, processing_status=status
        )


def publish(app, type: str, data: dict, **kw) -> None:
    app.extensions["clipset"].events.publish(type, data, **kw)


def like(app, video: Video, count: int = 1) -> None:
    publish(
        app,
        "like.updated",
        {"video_id": video.public_id, "like_count": count},
        video_id=video.public_id,
    )


def listeners(app) -> int:
    return app.extensions["clipset.fanout"].listener_count


@pytest.fixture
def marker(app, admin):
    """A public video every test socket may follow: an event on it, received next,
    proves that nothing else was delivered before it (one delivery order per socket)."""
    video = make_video(admin)

    def send_and_expect(*sockets):
        like(app, video, 99)
        for ws in sockets:
            message = receive(ws)
            assert message == {
                "type": "like.updated",
                "video_id": video.public_id,
                "like_count": 99,
            }, message

    send_and_expect.video = video
    return send_and_expect


# -- signing in -----------------------------------------------------------------------
@pytest.mark.parametrize("via", ["query", "message"])
def test_sign_in_then_receive(app, live_server, user, via):
    video = make_video(user)
    ws = connect(live_server, user, via)
    subscribe(ws, video.public_id)
    like(app, video, 3)
    assert receive(ws) == {"type": "like.updated", "video_id": video.public_id, "like_count": 3}
    ws.close()


def test_missing_token_is_refused(live_server):
    ws = websocket.create_connection(ws_url(live_server), timeout=10)
    ws.send(json.dumps({"type": "subscribe", "video_ids": [1]}))
    error = receive(ws)
    assert error["type"] == "error" and error["error_code"] == "not_authenticated"
    assert closed_with(ws)[0] == 4401


def test_bad_token_is_refused(live_server):
    ws = websocket.create_connection(ws_url(live_server, "not.a.jwt"), timeout=10)
    error = receive(ws)
    assert error["type"] == "error" and error["error_code"] == "invalid_token"
    assert closed_with(ws)[0] == 4401


def test_revoked_token_is_refused(live_server, user):
    token = user.token
    assert user.post("/api/auth/logout").status_code == 204
    ws = websocket.create_connection(ws_url(live_server, token), timeout=10)
    assert receive(ws)["error_code"] == "token_revoked"
    assert closed_with(ws)[0] == 4401


def test_signing_out_ends_an_open_socket(app, live_server, user):
    video = make_video(user)
    ws = connect(live_server, user)
    subscribe(ws, video.public_id)
    assert user.post("/api/auth/logout").status_code == 204
    like(app, video)  # the next delivery notices; the event is not delivered
    code, reason = closed_with(ws)
    assert code == 4401 and "Sign in again" in reason


def test_bad_messages_get_errors_and_the_socket_stays(app, live_server, user):
    video = make_video(user)
    ws = connect(live_server, user)
    ws.send("not json")
    assert receive(ws)["error_code"] == "invalid_message"
    ws.send(json.dumps({"type": "subscribe", "video_ids": "1"}))
    assert receive(ws)["field"] == "video_ids"
    # Videos are followed by public id; the integer key is no id from outside.
    ws.send(json.dumps({"type": "subscribe", "video_ids": [video.id]}))
    assert receive(ws)["field"] == "video_ids"
    ws.send(json.dumps({"type": "dance"}))
    assert receive(ws)["error_code"] == "unknown_message"
    ws.send(json.dumps({"type": "ping"}))
    assert receive(ws) == {"type": "pong"}
    subscribe(ws, video.public_id)
    like(app, video, 5)
    assert receive(ws)["like_count"] == 5


# -- who hears what -------------------------------------------------------------------
def test_like_and_comment_events_reach_subscribers(app, live_server, user, other_user, marker):
    video = make_video(user)
    watcher = connect(live_server, other_user)
    subscribe(watcher, video.public_id, marker.video.public_id)
    comment = {
        "id": 7,
        "video_id": video.public_id,
        "body": "<b>hi</b>",
        "author": {"id": user.user["id"], "username": user.user["username"]},
        "timestamp_seconds": 1.5,
        "created_at": "2024-05-01T10:00:00Z",
    }
    publish(
        app,
        "comment.created",
        {"video_id": video.public_id, "comment": comment},
        video_id=video.public_id,
    )
    publish(
        app,
        "comment.deleted",
        {"video_id": video.public_id, "comment_id": 7},
        video_id=video.public_id,
    )
    assert receive(watcher) == {
        "type": "comment.created",
        "video_id": video.public_id,
        "comment": comment,
    }
    assert receive(watcher) == {
        "type": "comment.deleted",
        "video_id": video.public_id,
        "comment_id": 7,
    }
    watcher.send(json.dumps({"type": "unsubscribe", "video_ids": [video.public_id]}))
    assert receive(watcher) == {"type": "unsubscribed", "video_ids": [marker.video.public_id]}
    like(app, video)
    marker(watcher)  # the like on the unfollowed video never arrived


def test_the_like_endpoint_notifies_subscribers(app, live_server, user, other_user):
    video = make_video(user)
    ws = connect(live_server, user)
    subscribe(ws, video.public_id)
    assert other_user.post(f"/api/videos/{video.public_id}/like").status_code == 200
    assert receive(ws) == {"type": "like.updated", "video_id": video.public_id, "like_count": 1}


@pytest.mark.parametrize("privacy,status", [("private", "completed"), ("public", "processing")])
def test_hidden_videos_are_heard_only_by_those_who_may_see_them(
    app, live_server, admin, user, other_user, marker, privacy, status
):
    video = make_video(user, privacy=privacy, status=status)
    sockets = {}
    for name, api in (("owner", user), ("admin", admin), ("other", other_user)):
        sockets[name] = connect(live_server, api)
        subscribe(sockets[name], video.public_id, marker.video.public_id)
    like(app, video, 4)
    for name in ("owner", "admin"):
        assert receive(sockets[name]) == {
            "type": "like.updated",
            "video_id": video.public_id,
            "like_count": 4,
        }
    marker(*sockets.values())  # other: the marker is the first thing it hears


def test_unlisted_videos_reach_signed_in_subscribers(app, live_server, user, other_user):
    video = make_video(user, privacy="unlisted")
    ws = connect(live_server, other_user)
    subscribe(ws, video.public_id)
    like(app, video, 2)
    assert receive(ws)["like_count"] == 2


def test_processing_events_reach_only_the_owner_on_every_socket(
    app, live_server, admin, user, other_user, marker
):
    video = make_video(user, status="processing")
    owner_sockets = [connect(live_server, user), connect(live_server, user, "message")]
    snoops = [connect(live_server, admin), connect(live_server, other_user)]
    for ws in snoops:  # following the video does not make them hear its processing
        subscribe(ws, video.public_id, marker.video.public_id)
    publish(
        app,
        "video.progress",
        {"video_id": video.public_id, "percent": 40.0},
        video_id=video.public_id,
        owner_id=user.user["id"],
    )
    publish(
        app,
        "video.failed",
        {"video_id": video.public_id, "error": "unreadable"},
        video_id=video.public_id,
        owner_id=user.user["id"],
    )
    for ws in owner_sockets:  # not subscribed, yet told
        assert receive(ws) == {
            "type": "video.progress",
            "video_id": video.public_id,
            "percent": 40.0,
        }
        assert receive(ws) == {
            "type": "video.failed",
            "video_id": video.public_id,
            "error": "unreadable",
        }
    marker(*snoops)


def test_reconnecting_resumes_delivery_without_ghosts(app, live_server, user):
    video = make_video(user)
    first = connect(live_server, user)
    subscribe(first, video.public_id)
    like(app, video, 1)
    assert receive(first)["like_count"] == 1
    first.sock.close()  # vanish without a close handshake
    assert wait_until(lambda: listeners(app) == 0)
    second = connect(live_server, user)
    subscribe(second, video.public_id)
    like(app, video, 2)
    assert receive(second)["like_count"] == 2
    assert listeners(app) == 1
    second.close()


# -- load and budgets -----------------------------------------------------------------
def test_slow_consumer_does_not_hold_up_others(app, live_server, user, other_user):
    video = make_video(user)
    live_server.websockets.send_timeout = 0.5  # sessions opened from now on
    # A tiny receive window that is never read from: its server side soon blocks.
    slow = connect(live_server, other_user, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    subscribe(slow, video.public_id)
    fast = connect(live_server, user)
    subscribe(fast, video.public_id)
    count = 150
    received = []

    def read_fast():
        while len(received) < count:
            received.append(receive(fast)["comment"]["id"])

    reader = threading.Thread(target=read_fast)
    reader.start()
    for i in range(count):  # 150 x 16 KB: far more than the slow socket's buffers hold
        body = base64.b64encode(os.urandom(12 * 1024)).decode()
        publish(
            app,
            "comment.created",
            {"video_id": video.public_id, "comment": {"id": i, "body": body}},
            video_id=video.public_id,
        )
    reader.join(60)
    assert received == list(range(count))  # all of them, in order
    # The slow one, never read from, is cut off by its send deadline; only then drain it
    # (draining earlier could let it catch up, and then it is left open and silent).
    assert wait_until(lambda: listeners(app) == 1, 30)

    got, ending = 0, None
    while ending is None:  # now drain the slow one: it was cut off
        try:
            opcode, frame = slow.recv_data_frame(True)
        except (websocket.WebSocketConnectionClosedException, ConnectionError) as exc:
            ending = type(exc).__name__
            break
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            ending = struct.unpack("!H", frame.data[:2])[0]
        elif opcode == websocket.ABNF.OPCODE_TEXT:
            got += 1
    assert got < count
    assert ending in (1008, 1013) or isinstance(ending, str)


def _http(server, path: str, token: str | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize("settings_overrides", [{"ws_max_per_user": 100}])
def test_two_hundred_sockets_and_http_at_once(app, live_server, user, other_user):
    video = make_video(user)
    sockets = [connect(live_server, (user, other_user)[i % 2]) for i in range(200)]
    for ws in sockets:
        subscribe(ws, video.public_id)
    assert live_server.websockets.count == 200
    with ThreadPoolExecutor(8) as pool:
        calls = [pool.submit(_http, live_server, "/api/health") for _ in range(40)]
        calls += [pool.submit(_http, live_server, "/api/auth/me", user.token) for _ in range(40)]
        like(app, video, 12)
        assert [c.result() for c in calls] == [200] * 80
    for ws in sockets:
        assert receive(ws) == {
            "type": "like.updated",
            "video_id": video.public_id,
            "like_count": 12,
        }
    for ws in sockets:
        ws.close()
    assert wait_until(lambda: live_server.websockets.count == 0)


@pytest.mark.parametrize("settings_overrides", [{"ws_max_connections": 2}])
def test_sockets_over_the_cap_are_closed_with_1013(live_server, user):
    first, second = connect(live_server, user), connect(live_server, user)
    third = websocket.create_connection(ws_url(live_server, user.token), timeout=10)
    code, reason = closed_with(third)
    assert code == 1013 and "Try again later" in reason
    assert _http(live_server, "/api/health") == 200
    first.close()
    assert wait_until(lambda: live_server.websockets.count == 1)
    connect(live_server, user).close()
    second.close()


def test_stopping_the_server_closes_open_sockets(app, live_server, user, other_user):
    video = make_video(user)
    sockets = [connect(live_server, api) for api in (user, other_user, user)]
    subscribe(sockets[0], video.public_id)
    live_server.stop()
    for ws in sockets:
        assert closed_with(ws) == (1001, "The server is shutting down.")
    assert live_server.websockets.count == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", live_server.port), timeout=2).close()


SERVE = """
import sys
from clipset.app import create_app
from clipset.serve.server import Server
app = create_app({"data_dir": sys.argv[1], "testing": True})
server = Server(app, host="127.0.0.1", port=0)
print(server.port, flush=True)
server.serve_forever()
print("stopped", flush=True)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_cleanly_with_sockets_open(app, user, signum):
    # The child serves the same data dir (so the user's token is good there).
    data_dir = app.config["CLIPSET_SETTINGS"].data_dir
    child = subprocess.Popen(
        [sys.executable, "-c", SERVE, data_dir], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(child.stdout.readline())
        url = f"ws://127.0.0.1:{port}/api/ws?token={user.token}"
        sockets = [websocket.create_connection(url, timeout=10) for _ in range(3)]
        for ws in sockets:
            assert receive(ws)["type"] == "auth.ok"
        child.send_signal(signum)
        for ws in sockets:
            assert closed_with(ws)[0] == 1001
        assert child.wait(15) == 0
        assert child.stdout.read().strip() == "stopped"
    finally:
        child.kill()
        child.wait()


# -- others' new videos ---------------------------------------------------------------
def test_a_video_made_public_is_announced_to_everyone_who_may_see_it(
    app, live_server, user, other_user, marker
):
    """No subscription needed: a new video is news to every feed, the uploader's too."""
    video = make_video(user, privacy="private")
    watcher, owner = connect(live_server, other_user), connect(live_server, user)
    for ws in (watcher, owner):
        subscribe(ws, marker.video.public_id)
    r = user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "unlisted"})
    assert r.status_code == 200  # unlisted is not in the feed: nothing to announce
    r = user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "public"})
    assert r.status_code == 200
    for ws in (watcher, owner):
        message = receive(ws)
        assert message["type"] == "video.published", message
        assert message["video_id"] == video.public_id
        assert message["uploader_id"] == user.user["id"]
    # Public again (no change) announces nothing more.
    user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "public"})
    marker(watcher, owner)


def test_an_announcement_of_a_video_one_may_not_see_is_not_delivered(
    app, live_server, user, other_user, marker
):
    """Visibility is checked per recipient at delivery, as for every video event."""
    video = make_video(user, privacy="private")
    watcher, owner = connect(live_server, other_user), connect(live_server, user)
    for ws in (watcher, owner):
        subscribe(ws, marker.video.public_id)
    publish(
        app,
        "video.published",
        {"video_id": video.public_id},
        video_id=video.public_id,
        everyone=True,
    )
    assert receive(owner)["type"] == "video.published"
    marker(watcher, owner)  # the watcher's next message is the marker: nothing came before
