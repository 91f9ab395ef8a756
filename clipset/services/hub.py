"""The in-process event hub that services publish to.

Publishing never blocks on a client. Each subscriber is a callable that receives
``Event``s, called on the publisher's thread; the WebSocket delivery subscribes from
``fanout``. With several instances on PostgreSQL, a relay (``relay.Relay``) also sends
each published event to the other instances, which hand it to their own subscribers
through ``receive``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]
    video_id: str | None = None  # public id
    # Set for processing events: only this user hears them (with ``followers``, also the
    # connections following the video whose user may see it).
    owner_id: int | None = None
    followers: bool = False
    # Heard by every connection whose user may see the video, not only its followers
    # (a new video nobody can follow yet).
    everyone: bool = False

    def message(self) -> dict[str, Any]:
        return {"type": self.type, **self.data}


class Hub:
    def __init__(self):
        self._subscribers: list[Callable[[Event], None]] = []
        self._lock = threading.Lock()
        self._relay: Callable[[Event], None] | None = None

    def relay_with(self, send: Callable[[Event], None] | None) -> None:
        """Also hand every event published here to ``send`` (the other instances)."""
        self._relay = send

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe():
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(
        self,
        type: str,
        data: dict[str, Any],
        *,
        video_id: str | None = None,
        owner_id: int | None = None,
        followers: bool = False,
        everyone: bool = False,
    ) -> None:
        event = Event(type, data, video_id, owner_id, followers, everyone)
        self.receive(event)
        relay = self._relay
        if relay is not None:
            try:
                relay(event)
            except Exception:  # the other instances miss it; this one carries on
                log.exception("event relay failed")

    def receive(self, event: Event) -> None:
        """Hand ``event`` to this instance's subscribers only."""
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # one broken subscriber must not stop the others
                log.exception("event subscriber failed")
