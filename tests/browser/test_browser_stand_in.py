"""Playable while processing: right after Post, the owner and a viewer watch the original
while the job is held back, and both players switch to the processed file when it is
ready, carrying on from where they were."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect

from clipset import media
from tests.browser.test_browser_accounts import nav, sign_in
from tests.media_factory import make_clip

HOLD_SECONDS = 120
PLAYING = """t => { const v = document.querySelector('[data-testid=player]');
    return v && v.currentTime > t; }"""
ON_PROCESSED = """() => { const v = document.querySelector('[data-testid=player]');
    return v && v.currentSrc.includes('/media/videos/') && v.readyState >= 1; }"""


@pytest.fixture
def held(monkeypatch):
    """Every job waits inside ``media.process`` (its stand-in is made before) until set."""
    real, release = media.process, threading.Event()

    def wait_then_process(*args, **kwargs):
        assert release.wait(HOLD_SECONDS), "the test never let the job go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(media, "process", wait_then_process)
    yield release
    release.set()


def test_the_original_plays_after_post_then_the_processed_file_takes_over(
    held, tmp_path, new_page, shot, admin, make_user
):
    make_user("bea")
    clip = make_clip(tmp_path / "beach.mp4", width=320, height=240, duration=10.0)
    owner = new_page()
    sign_in(owner, "admin")
    nav(owner).get_by_role("link", name="Upload").click()
    owner.get_by_label("Choose video files").set_input_files(str(clip))
    item = owner.get_by_test_id("upload-item")
    expect(item.get_by_text("Uploaded. Add the details and post it.")).to_be_visible()
    item.get_by_label("Title").fill("Beach")
    item.get_by_role("button", name="Post", exact=True).click()

    # Still processing (the job is held), yet there is something to watch.
    status = item.get_by_test_id("processing-status")
    status.get_by_role("link", name="Watch the original now").click(timeout=60_000)
    expect(owner).to_have_url(re.compile(r"/v/[A-Za-z0-9_-]{11}$"))
    note = owner.get_by_test_id("stand-in-note")
    expect(note).to_contain_text("Processing — playing the original")
    player = owner.get_by_test_id("player")
    assert "/media/stand-ins/" in player.evaluate("v => v.currentSrc || v.src")
    player.evaluate("v => v.play()")
    owner.wait_for_function(PLAYING, arg=0.3, timeout=20_000)
    assert not held.is_set()
    shot(owner, "video-stand-in")

    # Someone else who may see it watches it too, by its link.
    viewer = new_page()
    sign_in(viewer, "bea")
    viewer.goto(owner.url)
    expect(viewer.get_by_test_id("stand-in-note")).to_be_visible()
    viewer_player = viewer.get_by_test_id("player")
    viewer_player.evaluate("v => { v.currentTime = 4; return v.play(); }")
    viewer.wait_for_function(PLAYING, arg=4.2, timeout=20_000)

    # The job goes on: both switch to the processed file, the viewer from where it was.
    held.set()
    viewer.wait_for_function(ON_PROCESSED, timeout=60_000)
    assert viewer_player.evaluate("v => v.currentTime") >= 4.2
    viewer.wait_for_function("() => !document.querySelector('[data-testid=player]').paused")
    expect(viewer.get_by_test_id("stand-in-note")).to_have_count(0)
    owner.wait_for_function(ON_PROCESSED, timeout=60_000)
    expect(note).to_have_count(0)
    expect(owner.get_by_test_id("download")).to_be_visible()  # the processed file's
    assert owner.errors == [] and viewer.errors == []
