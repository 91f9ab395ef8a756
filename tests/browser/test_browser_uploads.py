"""Uploads belong to the app: they carry on while the person browses, the top bar says how
far they are, and posting leaves no ghost draft behind."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from video_rows import db

from clipset.store.models import Draft, Upload
from tests.browser.test_browser_accounts import nav, sign_in
from tests.media_factory import make_clip

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "garden walk.mp4", width=320, height=240, duration=3.0, noise=True)


def wait_for(page, check, what):
    for _ in range(400):
        if check():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_leaving_the_upload_page_keeps_the_upload_going(app, admin, new_page, clip, device, shot):
    page = new_page(**(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    half = clip.stat().st_size // 2
    network = {"up": False, "patches": 0}

    def cut_off_halfway(route, request):
        # The first PATCH brings half the file, then the network is gone until the test
        # says otherwise: the upload is surely still running when the person leaves.
        if request.method != "PATCH" or network["up"]:
            return route.continue_()
        network["patches"] += 1
        if network["patches"] > 1:
            return route.abort()
        route.continue_(
            post_data=request.post_data_buffer[:half],
            headers={**request.headers, "content-length": str(half)},
        )

    page.route("**/api/uploads/**", cut_off_halfway)
    nav(page).get_by_role("link", name="Upload").click()
    page.get_by_label("Choose video files").set_input_files(str(clip))
    wait_for(page, lambda: network["patches"] >= 2, "the second PATCH")

    # Closing the tab now would stop it: the browser is asked to warn.
    assert page.evaluate("""() => { const e = new Event('beforeunload', {cancelable: true});
        window.dispatchEvent(e); return e.defaultPrevented; }""")

    nav(page).get_by_role("link", name="Browse").click()
    indicator = page.get_by_test_id("upload-indicator")
    expect(indicator).to_have_attribute("aria-label", re.compile(r"^Uploading 1 file, \d+%$"))
    shot(page, f"upload-indicator-{device}")
    network["up"] = True
    # The upload finishes on its own while the person is elsewhere, and its draft is saved.
    expect(indicator).to_have_count(0, timeout=60_000)
    wait_for(page, lambda: db_drafts() == 1, "the draft")
    with db():
        (upload,) = Upload.select()
    assert upload.offset == upload.length == clip.stat().st_size

    nav(page).get_by_role("link", name="Upload").click()
    item = page.get_by_test_id("upload-item")
    expect(item.get_by_text("Uploaded. Add the details and post it.")).to_be_visible()
    expect(item.get_by_role("button", name="Post", exact=True)).to_be_enabled()
    assert not page.evaluate("""() => { const e = new Event('beforeunload', {cancelable: true});
        window.dispatchEvent(e); return e.defaultPrevented; }""")
    assert page.errors == []


def db_drafts() -> int:
    with db():
        return Draft.select().count()


def test_a_posted_video_is_no_ghost_draft_and_counts_in_the_quota(app, admin, new_page, clip):
    page = new_page()
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Upload").click()
    quota = page.get_by_test_id("quota")
    expect(quota).to_contain_text(re.compile(r"^0 B of"))
    page.get_by_label("Choose video files").set_input_files(str(clip))
    item = page.get_by_test_id("upload-item")
    expect(item.get_by_text("Uploaded. Add the details and post it.")).to_be_visible()
    wait_for(page, lambda: db_drafts() == 1, "the draft")
    # Away and back while the draft exists: the drafts list is cached.
    nav(page).get_by_role("link", name="Feed").click()
    nav(page).get_by_role("link", name="Upload").click()
    item.get_by_role("button", name="Post", exact=True).click()
    expect(item.get_by_test_id("processing-status")).to_be_visible()
    nav(page).get_by_role("link", name="Library").click()
    nav(page).get_by_role("link", name="Upload").click()
    expect(page.get_by_test_id("upload-item")).to_have_count(1)
    expect(page.get_by_role("region", name="Saved drafts")).to_have_count(0)
    expect(quota).not_to_contain_text(re.compile(r"^0 B of"))
    assert page.errors == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_file_that_is_not_a_video_is_refused_in_its_first_chunk(
    app, admin, new_page, tmp_path, device
):
    notes = tmp_path / "holiday notes.mp4"
    notes.write_text("These are my holiday notes, not a video.\n" * 80_000)  # 3.4 MB
    page = new_page(**(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    patches = []
    page.on("request", lambda r: patches.append(r) if r.method == "PATCH" else None)
    nav(page).get_by_role("link", name="Upload").click()
    page.get_by_label("Choose video files").set_input_files(str(notes))
    item = page.get_by_test_id("upload-item")
    expect(item.get_by_role("alert")).to_contain_text("not a video")
    expect(item).to_have_attribute("data-phase", "refused")
    expect(item.get_by_role("button", name=re.compile("^Post"))).to_have_count(0)
    expect(item.get_by_text("Uploaded", exact=False)).to_have_count(0)
    assert len(patches) == 1  # refused in the first request, not retried
    with db():
        assert Upload.select().count() == 0
    expect(page.get_by_test_id("quota")).to_contain_text(re.compile(r"^0 B of"))
    assert page.errors == []
