"""Cards show thumbnails at display size: WebP copies by width (``srcset``), the first row
loaded at once and the rest lazily."""

from __future__ import annotations

from PIL import Image
from playwright.sync_api import expect

from clipset.services.media_urls import THUMBNAIL_WIDTHS
from tests.browser.test_browser_accounts import sign_in
from tests.video_rows import make_video

DESKTOP = {"viewport": {"width": 1400, "height": 900}}  # four cards a row


def test_cards_pick_a_webp_at_their_size_and_only_the_first_row_is_eager(
    app, admin, new_page, tmp_path
):
    data = app.extensions["clipset"].data
    for i in range(6):
        video = make_video(app, admin, title=f"clip {i}")
        picture = Image.new("RGB", (1280, 720), (40 * i, 90, 160))
        picture.save(data.thumbnail_file(video.storage_key), format="JPEG")
        for width in THUMBNAIL_WIDTHS:
            picture.resize((width, width * 9 // 16)).save(
                data.thumbnail_variant(video.storage_key, width), format="WEBP"
            )
    page = new_page(**DESKTOP)
    sign_in(page, "admin")
    page.goto("/browse")
    cards = page.get_by_test_id("video-card")
    expect(cards).to_have_count(6)
    images = page.locator("[data-testid=video-card] img")
    expect(images).to_have_count(6)
    for i in range(6):
        img = images.nth(i)
        assert ".320.webp" in img.get_attribute("srcset")
        assert ".640.webp" in img.get_attribute("srcset")
        assert img.get_attribute("loading") == ("eager" if i < 4 else "lazy")
    first = images.first
    first.evaluate("img => img.decode()")
    # A card a quarter of the page wide (350 px) takes the 640 WebP, not the 1280 JPEG.
    assert ".640.webp" in first.evaluate("img => img.currentSrc")
    assert page.errors == []
