"""The hub's delivery to live connections.

The ``Fanout`` is the ``hub.Hub`` subscriber that serves WebSocket clients
(``Listener``s). It queues each event and delivers it on a thread of its own, deciding
per recipient who may hear it: an event with an ``owner_id`` (processing) goes to that
user's connections only (with ``followers``, also to those following the video whose
user may see it: a stand-in's viewers); an event about a video goes to the connections
following that video (or, for ``everyone`` events such as ``video.published``, to every
connection) whose user may see it (``visibility.can_view``, albums included). The
database work is done once per event: one query for the video, one for the recipients'
users (so a deactivated user or a revoked token is noticed at the next delivery). Every
client has a bounded outbox; one that cannot keep up is dropped instead of slowing the
others.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from typing import Any, Callable

from ..errors import Unauthorized
from ..sockets import SESSION_ENDED, TRY_AGAIN_LATER
from ..store.db import database
from ..store.models import User, Video
from .hub import Event, Hub
from .visibility import can_view

log = logging.getLogger(__name__)


def encode(message: dict[str, Any]) -> str:
    # Publishers send JSON-ready data (times already as ``models.iso_utc`` strings).
    return json.dumps(message, separators=(",", ":"))


class Listener:
    """One live connection: its user, the videos it follows, and its outbox.

    The connection's own thread drains the outbox (``drain``) whenever ``wake`` is called;
    ``closed`` tells it to close with a code and reason.
    """

    def __init__(self, user: User, token: str, wake: Callable[[], None], limit: int):
        self.user_id = user.id
        self.token = token
        self.token_version = user.token_version
        self.video_ids: frozenset[str] = frozenset()
        self.closed: tuple[int, str] | None = None
        self._wake = wake
        self._limit = limit
        self._outbox: deque[str] = deque()
        self._lock = threading.Lock()

    def follow(self, video_ids) -> None:
        self.video_ids = self.video_ids | frozenset(video_ids)  # swapped whole: no lock

    def unfollow(self, video_ids) -> None:
        self.video_ids = self.video_ids - frozenset(video_ids)

    def offer(self, text: str) -> bool:
        """Queue a message; False (and nothing queued) when the outbox is full."""
        with self._lock:
            if self.closed is not None:
                return True
            if len(self._outbox) >= self._limit:
                return False
            self._outbox.append(text)
        self._wake()
        return True

    def drain(self) -> list[str]:
        with self._lock:
            out = list(self._outbox)
            self._outbox.clear()
        return out

    def close(self, code: int, reason: str) -> None:
        with self._lock:
            if self.closed is not None:
                return
            self.closed = (code, reason)
            self._outbox.clear()  # what it has not taken yet is stale now
        self._wake()


class Fanout:
    """Delivers the hub's events to listeners, checking visibility per recipient."""

    def __init__(
        self,
        hub: Hub,
        tokens,
        *,
        outbox_limit: int = 256,
        backlog_limit: int = 10_000,
        recheck_seconds: float = 30.0,
    ):
        self.tokens = tokens
        self.outbox_limit = outbox_limit
        self.backlog_limit = backlog_limit
        self.recheck_seconds = recheck_seconds
        self._listeners: set[Listener] = set()
        self._backlog: deque[Event] = deque()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        hub.subscribe(self._on_event)  # for the app's lifetime

    @property
    def listener_count(self) -> int:
        with self._cv:
            return len(self._listeners)

    def connect(self, user: User, token: str, wake: Callable[[], None]) -> Listener:
        listener = Listener(user, token, wake, self.outbox_limit)
        with self._cv:
            self._listeners.add(listener)
            if self._thread is None:  # started on demand, ends when nobody listens
                self._thread = threading.Thread(
                    target=self._run, name="clipset-fanout", daemon=True
                )
                self._thread.start()
        return listener

    def disconnect(self, listener: Listener) -> None:
        with self._cv:
            self._listeners.discard(listener)
            self._cv.notify_all()

    def _on_event(self, event: Event) -> None:
        # On the publisher's thread: queue and return.
        with self._cv:
            if not self._listeners:
                return
            if len(self._backlog) >= self.backlog_limit:
                log.warning("event backlog full; dropping %s", event.type)
                return
            self._backlog.append(event)
            self._cv.notify_all()

    def _run(self) -> None:
        next_check = time.monotonic() + self.recheck_seconds
        while True:
            with self._cv:
                while not self._backlog and time.monotonic() < next_check:
                    if not self._listeners:
                        self._thread = None
                        return
                    self._cv.wait(max(0.0, next_check - time.monotonic()))
                event = self._backlog.popleft() if self._backlog else None
                listeners = list(self._listeners)
            try:
                if event is not None:
                    self._deliver(event, listeners)
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.recheck_seconds
                    self._recheck(listeners)
            except Exception:
                log.exception("event delivery failed")

    # -- who hears what ---------------------------------------------------------------
    def _deliver(self, event: Event, listeners: list[Listener]) -> None:
        if event.owner_id is not None and event.followers:
            audience = [
                one
                for one in listeners
                if one.user_id == event.owner_id or event.video_id in one.video_ids
            ]
        elif event.owner_id is not None:
            audience = [one for one in listeners if one.user_id == event.owner_id]
        elif event.video_id is not None and not event.everyone:
            audience = [one for one in listeners if event.video_id in one.video_ids]
        else:
            audience = listeners
        if not audience:
            return
        allowed = None  # user ids that may see the event's video (None: no video)
        with database.connection_context():
            users = self._current_users(audience)
            if (event.owner_id is None or event.followers) and event.video_id is not None:
                video = Video.get_or_none(Video.public_id == event.video_id)
                if video is None:  # gone: nobody may hear about it any more
                    return
                # Asked here, with the database open: a private video may be shared
                # with some recipients through an album.
                allowed = {uid for uid, user in users.items() if can_view(user, video)}
        text = encode(event.message())
        for listener in audience:
            user = users.get(listener.user_id)
            if not self._still_valid(listener, user):
                continue
            if allowed is not None and listener.user_id not in allowed:
                continue
            if not listener.offer(text):
                listener.close(TRY_AGAIN_LATER, "Too slow: messages were dropped.")

    @staticmethod
    def _current_users(listeners: list[Listener]) -> dict[int, User]:
        ids = {one.user_id for one in listeners}
        return {u.id: u for u in User.select().where(User.id.in_(ids))}

    @staticmethod
    def _still_valid(listener: Listener, user: User | None) -> bool:
        if user is None or not user.is_active or user.token_version != listener.token_version:
            listener.close(SESSION_ENDED, "Your session has ended. Sign in again.")
            return False
        return True

    def _recheck(self, listeners: list[Listener]) -> None:
        """Close connections whose token expired or was revoked, even idle ones."""
        live = []
        for listener in listeners:
            try:
                self.tokens.decode(listener.token)
                live.append(listener)
            except Unauthorized as exc:
                listener.close(SESSION_ENDED, exc.detail)
        if live:
            with database.connection_context():
                users = self._current_users(live)
            for listener in live:
                self._still_valid(listener, users.get(listener.user_id))
