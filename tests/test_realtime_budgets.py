"""WebSocket slots per user and for sockets not yet signed in, over real sockets."""

from __future__ import annotations

import json

import pytest
import websocket
from test_realtime import closed_with, connect, receive, ws_url
from test_websocket import wait_until


@pytest.mark.parametrize("settings_overrides", [{"ws_max_connections": 6, "ws_max_per_user": 3}])
def test_one_user_cannot_take_every_socket(live_server, user, other_user):
    mine = [connect(live_server, user) for _ in range(3)]
    extra = websocket.create_connection(ws_url(live_server, user.token), timeout=10)
    refusal = receive(extra)
    assert refusal["error_code"] == "too_many_connections"
    assert closed_with(extra)[0] == 1013
    others = [connect(live_server, other_user) for _ in range(3)]  # still room for them
    assert wait_until(lambda: live_server.websockets.count == 6)
    mine[0].close()
    assert wait_until(lambda: live_server.websockets.count == 5)
    connect(live_server, user).close()  # the freed slot is the user's again
    for ws in mine[1:] + others:
        ws.close()


@pytest.mark.parametrize("settings_overrides", [{"ws_max_unauthenticated": 2}])
def test_sockets_that_never_sign_in_cannot_take_every_slot(live_server, user):
    silent = [websocket.create_connection(ws_url(live_server), timeout=10) for _ in range(2)]
    assert wait_until(lambda: live_server.websockets.count == 2)
    third = websocket.create_connection(ws_url(live_server), timeout=10)
    code, reason = closed_with(third)
    assert code == 1013 and "sign in" in reason
    # Signing in on one of them frees a slot for the next newcomer.
    silent[0].send(json.dumps({"type": "auth", "token": user.token}))
    assert receive(silent[0])["type"] == "auth.ok"
    fresh = connect(live_server, user, via="message")
    for ws in (*silent, fresh):
        ws.close()
