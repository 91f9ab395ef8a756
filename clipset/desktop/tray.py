"""The tray icon and its menu. pystray is imported only here, and only when a tray is shown.

pystray's ``icon.run()`` owns the main thread (macOS requires it); the server runs on a
background thread and Quit stops it gracefully.
"""

from __future__ import annotations

import html
import logging
import webbrowser
from pathlib import Path

from ..store.db import database
from . import shell
from .autostart import Autostart

log = logging.getLogger(__name__)
ICON = Path(__file__).resolve().parents[1] / "assets" / "icon.png"

_QR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Clipset on your phone</title><style>body{{font-family:system-ui,sans-serif;
text-align:center;margin:3em}}svg{{width:min(70vw,320px);height:auto}}</style></head>
<body><h1>Open Clipset on your phone</h1>{svg}<p>Scan the code, or open
<a href="{url}">{url}</a> on a device on the same network.</p></body></html>"""


class _NoTrayYet(logging.Filter):
    """pystray logs a traceback each time it cannot dock the icon, which is every time on
    a desktop without a system tray (GNOME by default). Say once, in words, what that
    means instead; the icon still docks if a tray starts later."""

    url = ""
    said = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() != "Failed to dock icon":
            return True
        if not self.said:
            self.said = True
            log.warning(
                "This desktop shows no tray icons (no system tray yet): Clipset "
                "keeps running at %s; stop it with Ctrl+C.",
                self.url,
            )
        return False


_NO_TRAY_YET = _NoTrayYet()  # one filter per process, however many icons are made


class TrayApp:
    """The menu's actions, kept apart from pystray so each one can be exercised alone."""

    def __init__(
        self,
        server,
        *,
        opener=webbrowser.open,
        clipboard=shell.copy_text,
        folder_opener=shell.open_folder,
        autostart: Autostart | None = None,
    ):
        self.server = server
        self.services = server.services
        self.opener = opener
        self.clipboard = clipboard
        self.folder_opener = folder_opener
        self.autostart = autostart or self.services.host.autostart
        self.icon = None

    @property
    def lan_url(self) -> str:
        return self.services.host.lan_url(self.server.port)

    # -- actions --------------------------------------------------------------------
    def open_app(self) -> None:
        self.opener(self.server.url)

    def copy_lan_address(self) -> None:
        url = self.lan_url
        if self.clipboard(url):
            log.info("Copied %s to the clipboard", url)

    def show_qr(self) -> None:
        # A local page needs no sign-in and works before the web app is built.
        info = self.services.host.lan(self.server.port)
        page = self.services.data.root / "lan.html"
        page.write_text(
            _QR_PAGE.format(svg=info["qr_svg"], url=html.escape(info["lan_url"])), "utf-8"
        )
        self.opener(page.as_uri())

    @property
    def setup_code(self) -> str | None:
        """The one-time setup code, while the first admin has not been created."""
        accounts = self.services.accounts
        with database.connection_context():
            return accounts.setup_code if accounts.needs_setup() else None

    def copy_setup_code(self) -> None:
        code = self.setup_code
        if code and self.clipboard(code):
            log.info("Copied the setup code to the clipboard")

    def open_data_folder(self) -> None:
        self.folder_opener(self.services.data.root)

    @property
    def paused(self) -> bool:
        return self.services.jobs.paused

    def toggle_pause(self) -> None:
        jobs = self.services.jobs
        if self.paused:
            jobs.resume()
            log.info("Processing resumed")
        else:
            jobs.pause()
            log.info("Processing paused: running videos finish, queued ones wait")

    def toggle_autostart(self) -> None:
        try:
            enabled = self.autostart.toggle()
            log.info("Start at login %s", "enabled" if enabled else "disabled")
        except OSError as exc:
            log.warning("Cannot change start at login: %s", exc)

    def stop_server(self) -> None:
        """Stop the server and its services (the running job is requeued); a second call
        returns once the first stop is done (``Server.stop`` is idempotent)."""
        self.server.stop()

    def quit(self) -> None:
        log.info("Quitting from the tray")
        self.stop_server()
        if self.icon is not None:
            self.icon.stop()

    # -- pystray --------------------------------------------------------------------
    def menu(self):
        import pystray

        item = pystray.MenuItem
        return pystray.Menu(
            item("Open Clipset", lambda: self.open_app(), default=True),
            item(
                lambda _: f"Setup code: {self.setup_code} (copy)",
                lambda: self.copy_setup_code(),
                visible=lambda _: bool(self.setup_code),
            ),
            item("Copy LAN address", lambda: self.copy_lan_address()),
            item("Show QR code for phones", lambda: self.show_qr()),
            item("Open data folder", lambda: self.open_data_folder()),
            pystray.Menu.SEPARATOR,
            item("Pause processing", lambda: self.toggle_pause(), checked=lambda _: self.paused),
            item(
                "Start at login",
                lambda: self.toggle_autostart(),
                checked=lambda _: self.autostart.is_enabled(),
            ),
            pystray.Menu.SEPARATOR,
            item("Quit", lambda: self.quit()),
        )

    def make_icon(self):
        import pystray
        from PIL import Image

        _NO_TRAY_YET.url, _NO_TRAY_YET.said = self.server.url, False
        logging.getLogger("pystray._base").addFilter(_NO_TRAY_YET)
        self.icon = pystray.Icon("clipset", Image.open(ICON), "Clipset", self.menu())
        if not self.icon.HAS_MENU:  # plain X11 trays: a click runs the default item only
            log.info(
                "Tray icons on this desktop have no menu: click Clipset's to open it. "
                "Start at login and Stop Clipset are on the admin dashboard, in a "
                "browser on this computer."
            )
        return self.icon
