"""Trim and cover after posting: the video page's editor shows a filmstrip of the posted
video, a new cover replaces the thumbnail at once, and a trim runs as a job whose end the
page learns live (the duration shown changes without a reload)."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from clipset.store.fields import new_key
from clipset.store.models import Video
from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_uploads import PHONE, wait_for
from tests.media_factory import make_clip
from tests.video_rows import db


def processed(app, admin, clip) -> Video:
    """A video of the admin's, through the real processing queue."""
    services = app.extensions["clipset"]
    key = new_key()  # the original is in place before the row a worker may claim
    shutil.copyfile(clip, services.data.original_file(key))
    with db():
        video = Video.create(
            storage_key=key, uploader=admin.user["id"], title="Beach day", source_size_bytes=1
        )
    services.jobs.wake()

    def done():
        with db():
            return Video.get_by_id(video.id).processing_status == "completed"

    return video, done


@pytest.mark.parametrize("scheme, device", [("light", "desktop"), ("dark", "phone")])
def test_the_edit_dialog_changes_the_cover_and_trims_the_posted_video(
    app, admin, new_page, tmp_path, shot, scheme, device
):
    clip = make_clip(tmp_path / "beach.mp4", width=320, height=240, duration=3.0)
    video, done = processed(app, admin, clip)
    page = new_page(color_scheme=scheme, **(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    wait_for(page, done, "the video to be processed")
    data = app.extensions["clipset"].data
    thumbnail = data.thumbnail_file(video.storage_key).read_bytes()

    page.goto(f"/v/{video.public_id}")
    expect(page.get_by_test_id("video-title")).to_have_text("Beach day")
    length = page.get_by_text(re.compile(r"views? · .* · \d:\d\d$"))
    expect(length).to_have_text(re.compile(r"0:03$"))
    page.get_by_role("button", name="Trim and cover").click()
    dialog = page.get_by_test_id("edit-cut")
    bar = dialog.get_by_test_id("trim-bar")
    expect(bar).to_be_visible()
    # The strip is of the posted video: its summary spans the video's 3 seconds.
    expect(dialog.get_by_test_id("trim-summary")).to_contain_text("0.0 s → 3.0 s")
    save = dialog.get_by_role("button", name="Save cover")
    expect(save).to_be_disabled()  # nothing changed yet

    # The cover alone: saved at once, the thumbnail on disk is a new picture.
    dialog.get_by_role("slider", name=re.compile("^Cover")).fill("2.5")
    expect(dialog.get_by_role("img", name=re.compile("^Cover frame at 2.5 s"))).to_be_visible()
    shot(page, f"edit-cut-{device}-{scheme}")
    save.click()
    expect(dialog).to_be_hidden()

    def new_cover():
        return data.thumbnail_file(video.storage_key).read_bytes() != thumbnail

    wait_for(page, new_cover, "the new cover")

    # The trim: the end handle moved back a second with the keyboard, then saved.
    page.get_by_role("button", name="Trim and cover").click()
    handle = dialog.get_by_role("slider", name="Trim end")
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    expect(dialog.get_by_test_id("trim-summary")).to_contain_text("keeps 2.0 s")
    dialog.get_by_role("button", name="Save and trim").click()
    expect(dialog).to_be_hidden()
    # The page hears the job finish and shows the new length, no reload needed.
    expect(length).to_have_text(re.compile(r"0:02$"), timeout=60_000)
    expect(page.get_by_test_id("trim-progress")).to_have_count(0)
    with db():
        trimmed = Video.get_by_id(video.id)
    assert trimmed.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert trimmed.processing_status == "completed"
    assert page.errors == []
