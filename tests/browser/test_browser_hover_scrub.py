"""Hover previews on desktop cards: moving the mouse across a thumbnail (browse, library)
shows the frame under the pointer from the seek-preview sprite; no video is downloaded,
and the tiles are only asked for once a card is hovered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_edit_cut import processed
from tests.browser.test_browser_uploads import wait_for
from tests.media_factory import make_clip

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def tile_under(page, thumb, fraction: float) -> str:
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2, steps=3)
    preview = thumb.get_by_test_id("scrub-preview")
    expect(preview).to_be_visible()
    return preview.get_attribute("data-tile")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_moving_the_mouse_across_a_card_shows_the_frame_under_it(
    app, admin, new_page, tmp_path, shot, scheme
):
    clip = make_clip(tmp_path / "walk.mp4", width=320, height=240, duration=4.0, noise=True)
    video, done = processed(app, admin, clip)
    page = new_page(color_scheme=scheme, **DESKTOP)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, "admin")
    wait_for(page, done, "the video to be processed")

    for path in ("/browse", "/library"):
        # The feed, where sign-in lands, asks for its clips' previews: let it finish. Each
        # page is a fresh load, with nothing cached.
        page.wait_for_load_state("networkidle")
        page.mouse.move(2, 2)  # the pointer off the grid: over a card is a hover
        requests.clear()
        page.goto(path)
        thumb = page.get_by_test_id("thumbnail").first
        expect(thumb.locator("img")).to_be_visible()
        assert not [u for u in requests if "/previews" in u]  # nothing until hovered
        early = tile_under(page, thumb, 0.1)
        late = tile_under(page, thumb, 0.9)
        assert early != late  # a later moment, a later tile of the sheet
        # The tile is drawn from the sprite, which loads.
        url = (
            thumb.get_by_test_id("scrub-preview")
            .locator("div")
            .first.evaluate("el => getComputedStyle(el).backgroundImage.slice(5, -2)")
        )
        assert "/media/previews/" in url
        assert (
            page.evaluate(
                "url => new Promise(ok => { const i = new Image();"
                " i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(0); i.src = url; })",
                url,
            )
            > 0
        )
        if path == "/browse":
            shot(page, f"hover-scrub-{scheme}")
        # Leaving the card shows the thumbnail again.
        page.mouse.move(2, 2)
        expect(thumb.get_by_test_id("scrub-preview")).to_have_count(0)
        assert not [u for u in requests if ".mp4" in u]  # never the video itself
    assert page.errors == []
