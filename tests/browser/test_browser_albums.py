"""Albums, Favourites and Watch later in the browser: make an album from the video page
and the library, add to one from the feed, reorder it with the keyboard, share it so a
private video reaches one member and nobody else, and keep your own lists."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from video_rows import make_video

from tests.browser.test_browser_accounts import nav, sign_in
from tests.browser.test_browser_feed import PHONE, ready_video


def album_order(page) -> list[str]:
    return page.get_by_test_id("album-video").evaluate_all(
        "items => items.map(i => i.dataset.videoId)"
    )


def test_create_add_from_video_page_and_library_then_reorder_with_keyboard(
    app, new_page, make_user, unnamed_controls, shot
):
    olive = make_user("olive")
    a, b, c = (make_video(app, olive, title=t) for t in ("Apples", "Berries", "Cherries"))
    page = new_page()
    sign_in(page, "olive")

    # From the video page: a new album, with this video in it.
    page.goto(f"/v/{a.public_id}")
    page.get_by_test_id("add-to-album").click()
    dialog = page.get_by_test_id("add-to-album-dialog")
    dialog.get_by_label("New album title").fill("Summer")
    dialog.get_by_role("button", name="Create and add").click()
    expect(page.get_by_text("The video added to “Summer”.")).to_be_visible()

    # From the library: two more at once.
    nav(page).get_by_role("link", name="Library").click()
    page.get_by_label("Select Berries").check()
    page.get_by_label("Select Cherries").check()
    page.get_by_role("toolbar", name="Bulk actions").get_by_test_id("add-to-album").click()
    dialog = page.get_by_test_id("add-to-album-dialog")
    dialog.get_by_role("button", name=re.compile("^Summer")).click()
    expect(page.get_by_text("2 videos added to “Summer”.")).to_be_visible()

    nav(page).get_by_role("link", name="Albums").click()
    page.get_by_test_id("album-card").filter(has_text="Summer").click()
    expect(page.get_by_test_id("album-title")).to_have_text("Summer")
    expect(page.get_by_test_id("album-video")).to_have_count(3)
    # The library lists newest first, and the selection went in in that order.
    assert album_order(page) == [a.public_id, c.public_id, b.public_id]
    assert unnamed_controls(page) == []

    # The keyboard moves Cherries to the top, then Apples down one.
    handle = page.get_by_role("button", name=re.compile("^Reorder Cherries"))
    handle.focus()
    page.keyboard.press("Home")
    expect(page.get_by_role("button", name="Reorder Cherries, position 1 of 3")).to_be_focused()
    page.get_by_role("button", name=re.compile("^Reorder Apples")).focus()
    page.keyboard.press("ArrowDown")
    expect(
        page.get_by_role("status").filter(has_text="Apples moved to position 3 of 3.")
    ).to_be_attached()
    want = [c.public_id, b.public_id, a.public_id]
    expect(page.get_by_test_id("album-video").first).to_have_attribute("data-video-id", want[0])
    # The server kept the order: a fresh load shows it.
    page.reload()
    expect(page.get_by_test_id("album-video")).to_have_count(3)
    assert album_order(page) == want
    shot(page, "album-page")

    # Dragging works too: the last video dropped on the first takes its place.
    items = page.get_by_test_id("album-video")
    items.last.drag_to(items.first)
    expect(items.first).to_have_attribute("data-video-id", a.public_id)
    page.reload()
    expect(page.get_by_test_id("album-video")).to_have_count(3)
    assert album_order(page) == [a.public_id, c.public_id, b.public_id]


def test_an_album_shared_with_a_member_shows_a_private_video_to_them_only(
    app, new_page, make_user
):
    olive, _bea, _carl = make_user("olive"), make_user("bea"), make_user("carl")
    secret = make_video(app, olive, title="Grandma's birthday", privacy="private")
    r = olive.post("/api/albums", json={"title": "Family"})
    album = r.json["id"]
    olive.post(f"/api/albums/{album}/videos", json={"video_ids": [secret.public_id]})

    owner = new_page()
    sign_in(owner, "olive")
    owner.goto(f"/albums/{album}")
    owner.get_by_label("Username").fill("bea")
    owner.get_by_role("button", name="Share").click()
    expect(owner.get_by_test_id("album-members")).to_contain_text("bea")

    bea = new_page()
    sign_in(bea, "bea")
    nav(bea).get_by_role("link", name="Albums").click()
    card = bea.get_by_test_id("album-card").filter(has_text="Family")
    expect(card).to_contain_text("Shared with you")
    card.click()
    bea.get_by_role("link", name="Grandma's birthday").click()
    expect(bea.get_by_test_id("video-title")).to_have_text("Grandma's birthday")
    # A viewer cannot change the album.
    bea.goto(f"/albums/{album}")
    expect(bea.get_by_test_id("album-video")).to_have_count(1)
    expect(bea.get_by_role("button", name=re.compile("^Reorder"))).to_have_count(0)
    expect(bea.get_by_role("button", name="Edit album")).to_have_count(0)

    carl = new_page()
    sign_in(carl, "carl")
    carl.goto(f"/v/{secret.public_id}")
    expect(carl.get_by_text("No such video")).to_be_visible()
    carl.goto(f"/albums/{album}")
    expect(carl.get_by_text("No such album")).to_be_visible()
    nav(carl).get_by_role("link", name="Albums").click()
    expect(carl.get_by_text("No albums yet")).to_be_visible()


def test_favourites_list_liked_videos_and_watch_later_adds_and_removes(app, new_page, make_user):
    olive, _bea = make_user("olive"), make_user("bea")
    liked = make_video(app, olive, title="Sunset")
    later = make_video(app, olive, title="Lecture")
    page = new_page()
    sign_in(page, "bea")

    page.goto(f"/v/{liked.public_id}")
    page.get_by_test_id("like-button").click()
    expect(page.get_by_test_id("like-button")).to_have_attribute("aria-pressed", "true")
    page.goto("/favourites")
    expect(page.get_by_test_id("favourites-list").get_by_test_id("video-card")).to_have_count(1)
    expect(page.get_by_test_id("favourites-list")).to_contain_text("Sunset")

    page.goto(f"/v/{later.public_id}")
    button = page.get_by_test_id("watch-later")
    expect(button).to_have_text("Watch later")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.goto("/later")
    expect(page.get_by_test_id("later-list")).to_contain_text("Lecture")
    page.get_by_test_id("later-list").get_by_role("link", name=re.compile("Lecture")).click()
    button = page.get_by_test_id("watch-later")
    expect(button).to_have_text("Saved for later")
    button.click()
    expect(button).to_have_text("Watch later")
    page.goto("/later")
    expect(page.get_by_text("Nothing saved for later")).to_be_visible()


def test_add_to_album_from_the_feeds_action_column(app, new_page, make_user, clips):
    olive, bea = make_user("olive"), make_user("bea")
    ready_video(app, bea, clips["sound"], title="Bea's garden")
    r = olive.post("/api/albums", json={"title": "Gardens"})
    album = r.json["id"]
    page = new_page(**PHONE)
    sign_in(page, "olive")
    item = page.get_by_test_id("feed-item").first
    expect(item).to_have_attribute("aria-label", "Bea's garden")
    item.get_by_role("button", name="Add to album").click()
    dialog = page.get_by_test_id("add-to-album-dialog")
    dialog.get_by_role("button", name=re.compile("^Gardens")).click()
    expect(page.get_by_text("The video added to “Gardens”.")).to_be_visible()
    listed = olive.get(f"/api/albums/{album}/videos").json["items"]
    assert [v["title"] for v in listed] == ["Bea's garden"]
    assert page.errors == []
