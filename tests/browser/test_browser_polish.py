"""The video page's player extras, the not-found page, phone tabs and words people use."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_browser_accounts import nav, sign_in
from tests.browser.test_browser_feed import PHONE, ready_video
from tests.media_factory import make_clip


def test_video_page_shortcuts_speed_download_and_shape(app, admin, new_page, tmp_path):
    clip = make_clip(tmp_path / "walk.mp4", width=320, height=240, duration=30.0, fps=5)
    video = ready_video(app, admin, clip, title="Garden walk", width=320, height=240)
    page = new_page()
    sign_in(page, "admin")
    page.goto(f"/v/{video.public_id}")
    player = page.get_by_test_id("player")
    expect(player).to_be_visible()
    # The box has the video's shape before a byte of it has loaded.
    box = player.bounding_box()
    assert abs(box["width"] / box["height"] - 320 / 240) < 0.02
    page.wait_for_function("() => document.querySelector('[data-testid=player]').readyState >= 1")

    def now() -> float:
        return player.evaluate("v => v.currentTime")

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("l")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('[data-testid=player]').currentTime - 10) < 0.5"
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('[data-testid=player]').currentTime - 15) < 0.5"
    )
    page.keyboard.press("j")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('[data-testid=player]').currentTime - 5) < 0.5"
    )
    # It opened playing; k pauses and plays.
    page.wait_for_function("() => !document.querySelector('[data-testid=player]').paused")
    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('[data-testid=player]').paused")
    page.keyboard.press("k")
    page.wait_for_function("() => !document.querySelector('[data-testid=player]').paused")
    assert now() >= 5
    page.keyboard.press("m")
    assert player.evaluate("v => v.muted") is True

    page.get_by_label("Speed").select_option("1.5")
    assert player.evaluate("v => v.playbackRate") == 1.5

    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename == "Garden walk.mp4"
    assert open(download.path(), "rb").read() == clip.read_bytes()
    assert page.errors == []


def test_an_unknown_address_and_a_missing_video_lead_home(admin, new_page):
    page = new_page()
    sign_in(page, "admin")
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name="There's nothing here")).to_be_visible()
    page.goto("/v/999999")
    expect(page.get_by_role("heading", name="No such video")).to_be_visible()
    page.get_by_role("link", name="Back to the feed").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_phones_get_labelled_tabs_at_the_bottom(admin, new_page):
    page = new_page(**PHONE)
    sign_in(page, "admin")
    tabs = nav(page)
    for name in ("Feed", "Browse", "Upload", "Library", "Admin"):
        expect(tabs.get_by_role("link", name=name)).to_have_text(name)
    box = tabs.bounding_box()
    assert box["y"] + box["height"] >= 844 - 2 and box["width"] >= 388
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_sign_in_is_in_a_main_landmark(admin, new_page):
    page = new_page()
    page.goto("/login")
    expect(page.get_by_role("main").get_by_role("button", name="Sign in")).to_be_visible()
