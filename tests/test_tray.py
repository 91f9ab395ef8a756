"""The tray menu's actions, through pystray's dummy backend, against a real server."""

import logging
import os
import urllib.error
import urllib.request

import pytest

from clipset.desktop import lan
from clipset.desktop.autostart import Autostart
from clipset.serve.server import Server

os.environ["PYSTRAY_BACKEND"] = "dummy"  # read once, when pystray is first imported
pystray = pytest.importorskip("pystray")
del os.environ["PYSTRAY_BACKEND"]  # not for the Clipset processes other tests start

from clipset.desktop.tray import TrayApp  # noqa: E402


@pytest.fixture
def tray(app, tmp_path, monkeypatch):
    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.5.6")
    server = Server(app, host="0.0.0.0", port=0).start()
    opened, copied, folders = [], [], []
    tray = TrayApp(
        server,
        opener=opened.append,
        clipboard=lambda text: copied.append(text) or True,
        folder_opener=folders.append,
        autostart=Autostart(["clipset"], platform="linux", home=tmp_path / "home", environ={}),
    )
    tray.make_icon()
    tray.opened, tray.copied, tray.folders = opened, copied, folders
    yield tray
    tray.stop_server()


def click(tray, text):
    item = next(i for i in tray.icon.menu.items if i.text == text)
    assert item.enabled, f"{text} is disabled"
    item(tray.icon)
    return item


def test_menu_lists_every_action(tray):
    tray.server.app.test_client().post(
        "/api/setup", json={"username": "admin", "password": "correct horse 1"}
    )
    texts = [i.text for i in tray.icon.menu.items if i is not pystray.Menu.SEPARATOR and i.visible]
    assert texts == [
        "Open Clipset",
        "Copy LAN address",
        "Show QR code for phones",
        "Open data folder",
        "Pause processing",
        "Start at login",
        "Quit",
    ]


def test_before_setup_the_menu_shows_and_copies_the_setup_code(tray):
    code = tray.services.accounts.setup_code
    item = click(tray, f"Setup code: {code} (copy)")
    assert item.visible and tray.copied == [code]
    r = tray.server.app.test_client().post(
        "/api/setup", json={"username": "admin", "password": "correct horse 1"}
    )
    assert r.status_code == 201
    assert not item.visible  # gone once the admin exists


def test_open_clipset_opens_the_served_app(tray):
    click(tray, "Open Clipset")
    assert tray.opened == [tray.server.url]
    with urllib.request.urlopen(tray.opened[0] + "/api/health", timeout=5) as r:
        assert r.status == 200


def test_copy_lan_address_puts_the_lan_url_on_the_clipboard(tray):
    click(tray, "Copy LAN address")
    assert tray.copied == [f"http://192.168.5.6:{tray.server.port}"]


def test_show_qr_opens_a_page_with_the_code(tray):
    click(tray, "Show QR code for phones")
    (url,) = tray.opened
    assert url.startswith("file://")
    page = (tray.services.data.root / "lan.html").read_text()
    assert f"http://192.168.5.6:{tray.server.port}" in page and "<svg" in page


def test_open_data_folder(tray):
    click(tray, "Open data folder")
    assert tray.folders == [tray.services.data.root]


def test_pause_and_resume_processing(tray, monkeypatch):
    jobs, calls = tray.services.jobs, []
    for name in ("pause", "resume"):
        real = getattr(jobs, name)
        monkeypatch.setattr(jobs, name, lambda real=real, name=name: (calls.append(name), real()))
    item = click(tray, "Pause processing")
    assert calls == ["pause"] and item.checked and jobs.paused
    click(tray, "Pause processing")
    assert calls == ["pause", "resume"] and not item.checked


def test_start_at_login_writes_and_removes_the_autostart_entry(tray, tmp_path):
    entry = tmp_path / "home" / ".config" / "autostart" / "clipset.desktop"
    item = click(tray, "Start at login")
    assert entry.is_file() and item.checked
    click(tray, "Start at login")
    assert not entry.exists() and not item.checked


def test_quit_stops_the_server(tray):
    url = tray.server.url
    click(tray, "Quit")
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/api/health", timeout=2)


def test_a_desktop_without_a_tray_gets_one_plain_warning(tray, caplog):
    # What pystray logs (with a traceback) each time it finds no system tray to dock in.
    pystray_log = logging.getLogger("pystray._base")
    with caplog.at_level("INFO"):
        for _ in range(3):
            try:
                raise AssertionError
            except AssertionError:
                pystray_log.error("Failed to dock icon", exc_info=True)
    records = [r for r in caplog.records if "tray" in r.getMessage() or "dock" in r.getMessage()]
    assert [r.name for r in records] == ["clipset.desktop.tray"]
    assert records[0].levelname == "WARNING" and tray.server.url in records[0].getMessage()
