"""Events between app instances that share one PostgreSQL database.

Each instance publishes locally as always (``hub.Hub``); the relay also sends every event
over PostgreSQL's NOTIFY (``store.notify``), tagged with this instance's id, and one
listener thread per instance hands what the others sent to the local subscribers (the
WebSocket fan-out), skipping its own. An event too large for one NOTIFY is parked in the
database and only its id is sent. The listener reconnects after a lost connection; what
was sent while it was away is not replayed, so once back it tells every local connection
``events.missed`` and the pages fetch what they show again. SQLite has one process and
no relay.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid

from ..store import notify
from ..store.db import database
from .hub import Event, Hub

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # how often the listener looks up from waiting (and so how fast stop is)
RETRY_FIRST, RETRY_MOST = 0.2, 5.0  # seconds between reconnection attempts, doubling
MISSED = "events.missed"  # to every local connection after the listener was away


def encode(origin: str, event: Event) -> str:
    return json.dumps(
        {
            "i": origin,
            "t": event.type,
            "d": event.data,
            "v": event.video_id,
            "o": event.owner_id,
            "f": event.followers,
            "e": event.everyone,
        },
        separators=(",", ":"),
    )


def decode(payload: str) -> tuple[str, Event]:
    raw = json.loads(payload)
    return raw["i"], Event(raw["t"], raw["d"], raw["v"], raw["o"], raw.get("f", False), raw["e"])


class Relay:
    def __init__(self, hub: Hub):
        self.hub = hub
        self.instance_id = uuid.uuid4().hex
        self.listening = threading.Event()  # set while the listener's connection is up
        self.backend_pid: int | None = None  # the listener's server process (for admins)
        self.connections = 0  # how many times the listener has connected
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- sending (on the publisher's thread) ------------------------------------------
    def send(self, event: Event) -> None:
        payload = encode(self.instance_id, event)
        if len(payload.encode()) <= notify.PAYLOAD_LIMIT:
            notify.notify(payload)
        else:
            number = notify.park(payload, self.instance_id)
            log.debug("event %s parked as %d (%d bytes)", event.type, number, len(payload))

    # -- the listener thread -----------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self.hub.relay_with(self.send)
        self._thread = threading.Thread(target=self._run, name="clipset-relay", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self.hub.relay_with(None)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        delay = RETRY_FIRST
        while not self._stop.is_set():
            try:
                conn = notify.listen(self.instance_id)
            except Exception as exc:
                log.warning("event listener cannot connect (%s); retrying in %.1fs", exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, RETRY_MOST)
                continue
            delay = RETRY_FIRST
            self._listen(conn)

    def _listen(self, conn) -> None:
        self.backend_pid = conn.info.backend_pid
        self.connections += 1
        self.listening.set()
        if self.connections > 1:  # events sent while it was away never reached us
            self.hub.receive(Event(MISSED, {}, None, None, False, True))
        try:
            while not self._stop.is_set():
                for message in conn.notifies(timeout=POLL_SECONDS):
                    self._handle(message.payload)
        except Exception as exc:
            if not self._stop.is_set():
                log.warning("event listener lost its connection (%s); reconnecting", exc)
        finally:
            self.listening.clear()
            try:
                conn.close()
            except Exception:
                pass

    def _handle(self, payload: str) -> None:
        try:
            if payload.startswith("#"):  # parked: fetch it unless it is our own
                number, _, origin = payload[1:].partition(":")
                if origin == self.instance_id:
                    return
                payload = self._fetch(int(number))
                if payload is None:  # expired before we read it
                    return
            origin, event = decode(payload)
        except Exception:
            log.exception("unreadable event from another instance")
            return
        if origin != self.instance_id:
            self.hub.receive(event)

    @staticmethod
    def _fetch(number: int) -> str | None:
        with database.connection_context():
            return notify.parked(number)
