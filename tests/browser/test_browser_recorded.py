"""The video page says when a clip was recorded, when the camera said so."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from video_rows import make_video

from tests.browser.test_browser_accounts import sign_in


def test_video_page_shows_the_recording_date(app, admin, new_page):
    make_video(app, admin, title="Beach", recorded_at=dt.datetime(2023, 7, 14, 16, 30, 5))
    make_video(app, admin, title="Undated")
    by_title = {v["title"]: v["id"] for v in admin.get("/api/videos/mine").json["items"]}
    page = new_page()
    sign_in(page, "admin")
    page.goto(f"/v/{by_title['Beach']}")
    expect(page.get_by_test_id("video-recorded")).to_contain_text("Recorded")
    expect(page.get_by_test_id("video-recorded")).to_contain_text("2023")
    page.goto(f"/v/{by_title['Undated']}")
    expect(page.get_by_test_id("video-title")).to_have_text("Undated")
    expect(page.get_by_test_id("video-recorded")).to_have_count(0)
