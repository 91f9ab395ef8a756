"""A clip's whole life in the browser: upload → processing → feed autoplay → live like
in another browser → comment timestamp seeks → privacy hides it from the other person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from video_rows import db

from clipset.store.models import Draft, Upload
from tests.browser.conftest import UNNAMED_CONTROLS as UNNAMED
from tests.browser.test_browser_accounts import nav, sign_in
from tests.browser.test_browser_feed import ready_video
from tests.media_factory import make_clip


@pytest.fixture
def pipeline(app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    if "/api/videos/upload-url" not in rules or "/api/videos/feed" not in rules:
        pytest.skip("the upload pipeline (/api/videos/upload-url) is not there yet")


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "garden walk.mp4", width=320, height=240, duration=2.0)


def upload_through_ui(page, clip, title):
    nav(page).get_by_role("link", name="Upload").click()
    page.get_by_label("Choose video files").set_input_files(str(clip))
    item = page.get_by_test_id("upload-item")
    expect(item.get_by_text("Uploaded. Add the details and post it.")).to_be_visible()
    item.get_by_label("Title").fill(title)
    item.get_by_label("Tags (comma separated)").fill("garden, spring")
    assert page.evaluate(UNNAMED) == [], "every control on the draft editor has a name"
    item.get_by_role("button", name="Post", exact=True).click()
    status = item.get_by_test_id("processing-status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("Ready!", timeout=60_000)
    status.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/v/[A-Za-z0-9_-]{11}$"))
    return page.url.rsplit("/", 1)[1]


def test_upload_watch_like_comment_and_hide(
    pipeline, clip, new_page, shot, admin, make_user, unnamed_controls
):
    make_user("bea")
    owner = new_page()
    sign_in(owner, "admin")
    video_id = upload_through_ui(owner, clip, "Garden walk")
    expect(owner.get_by_test_id("video-title")).to_have_text("Garden walk")
    shot(owner, "video-page")

    # Bea's feed autoplays it: the video's clock moves.
    viewer = new_page()
    sign_in(viewer, "bea")
    expect(viewer.get_by_test_id("feed-item")).to_have_count(1)
    viewer.wait_for_function(
        "() => (document.querySelector('[data-testid=feed-video]')?.currentTime ?? 0) > 0.2",
        timeout=20_000,
    )
    shot(viewer, "feed-playing")

    # A like on the video page shows up in Bea's feed without a reload.
    like = owner.get_by_test_id("like-button")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(viewer.get_by_test_id("like-count")).to_have_text("1")

    # A comment at the current time; its timestamp seeks the player.
    player = owner.get_by_test_id("player")
    player.evaluate("v => { v.pause(); v.currentTime = 1.5; }")
    owner.get_by_label("Add a comment").fill("The light here!")
    owner.get_by_label("Comment at current time").check()
    owner.get_by_role("button", name="Post comment").click()
    stamp = owner.get_by_test_id("comment-timestamp")
    expect(stamp).to_have_text("at 0:01")
    player.evaluate("v => { v.pause(); v.currentTime = 0; }")
    # Where each seek landed, so a loaded machine that plays on past 1.5 s still counts.
    player.evaluate(
        "v => { window.seeks = [];"
        " v.addEventListener('seeked', () => window.seeks.push(v.currentTime)); }"
    )
    stamp.click()
    owner.wait_for_function("() => window.seeks.some(t => Math.abs(t - 1) < 0.5)")
    shot(owner, "video-page-commented")
    assert unnamed_controls(owner) == []
    assert unnamed_controls(viewer) == []

    # Bea's comment reaches the owner's page live, with the count; deleting one lowers it.
    viewer.goto(f"/v/{video_id}")
    viewer.get_by_label("Add a comment").fill("Lovely colours")
    viewer.get_by_role("button", name="Post comment").click()
    heading = owner.get_by_role("heading", name=re.compile("^Comments"))
    expect(owner.get_by_text("Lovely colours")).to_be_visible()
    expect(heading).to_have_text("Comments 2")
    owner.get_by_role("button", name="Delete comment by admin").click()
    expect(owner.get_by_text("The light here!")).to_have_count(0)
    expect(heading).to_have_text("Comments 1")
    viewer.goto("/")

    # The like is remembered on a fresh load, and it is the owner's alone.
    owner.reload()
    expect(owner.get_by_test_id("like-button")).to_have_attribute("aria-pressed", "true")
    expect(viewer.get_by_test_id("like-button")).to_have_attribute("aria-pressed", "false")

    # Making it private hides it from Bea.
    owner.get_by_label("Privacy").select_option("private")
    expect(owner.get_by_text("Private (only me)").first).to_be_visible()
    viewer.reload()
    expect(viewer.get_by_test_id("empty-state")).to_be_visible()
    viewer.goto(f"/v/{video_id}")
    expect(viewer.get_by_role("alert")).to_be_visible()
    assert owner.errors == [] and viewer.errors == []


def test_an_upload_cut_off_by_a_reload_resumes_where_it_stopped(
    pipeline, app, admin, new_page, tmp_path
):
    clip = make_clip(tmp_path / "long walk.mp4", width=320, height=240, duration=3.0, noise=True)
    data, half = clip.read_bytes(), clip.stat().st_size // 2
    page = new_page()
    sign_in(page, "admin")
    offsets, network = [], {"up": False}

    def network_drops_halfway(route, request):
        # The first PATCH reaches the server with only half its bytes; then the network
        # is gone (every later PATCH fails), as when a phone leaves the Wi-Fi. (The route
        # stays for the whole test: removing it while requests are paused can lose one.)
        if request.method != "PATCH" or network["up"]:
            return route.continue_()
        offsets.append(int(request.headers["upload-offset"]))
        if len(offsets) > 1:
            return route.abort()
        route.continue_(
            post_data=request.post_data_buffer[:half],
            headers={**request.headers, "content-length": str(half)},
        )

    page.route("**/api/uploads/**", network_drops_halfway)
    nav(page).get_by_role("link", name="Upload").click()
    page.get_by_label("Choose video files").set_input_files(str(clip))
    for _ in range(200):
        if len(offsets) >= 2:
            break
        page.wait_for_timeout(50)
    assert offsets[:2] == [0, half]  # the client carried on from where the server stopped
    with db():
        (upload,) = Upload.select()
    assert (upload.offset, upload.length) == (half, len(data))

    # The page reloads (or the phone's browser is closed); choosing the file again resumes.
    page.reload()
    network["up"] = True
    unfinished = page.get_by_role("status").filter(has_text="Unfinished uploads")
    expect(unfinished).to_contain_text("long walk.mp4")
    resumed = []
    page.on(
        "request",
        lambda r: resumed.append(int(r.headers["upload-offset"])) if r.method == "PATCH" else None,
    )
    page.get_by_label("Choose video files").set_input_files(str(clip))
    item = page.get_by_test_id("upload-item")
    expect(item.get_by_text("Uploaded. Add the details and post it.")).to_be_visible()
    assert resumed == [half]  # only the missing half was sent
    expect(unfinished).to_have_count(0)
    # The draft is saved as soon as the bytes are in (by a request of its own).
    for _ in range(100):
        with db():
            drafts = [d.upload_id for d in Draft.select()]
        if drafts:
            break
        page.wait_for_timeout(50)
    assert drafts == [upload.id]
    assert app.extensions["clipset"].data.upload_file(upload.id).read_bytes() == data
    assert page.errors == []


@pytest.fixture
def phone_clip(tmp_path):
    """As a phone records upright: landscape pixels tagged to be shown turned 90 degrees."""
    return make_clip(tmp_path / "phone.mov", width=320, height=240, duration=2.0, rotation=90)


def test_phone_upload_and_feed(pipeline, phone_clip, new_page, shot, admin):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(page, "admin")
    video_id = upload_through_ui(page, phone_clip, "Phone clip")
    assert admin.get(f"/api/videos/{video_id}").json["transcode_mode"] == "remux"
    shot(page, "phone-video-page")
    nav(page).get_by_role("link", name="Feed").click()
    expect(page.get_by_test_id("feed-item")).to_have_count(1)
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=feed-video]')?.currentTime ?? 0) > 0.2",
        timeout=20_000,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The clip was copied with its rotation tag, and the browser shows it portrait.
    size = page.evaluate(
        "(() => { const v = document.querySelector('[data-testid=feed-video]');"
        " return [v.videoWidth, v.videoHeight]; })()"
    )
    assert size == [240, 320]
    shot(page, "phone-feed-playing")


def test_uploaded_draft_survives_a_reload(pipeline, clip, new_page, admin):
    page = new_page()
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Upload").click()
    page.get_by_label("Choose video files").set_input_files(str(clip))
    expect(page.get_by_text("Uploaded. Add the details and post it.")).to_be_visible()
    page.wait_for_function(
        "() => Object.values(JSON.parse(localStorage.getItem('clipset.uploads') || '{}'))"
        ".some(u => u.draft_id)"
    )
    page.reload()
    drafts = page.get_by_role("region", name="Saved drafts")
    expect(drafts).to_contain_text("garden walk")
    drafts.get_by_role("button", name="Post").click()
    expect(drafts).to_have_count(0)
    nav(page).get_by_role("link", name="Library").click()
    expect(page.get_by_test_id("library-list")).to_contain_text("garden walk")
    expect(page.get_by_test_id("library-list")).to_contain_text("Ready", timeout=60_000)


def test_the_owner_edits_the_details_then_deletes_the_video(app, admin, new_page, clips):
    video = ready_video(app, admin, clips["silent"], title="Garden walk", width=320, height=240)
    page = new_page()
    sign_in(page, "admin")
    page.goto(f"/v/{video.public_id}")
    title = page.get_by_test_id("video-title")
    expect(title).to_have_text("Garden walk")

    # A title the server refuses keeps the dialog open and changes nothing.
    page.get_by_role("button", name="Edit details").click()
    dialog = page.get_by_role("dialog", name="Edit details")
    dialog.get_by_label("Title").fill("   ")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("button", name="Save")).to_be_enabled()
    expect(dialog).to_be_visible()
    with db():
        assert type(video).get_by_id(video.id).title == "Garden walk"

    dialog.get_by_label("Title").fill("Spring garden")
    dialog.get_by_label("Tags (comma separated)").fill("garden, spring")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(title).to_have_text("Spring garden")
    page.reload()  # stored, not only cached
    expect(title).to_have_text("Spring garden")
    with db():
        assert type(video).get_by_id(video.id).tags == ["garden", "spring"]

    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("dialog", name="Delete this video?").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page).to_have_url(re.compile(r"/library$"))
    expect(page.get_by_text("Spring garden")).to_have_count(0)
    with db():
        assert not type(video).select().where(type(video).id == video.id).exists()
    assert page.errors == []
