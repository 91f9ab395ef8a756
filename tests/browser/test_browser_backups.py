"""The admin dashboard's Backups card and disk warning, in the real browser against the
real server."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from clipset.services import storage
from clipset.services.snapshots import snapshots
from tests.browser.conftest import UNNAMED_CONTROLS
from tests.browser.test_browser_accounts import nav, sign_in

GiB = 1024**3


def test_set_up_backups_back_up_now_and_see_a_failure(tmp_path, admin, new_page, shot):
    nas = tmp_path / "nas"
    nas.mkdir()
    page = new_page()
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Admin").click()
    card = page.get_by_role("region", name="Backups")
    expect(card).to_contain_text("No scheduled backups")

    card.get_by_role("button", name="Set up backups").click()
    card.get_by_label("Backup folder").fill(str(tmp_path / "missing"))
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="does not exist")).to_be_visible()

    card.get_by_label("Backup folder").fill(str(nas))
    card.get_by_label("Keep").fill("3")
    card.get_by_role("button", name="Save").click()
    status = card.get_by_test_id("backup-status")
    expect(status).to_contain_text(f"Every 24 h to {nas}, keeping 3.")

    card.get_by_role("button", name="Back up now").click()
    expect(status).to_contain_text("Last backup")
    assert len(snapshots(nas)) == 1
    assert page.evaluate(UNNAMED_CONTROLS) == []
    shot(page, "admin-backups")

    shutil.rmtree(nas)  # the NAS is gone
    card.get_by_role("button", name="Back up now").click()
    expect(status.get_by_role("alert")).to_contain_text("The last backup failed")
    expect(status.get_by_role("alert")).to_contain_text("does not exist")
    expect(status).to_contain_text("Last backup")  # the last good one is still shown
    assert page.errors == []


def test_the_dashboard_says_why_when_the_disk_is_full(monkeypatch, admin, new_page, shot):
    real = shutil.disk_usage

    def nearly_full(path):  # the real tmpfs case is in test_disk_full; here: what it shows
        return real(path)._replace(free=100 * 1024**2, total=500 * GiB)

    monkeypatch.setattr(storage.shutil, "disk_usage", nearly_full)
    page = new_page()
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Admin").click()
    alert = page.get_by_test_id("disk-state")
    expect(alert).to_have_attribute("data-state", "full")
    expect(alert).to_contain_text("The disk is full")
    expect(alert).to_contain_text("New uploads are refused until you free some space.")
    shot(page, "admin-disk-full")
    assert page.errors == []
