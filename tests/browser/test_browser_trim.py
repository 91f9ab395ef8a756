"""The draft editor's trim bar and cover picker: two handles on a filmstrip of the uploaded
original (dragged with the mouse, or moved with the keyboard), a cover slider whose frame
is shown beside it, and a posted video as long as what the handles kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from clipset.store.models import Video
from tests.browser.test_browser_accounts import nav, sign_in
from tests.browser.test_browser_uploads import PHONE, wait_for
from tests.media_factory import make_clip
from tests.video_rows import db


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "long walk.mp4", width=320, height=240, duration=4.0)


def kept(page) -> tuple[float, float]:
    text = page.get_by_test_id("trim-summary").inner_text()
    start, end = re.findall(r"([\d.]+) s", text)[:2]
    return float(start), float(end)


def drag(page, device: str, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A mouse drag on desktop, a finger's on the phone (Chromium's touch input)."""
    if device == "desktop":
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(*end, steps=5)
        page.mouse.up()
        return
    cdp = page.context.new_cdp_session(page)
    steps = [start[0] + (end[0] - start[0]) * i / 5 for i in range(6)]
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]},
    )
    for x in steps[1:]:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x, "y": start[1]}]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_trim_handles_move_the_cover_shows_its_frame_and_the_post_is_trimmed(
    app, admin, new_page, clip, device, shot
):
    page = new_page(**(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Upload").click()
    page.get_by_label("Choose video files").set_input_files(str(clip))
    item = page.get_by_test_id("upload-item")
    bar = item.get_by_test_id("trim-bar")
    expect(bar).to_be_visible()
    # The strip's image is real and loaded (the frames are its tiles).
    url = bar.locator("[data-frame]").first.evaluate(
        "el => getComputedStyle(el).backgroundImage.slice(5, -2)"
    )
    assert (
        page.evaluate(
            "url => new Promise(ok => { const i = new Image();"
            " i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(0); i.src = url; })",
            url,
        )
        > 0
    )
    assert kept(page) == (0.0, 4.0)

    # The start handle dragged to about a quarter of the bar.
    bar.evaluate("el => el.scrollIntoView({block: 'center'})")  # clear of the phone's tab bar
    box = bar.bounding_box()
    y = box["y"] + box["height"] / 2
    drag(page, device, (box["x"] + 6, y), (box["x"] + box["width"] * 0.25, y))
    start, end = kept(page)
    assert 0.6 <= start <= 1.4 and end == 4.0
    # The end handle moved with the keyboard: half a second back.
    handle = item.get_by_role("slider", name="Trim end")
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    start, end = kept(page)
    assert end == pytest.approx(3.5)
    kept_box = item.get_by_test_id("trim-kept").bounding_box()
    assert kept_box["x"] > box["x"] + box["width"] * 0.1  # what is cut away is shown as cut

    # The cover: the frame shown is the strip's frame at the chosen moment.
    cover = item.get_by_role("slider", name=re.compile("^Cover"))
    cover.fill("3")
    frame = item.get_by_role("img", name=re.compile("^Cover frame at 3.0 s"))
    expect(frame).to_be_visible()
    expect(frame).to_have_attribute("data-frame", "7")  # 3 s of 4, ten frames
    shot(page, f"trim-editor-{device}")

    item.get_by_role("button", name="Post", exact=True).click()
    expect(item.get_by_test_id("processing-status")).to_be_visible()

    def posted():
        with db():
            return Video.get_or_none(Video.processing_status == "completed")

    wait_for(page, posted, "the trimmed video")
    video = posted()
    assert (video.trim_start, video.trim_end, video.cover_time) == (start, end, 3.0)
    assert video.duration_seconds == pytest.approx(end - start, abs=0.15)
    assert page.errors == []
