"""Album links in the browser: the owner makes one from the album's page and changes it;
a guest on a phone, never signed in, sees the album and plays its second video (a
private one), and the owner sees one opening."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_feed import PHONE, ready_video
from tests.browser.test_browser_shares import make_link


def test_a_guest_on_a_phone_plays_the_second_video_of_a_shared_album(
    app, make_user, clips, new_page, shot, unnamed_controls
):
    ann = make_user("ann")
    first = ready_video(app, ann, clips["sound"], title="Arrival")
    second = ready_video(
        app, ann, clips["silent"], title="The cake", description="Only us", privacy="private"
    )
    album = ann.post("/api/albums", json={"title": "Family", "description": "Summer 2026"})
    album_id = album.json["id"]
    ids = [first.public_id, second.public_id]
    assert ann.post(f"/api/albums/{album_id}/videos", json={"video_ids": ids}).status_code == 200

    owner = new_page()
    sign_in(owner, "ann")
    owner.goto(f"/albums/{album_id}")
    owner.get_by_test_id("album-link-button").click()
    dialog = owner.get_by_test_id("share-dialog")
    expect(dialog).to_contain_text("private ones included")
    url = make_link(owner, "for grandma", download=False)
    # Changing it keeps the address: a new label and downloads allowed.
    row = dialog.get_by_test_id("share-link").filter(has_text="for grandma")
    row.get_by_role("button", name="Change").click()
    form = row.get_by_role("form", name="Change guest link")
    form.get_by_label("For (only you see this)").fill("for grandpa")
    form.get_by_label("Allow downloading the file").check()
    form.get_by_role("button", name="Save changes").click()
    changed = dialog.get_by_test_id("share-link").filter(has_text="for grandpa")
    expect(changed).to_contain_text("Download allowed")
    assert changed.get_by_test_id("share-url").input_value() == url
    assert unnamed_controls(owner) == []
    shot(owner, "album-share-dialog")

    guest = new_page(**PHONE)
    asked = []
    guest.on("request", lambda r: asked.append(r.url))
    guest.goto(url)
    expect(guest.get_by_test_id("guest-album-title")).to_have_text("Family")
    expect(guest.get_by_test_id("guest-album-owner")).to_have_text("ann")
    expect(guest.get_by_text("Summer 2026")).to_be_visible()
    items = guest.get_by_test_id("guest-album-video")
    expect(items).to_have_count(2)
    expect(guest.get_by_test_id("guest-title")).to_have_text("Arrival")
    items.nth(1).click()
    expect(guest.get_by_test_id("guest-title")).to_have_text("The cake")
    expect(guest.get_by_text("Only us")).to_be_visible()
    player = guest.get_by_test_id("guest-player")
    expect(player).to_have_attribute("data-video-id", second.public_id)
    player.evaluate("v => { v.muted = true; return v.play(); }")
    guest.wait_for_function(
        "() => document.querySelector('[data-testid=guest-player]').currentTime > 0.3",
        timeout=20_000,
    )
    expect(guest.get_by_test_id("guest-download")).to_be_visible()
    fits = guest.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the album's guest page fits a phone's width"
    assert unnamed_controls(guest) == []
    shot(guest, "guest-album-phone")
    api_calls = {u.split("?")[0] for u in asked if "/api/" in u}
    assert api_calls and all("/api/guest/" in u for u in api_calls), api_calls
    assert guest.errors == []

    # One page load, two videos, many byte ranges: one opening.
    [listed] = ann.get(f"/api/albums/{album_id}/shares").json
    assert listed["open_count"] == 1 and listed["label"] == "for grandpa"
