"""A video whose files live in the media store's bucket plays in the browser: the page
loads the store's presigned URLs (a second origin the Content-Security-Policy admits),
and the player reads its ranges from the store."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from video_rows import db

from clipset.store.models import Video
from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_feed import ready_video


@pytest.fixture
def settings_overrides(bucket_settings):
    return bucket_settings


def test_a_video_in_the_bucket_plays_from_it(app, admin, new_page, clips, s3_endpoint, shot):
    video = ready_video(app, admin, clips["sound"], title="Lake", width=320, height=240)
    services = app.extensions["clipset"]
    with db():
        assert services.files.offload(video.id) >= 2
        assert "video" in Video.get_by_id(video.id).bucket_files.split()
    assert not services.data.video_file(video.storage_key).exists()

    page = new_page()
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    sign_in(page, "admin")
    page.goto(f"/v/{video.public_id}")
    player = page.locator("video").first
    expect(player).to_have_attribute("src", re.compile("^" + re.escape(s3_endpoint)))
    # It opens playing, read from the store.
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.currentTime > 0.5; }"
    )
    assert refused == [] and page.errors == []
    shot(page, "video-page-from-bucket")
