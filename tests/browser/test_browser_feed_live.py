"""The feed keeps up with the household: others' new videos are announced live ("1 new
video — show", from the server's ``video.published``) without reloading or polling, and on a
phone the comments rise as a bottom sheet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_feed import PHONE, ready_video
from tests.test_websocket import wait_until


def test_others_new_videos_are_announced_and_shown(app, admin, make_user, new_page, clips, shot):
    bea = make_user("bea")
    ready_video(app, bea, clips["silent"], title="Old one", width=240, height=320)
    page = new_page()
    sign_in(page, "admin")
    items = page.get_by_test_id("feed-item")
    expect(items).to_have_count(1)
    expect(page.get_by_test_id("new-videos")).to_have_count(0)
    assert wait_until(lambda: app.extensions["clipset.fanout"].listener_count == 1)  # listening

    # My own new video is not news to me; bea's is, the moment she makes it public.
    for owner, clip, title, size in (
        (admin, "silent", "Mine", (240, 320)),
        (bea, "sound", "Fresh from bea", (320, 240)),
    ):
        video = ready_video(
            app, owner, clips[clip], title=title, privacy="private", width=size[0], height=size[1]
        )
        r = owner.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "public"})
        assert r.status_code == 200
    news = page.get_by_test_id("new-videos")
    expect(news).to_have_text("1 new video — show")
    shot(page, "feed-new-videos")

    news.click()
    expect(items).to_have_count(3)
    expect(page.get_by_role("region", name="Fresh from bea")).to_be_attached()
    expect(news).to_have_count(0)
    expect(page.get_by_role("region", name="Old one")).to_be_attached()
    assert page.errors == []


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_comments_open_as_a_bottom_sheet_on_phones(
    app, admin, make_user, new_page, clips, device, shot
):
    bea = make_user("bea")
    ready_video(app, bea, clips["silent"], title="Talk about it", width=240, height=320)
    page = new_page(**(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    item = page.get_by_test_id("feed-item").first
    item.get_by_role("button", name="Comments").click()
    sheet = page.get_by_test_id("comment-sheet")
    expect(sheet).to_be_visible()
    sheet.evaluate("el => Promise.all(el.getAnimations().map((a) => a.finished))")  # risen
    box = sheet.bounding_box()
    view = page.viewport_size
    if device == "phone":
        # Full width, resting on the bottom edge, with a handle to pull it down.
        assert abs(box["width"] - view["width"]) < 2
        assert abs(box["y"] + box["height"] - view["height"]) < 2
        expect(sheet.get_by_test_id("sheet-handle")).to_be_visible()
    else:
        assert box["width"] < view["width"] / 2
        assert box["y"] + box["height"] < view["height"] - 20
        expect(sheet.get_by_test_id("sheet-handle")).to_be_hidden()
    shot(page, f"feed-comments-{device}")

    sheet.get_by_label("Add a comment").fill("Lovely")
    sheet.get_by_role("button", name="Post comment").click()
    expect(sheet.get_by_test_id("comment-list")).to_contain_text("Lovely")
    sheet.get_by_role("button", name="Close").click()
    expect(sheet).to_be_hidden()
    # The count beside the button comes from the same cache as the list.
    expect(item.get_by_role("button", name="Comments")).to_contain_text("1", timeout=15_000)
    assert page.errors == []
