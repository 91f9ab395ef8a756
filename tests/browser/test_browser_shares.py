"""Guest links in the browser: the owner makes them in the Share dialog; a guest on a
phone, never signed in, watches the video, downloads only when allowed, and sees why a
link stopped working."""

from __future__ import annotations

from playwright.sync_api import expect
from video_rows import db

from clipset.store.models import ShareLink, now
from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_feed import PHONE, ready_video


def make_link(page, label: str, download: bool) -> str:
    dialog = page.get_by_test_id("share-dialog")
    form = dialog.get_by_role("form", name="New guest link")
    form.get_by_label("For (only you see this)").fill(label)
    form.get_by_label("Allow downloading the file").set_checked(download)
    form.get_by_role("button", name="Make guest link").click()
    row = dialog.get_by_test_id("share-link").filter(has_text=label)
    expect(row).to_be_visible()
    return row.get_by_test_id("share-url").input_value()


def test_a_guest_on_a_phone_watches_a_shared_video(
    app, make_user, clips, new_page, shot, unnamed_controls
):
    owner_api = make_user("ann")
    video = ready_video(
        app, owner_api, clips["sound"], title="Garden party", description="Grandpa's cake"
    )
    owner = new_page()
    sign_in(owner, "ann")
    owner.goto(f"/v/{video.public_id}")
    owner.get_by_test_id("share-button").click()
    watch_only = make_link(owner, "for grandma", download=False)
    with_file = make_link(owner, "for uncle", download=True)
    expect(owner.get_by_test_id("share-dialog").get_by_text("QR code").first).to_be_visible()
    owner.get_by_test_id("share-link").filter(has_text="for grandma").get_by_role(
        "button", name="QR code"
    ).click()
    expect(owner.get_by_test_id("share-qr")).to_be_visible()
    assert unnamed_controls(owner) == []
    shot(owner, "share-dialog")

    guest = new_page(**PHONE)
    asked = []
    guest.on("request", lambda r: asked.append(r.url))
    guest.goto(watch_only)
    expect(guest.get_by_test_id("guest-title")).to_have_text("Garden party")
    expect(guest.get_by_test_id("guest-uploader")).to_have_text("ann")
    expect(guest.get_by_text("Grandpa's cake")).to_be_visible()
    player = guest.get_by_test_id("guest-player")
    player.evaluate("v => { v.muted = true; return v.play(); }")
    guest.wait_for_function(
        "() => document.querySelector('[data-testid=guest-player]').currentTime > 0.3",
        timeout=20_000,
    )
    expect(guest.get_by_test_id("guest-download")).to_have_count(0)
    fits = guest.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the guest page fits a phone's width"
    assert unnamed_controls(guest) == []
    shot(guest, "guest-phone")
    api_calls = {u.split("?")[0] for u in asked if "/api/" in u}
    assert api_calls and all("/api/guest/" in u for u in api_calls), api_calls

    guest.goto(with_file)
    download = guest.get_by_test_id("guest-download")
    expect(download).to_be_visible()
    answer = guest.request.get(download.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-disposition"].startswith("attachment")

    # An expired link says so; one turned off in the dialog says that instead.
    with db():
        ShareLink.update(expires_at=now()).where(ShareLink.label == "for grandma").execute()
    guest.goto(watch_only)
    gone = guest.get_by_test_id("guest-gone")
    expect(gone).to_have_attribute("data-reason", "share_expired")
    expect(gone).to_contain_text("This link has expired")
    shot(guest, "guest-expired")
    owner.get_by_test_id("share-link").filter(has_text="for uncle").get_by_role(
        "button", name="Turn off"
    ).click()
    expect(
        owner.get_by_test_id("share-link")
        .filter(has_text="for uncle")
        .get_by_test_id("share-status")
    ).to_have_text("Turned off")
    guest.goto(with_file)
    expect(guest.get_by_test_id("guest-gone")).to_have_attribute("data-reason", "share_revoked")
    assert guest.errors == []


def test_a_password_link_asks_first_and_stays_open_on_reload(app, make_user, clips, new_page):
    owner = make_user("ann")
    video = ready_video(app, owner, clips["sound"], title="Birthday")
    r = owner.post(f"/api/videos/{video.public_id}/shares", json={"password": "cake1234"})
    assert r.status_code == 201, r.json
    guest = new_page(**PHONE)
    guest.goto(r.json["path"])
    expect(guest.get_by_test_id("guest-title")).to_have_count(0)
    guest.get_by_test_id("guest-password").fill("pie")
    guest.get_by_role("button", name="Watch").click()
    expect(guest.get_by_test_id("guest-password-error")).to_have_text(
        "That password is not right."
    )
    guest.get_by_test_id("guest-password").fill("cake1234")
    guest.get_by_role("button", name="Watch").click()
    expect(guest.get_by_test_id("guest-title")).to_have_text("Birthday")
    guest.reload()
    expect(guest.get_by_test_id("guest-title")).to_have_text("Birthday")
    assert guest.errors == []
