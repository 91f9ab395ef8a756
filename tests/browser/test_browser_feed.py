"""The feed as people use it: tap pauses and plays, a double tap likes, the thin bar
seeks, sound gets a mute button only when there is sound, and the feed says when it ends."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect
from video_rows import make_video

from tests.browser.test_browser_accounts import sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def ready_video(app, owner, clip, **fields):
    """A processed video whose stored file is the clip itself."""
    video = make_video(app, owner, files=False, duration_seconds=4.0, **fields)
    data = app.extensions["clipset"].data
    shutil.copy(clip, data.video_file(video.storage_key))
    data.thumbnail_file(video.storage_key).write_bytes(b"")
    return video


def clock(page, index=0) -> float:
    return page.evaluate(
        f"document.querySelectorAll('[data-testid=feed-video]')[{index}].currentTime"
    )


def playing(page, index=0) -> bool:
    return page.evaluate(
        f"(() => {{ const v = document.querySelectorAll("
        f"'[data-testid=feed-video]')[{index}]; return !v.paused; }})()"
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_tap_pauses_double_tap_likes_and_the_bar_seeks(
    app, admin, make_user, new_page, clips, device, shot
):
    bea = make_user("bea")
    ready_video(app, bea, clips["silent"], title="Second", width=240, height=320)
    first = ready_video(app, bea, clips["sound"], title="First", width=320, height=240)
    page = new_page(**(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Feed", level=1)).to_be_attached()
    items = page.get_by_test_id("feed-item")
    expect(items).to_have_count(2)
    item = items.first
    video = item.get_by_test_id("feed-video")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=feed-video]')?.currentTime > 0.2",
        timeout=20_000,
    )
    # Only the clip on screen loads in full; its neighbour only its metadata.
    assert items.nth(1).get_by_test_id("feed-video").get_attribute("preload") == "metadata"

    # A tap pauses, another plays again.
    video.click()
    expect(item).to_have_attribute("data-paused", "true")
    assert not playing(page)
    at = clock(page)
    video.click()
    expect(item).to_have_attribute("data-paused", "false")
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=feed-video]')?.currentTime > {at + 0.1}",
        timeout=20_000,
    )

    # Space does the same from the keyboard.
    if device == "desktop":
        page.keyboard.press("Space")
        expect(item).to_have_attribute("data-paused", "true")
        page.keyboard.press("Space")
        expect(item).to_have_attribute("data-paused", "false")

    # A double tap likes it (and does not pause it).
    video.dblclick()
    expect(item.get_by_test_id("like-button")).to_have_attribute("aria-pressed", "true")
    expect(item.get_by_test_id("like-count")).to_have_text("1")
    for _ in range(100):  # the server has it too (the count above shows at once)
        if admin.get(f"/api/videos/{first.public_id}").json["like_count"] == 1:
            break
        page.wait_for_timeout(50)
    assert admin.get(f"/api/videos/{first.public_id}").json["like_count"] == 1
    assert playing(page)

    # The bar seeks: three quarters along is three quarters through the clip.
    video.evaluate("v => v.pause()")
    bar = item.get_by_test_id("seek-bar")
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] - 2)
    page.wait_for_function(
        "() => Math.abs(document.querySelector('[data-testid=feed-video]')?.currentTime - 3) < 0.3"
    )
    expect(bar).to_have_attribute("aria-valuenow", "3")
    shot(page, f"feed-{device}")

    # The clip has sound: a mute button; the silent one has none.
    expect(item.get_by_role("button", name="Unmute")).to_be_visible()
    expect(page.get_by_test_id("feed-end")).to_be_attached()
    items.nth(1).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=feed-video]')[1]?.currentTime > 0.2",
        timeout=20_000,
    )
    expect(items.nth(1).get_by_role("button", name="Unmute")).to_have_count(0)
    # Back to the first: it starts again from the beginning.
    item.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=feed-video]');"
        " return !!v && !v.paused && v.currentTime < 2.5; }",
        timeout=20_000,
    )
    assert page.errors == []
