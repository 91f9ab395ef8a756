"""The host machine: its address and QR code for phones, and the controls that belong to
whoever sits at it (start at login, stop), for desktops whose tray icon has no menu."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable, Protocol

from ..errors import Conflict, Forbidden
from ..settings import Settings

log = logging.getLogger(__name__)
STOP_DELAY = 0.5  # seconds: the answer to "stop" goes out before the sockets close


def qr_svg(text: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


class LoginItem(Protocol):
    """Start at login (``desktop.autostart.Autostart``)."""

    def is_enabled(self) -> bool: ...
    def enable(self) -> None: ...
    def disable(self) -> None: ...


@dataclass(frozen=True)
class HostHooks:
    """What the computer running Clipset lends the services, handed in when they are
    built (the desktop code that provides it sits above them and is never imported)."""

    autostart: LoginItem
    is_this_machine: Callable[[str], bool]
    lan_url: Callable[[str, int], str]  # (bind host, port)


class Host:
    def __init__(self, settings: Settings, hooks: HostHooks):
        self.settings = settings
        self.hooks = hooks
        self.autostart = hooks.autostart
        # How to stop this Clipset gracefully: given by what runs the server (``stop_with``;
        # the tray's Quit when there is one). None: nothing can stop it (tests, embedding).
        self.quit: Callable[[], None] | None = None

    def stop_with(self, quit: Callable[[], None]) -> None:
        """What "Stop Clipset" in the web app calls; the last runner to say wins."""
        self.quit = quit

    def lan_url(self, port: int) -> str:
        return self.hooks.lan_url(self.settings.host, port)

    def lan(self, port: int) -> dict:
        url = self.lan_url(port)
        return {"lan_url": url, "qr_svg": qr_svg(url)}

    # -- controls for the computer Clipset runs on --------------------------------------
    def controls(self, client: str) -> dict:
        here = self.hooks.is_this_machine(client)
        return {
            "on_this_computer": here,
            "start_at_login": self.autostart.is_enabled() if here else None,
            "can_stop": here and self.quit is not None,
        }

    def _at_the_host(self, client: str) -> None:
        # Someone on a phone can't start Clipset again, or wants it in their login items.
        if not self.hooks.is_this_machine(client):
            raise Forbidden(
                "Only a browser on the computer that runs Clipset can do this.",
                error_code="not_on_host",
            )

    def set_start_at_login(self, client: str, enabled: bool) -> dict:
        self._at_the_host(client)
        try:
            self.autostart.enable() if enabled else self.autostart.disable()
        except OSError as exc:
            raise Conflict(
                f"Start at login could not be changed: {exc}", error_code="autostart_failed"
            ) from None
        log.info("Start at login %s from the web app", "enabled" if enabled else "disabled")
        return self.controls(client)

    def stop(self, client: str) -> None:
        self._at_the_host(client)
        if self.quit is None:
            raise Conflict("This Clipset can't be stopped from here.", error_code="cannot_stop")
        log.info("Stopping: asked from the web app on this computer")
        timer = threading.Timer(STOP_DELAY, self.quit)
        timer.daemon = True
        timer.start()
