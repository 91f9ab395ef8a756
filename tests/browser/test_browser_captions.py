"""A captioned video in the browser: the owner adds a caption file as the default, a
viewer plays it with the captions showing (a cue is active on its text track), hovers the
timeline to see the frame there and the chapter's name, and the feed's scrubber shows the
frame under the pointer too."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.test_browser_accounts import sign_in
from tests.media_factory import mov_text_clip

SRT = "1\n00:00:00,000 --> 00:00:02,500\nHello from the <i>garden</i>\n"
WAIT_SECONDS = 60


def post(api, clip, **fields) -> str:
    with open(clip, "rb") as f:
        r = api.client.post(
            "/api/videos",
            data={"file": (f, clip.name), **fields},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {api.token}"},
        )
    assert r.status_code == 201, r.json
    deadline = time.monotonic() + WAIT_SECONDS
    while (status := api.get(f"/api/videos/{r.json['id']}").json["processing_status"]) != (
        "completed"
    ):
        assert status != "failed" and time.monotonic() < deadline, status
        time.sleep(0.05)
    return r.json["id"]


def test_captions_show_and_the_timeline_previews_frames(new_page, admin, tmp_path, shot):
    video_id = post(
        admin,
        mov_text_clip(tmp_path),
        title="Garden tour",
        description="0:00 Gate\n0:02 Roses",
    )
    page = new_page()
    sign_in(page, "admin")
    page.goto(f"/v/{video_id}")
    page.get_by_role("button", name="Captions").click()
    dialog = page.get_by_test_id("captions-dialog")
    expect(dialog.get_by_test_id("caption-row")).to_have_count(1)  # from the file
    srt = tmp_path / "garden.srt"
    srt.write_text(SRT)
    dialog.get_by_label("Caption file (.srt or .vtt)").set_input_files(str(srt))
    dialog.get_by_label("Language").fill("en")
    dialog.get_by_label("Label (optional)").fill("English (CC)")
    dialog.get_by_label("Show by default").check()
    dialog.get_by_role("button", name="Add captions").click()
    # Same language as the file's track, but only uploads replace uploads: both stay.
    expect(dialog.get_by_test_id("caption-row")).to_have_count(2)
    dialog.get_by_role("button", name="Close").click()

    page.reload()
    player = page.get_by_test_id("player")
    expect(player.locator("track")).to_have_count(2)
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        """() => [...document.querySelector('[data-testid=player]').textTracks].some(
            t => t.mode === 'showing' && t.label === 'English (CC)'
                 && t.activeCues && t.activeCues.length > 0
                 && t.activeCues[0].text.includes('garden'))"""
    )
    player.evaluate("v => v.pause()")

    bar = page.get_by_test_id("seek-bar")
    expect(bar.get_by_test_id("chapter-mark")).to_have_count(1)
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    frame = page.get_by_test_id("seek-preview-frame")
    expect(frame).to_be_visible()
    style = frame.evaluate("el => [el.style.backgroundImage, el.style.backgroundPosition]")
    assert "/media/previews/" in style[0] and style[1] == "-320px 0px"  # the third tile
    expect(page.get_by_test_id("seek-preview-chapter")).to_have_text("Roses")
    # The sheet behind the frame loads with its signed URL.
    url = style[0].split('"')[1]
    assert page.request.get(url).headers["content-type"] == "image/jpeg"
    shot(page, "captions-and-seek-preview")

    page.goto("/")
    feed_bar = page.get_by_test_id("seek-bar").first
    expect(feed_bar).to_be_visible()
    box = feed_bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] / 2)
    expect(page.get_by_test_id("seek-preview-frame")).to_be_visible()
    assert page.errors == []
