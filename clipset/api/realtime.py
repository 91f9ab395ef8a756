"""``GET /api/ws``: the live WebSocket (flask-sock).

A client signs in with its JWT (``?token=`` or a first message ``{"type": "auth",
"token"}``), then follows videos with ``{"type": "subscribe", "video_ids": [...]}`` (and
``unsubscribe``). Server messages are ``{"type": ..., ...data}``. Who hears which event is
the ``Fanout``'s decision (``services.fanout``); this connection's thread only relays: it
sleeps until a client message, an outgoing message, or a close request wakes it.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, request
from flask_sock import Sock
from simple_websocket import ConnectionClosed

from ..errors import Unauthorized
from ..services.fanout import Fanout, Listener, encode
from ..sockets import GOING_AWAY, SESSION_ENDED, SESSION_KEY, TRY_AGAIN_LATER
from ..store.db import database
from ..store.models import is_public_id
from .access import services
from .endpoint import PUBLIC, Operation
from .schemas import In

bp = Blueprint("realtime", __name__, url_prefix="/api")
sock = Sock()

FANOUT_KEY = "clipset.fanout"
AUTH_TIMEOUT = 10  # seconds for the first message when no ?token=
PING_INTERVAL = 25  # server pings; a peer that misses a pong is dropped
MAX_MESSAGE_BYTES = 64 * 1024
MAX_FOLLOWED = 1000


@bp.record_once
def _setup(state):
    app = state.app
    svc = app.extensions["clipset"]
    app.config.setdefault(
        "SOCK_SERVER_OPTIONS",
        {"ping_interval": PING_INTERVAL, "max_message_size": MAX_MESSAGE_BYTES},
    )
    app.extensions[FANOUT_KEY] = Fanout(svc.events, svc.tokens)


def fanout() -> Fanout:
    return current_app.extensions[FANOUT_KEY]


class _Refused(Exception):
    def __init__(self, code: int, message: dict):
        self.code = code
        self.message = message


class LiveQuery(In):
    token: str | None = None


def _documented(view):
    # flask-sock copies the attribute onto the view it registers.
    view.__openapi__ = Operation(
        "GET",
        "Live events (WebSocket)",
        "Upgrade to a WebSocket. Sign in with `?token=<jwt>` or a first message "
        '`{"type": "auth", "token"}`; follow videos with `{"type": "subscribe", '
        '"video_ids": [...]}` (and `unsubscribe`). Server messages: `like.updated`, '
        "`comment.created`, `comment.deleted` (followed videos you may see), "
        "`video.progress`, `video.ready`, `video.failed`, `video.edit_progress`, `video.edited`, "
        "`video.edit_failed` (your own videos), `video.published` "
        "(a video entered the feed; every connection that may see it), `events.missed` "
        "(several instances: events from the others may have been lost, fetch again). "
        "Close codes: "
        "4401 not signed in or session ended, 1013 too many connections or too slow, "
        "1001 server shutting down. A request that is not a WebSocket upgrade answers 404 "
        "(no such page).",
        PUBLIC,
        101,
        None,
        LiveQuery,
        None,
        (404,),
        bp.name,
    )
    return view


@sock.route("/ws", bp=bp)
@_documented
def live(ws):
    """Live events for the signed-in user (WebSocket)."""
    # The connection lives long: it must not hold a database connection meanwhile.
    if not database.is_closed():
        database.close()
    session = request.environ.get(SESSION_KEY)
    try:
        _serve(ws, session)
    except OSError:  # the peer stopped reading past the send deadline
        if session is not None:
            session.abort()


def _serve(ws, session) -> None:
    try:
        user, token = _authenticate(ws)
        if session is not None and not session.claim(user.id):
            raise _Refused(
                TRY_AGAIN_LATER,
                _error(
                    "You have too many live connections open. Close some tabs or try again later.",
                    "too_many_connections",
                ),
            )
    except _Refused as refused:
        _send(ws, refused.message)
        ws.close(refused.code, refused.message["detail"][:120])
        return
    listener = fanout().connect(user, token, wake=ws.event.set)
    if session is not None:
        session.on_close_request(ws.event.set)
    try:
        _send(
            ws,
            {
                "type": "auth.ok",
                "user": {"id": user.id, "username": user.username, "role": user.role},
            },
        )
        _relay(ws, listener, session)
    finally:
        fanout().disconnect(listener)


def _authenticate(ws):
    token = request.args.get("token")
    if not token:
        raw = ws.receive(timeout=AUTH_TIMEOUT)
        message = _parse(raw) if raw is not None else None
        if (
            message is None
            or message.get("type") != "auth"
            or not isinstance(message.get("token"), str)
        ):
            raise _Refused(
                SESSION_ENDED,
                _error('Send {"type": "auth", "token": ...} first.', "not_authenticated"),
            )
        token = message["token"]
    try:
        with database.connection_context():
            return services().accounts.authenticate(token), token
    except Unauthorized as exc:
        raise _Refused(SESSION_ENDED, _error(exc.detail, exc.error_code)) from None


def _relay(ws, listener: Listener, session) -> None:
    while True:
        # Woken by the reader thread (a client message or the peer gone), by the fanout
        # (outgoing messages, close) or by the server (shutting down).
        ws.event.wait(PING_INTERVAL)
        ws.event.clear()
        while (raw := ws.receive(timeout=0)) is not None:
            reply = _handle(listener, raw)
            if reply is not None:
                _send(ws, reply)
        for text in listener.drain():
            ws.send(text)
        if listener.closed is not None:
            ws.close(*listener.closed)
            return
        if session is not None and session.closing.is_set():
            ws.close(GOING_AWAY, "The server is shutting down.")
            return
        if not ws.connected:
            raise ConnectionClosed(ws.close_reason, ws.close_message)


def _handle(listener: Listener, raw) -> dict | None:
    message = _parse(raw)
    if message is None:
        return _error('Messages are JSON objects with a "type".', "invalid_message")
    kind = message.get("type")
    if kind in ("subscribe", "unsubscribe"):
        ids = message.get("video_ids")
        if not isinstance(ids, list) or not all(is_public_id(i) for i in ids):
            return _error("video_ids: a list of video ids.", "invalid_message", field="video_ids")
        if kind == "subscribe":
            if len(listener.video_ids | set(ids)) > MAX_FOLLOWED:
                return _error(
                    f"Follow at most {MAX_FOLLOWED} videos per connection.",
                    "too_many_subscriptions",
                    field="video_ids",
                )
            listener.follow(ids)
        else:
            listener.unfollow(ids)
        # Visibility is checked per event, so following a hidden video reveals nothing.
        return {"type": f"{kind}d", "video_ids": sorted(listener.video_ids)}
    if kind == "ping":
        return {"type": "pong"}
    if kind == "auth":
        return _error("Already signed in.", "already_authenticated")
    return _error(f"Unknown message type: {kind!r}.", "unknown_message")


def _parse(raw) -> dict | None:
    if not isinstance(raw, str):
        return None
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return None
    return message if isinstance(message, dict) else None


def _error(detail: str, error_code: str, field: str | None = None) -> dict:
    body = {"type": "error", "detail": detail, "error_code": error_code}
    if field:
        body["field"] = field
    return body


def _send(ws, message: dict) -> None:
    ws.send(encode(message))
