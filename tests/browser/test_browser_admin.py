"""The admin area in the real browser against the real server: every screen, and a
regular user who can reach none of it, in the UI or through the API."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from video_rows import db, make_video, reload

from clipset.settings import BY_NAME
from clipset.store.models import Category, Video, now
from tests.browser.conftest import UNNAMED_CONTROLS
from tests.browser.test_browser_accounts import nav, sign_in, token_of

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def admin_nav(page):
    return page.get_by_role("navigation", name="Admin")


def open_admin(page, tab: str):
    nav(page).get_by_role("link", name="Admin").click()
    admin_nav(page).get_by_role("link", name=tab, exact=True).click()


def toast(page, text):
    return page.get_by_role("status").filter(has_text=text)


def auth(page) -> dict:
    return {"Authorization": f"Bearer {token_of(page)}"}


def test_dashboard_charts_forecast_quota_activity_and_lan_qr(
    app, admin, make_user, new_page, shot
):
    bea = make_user("bea")
    week_ago = now() - dt.timedelta(days=8)
    make_video(
        app,
        admin,
        title="Beach day",
        size=40_000,
        source_size_bytes=50_000,
        created_at=week_ago,
        processing_finished_at=week_ago,
    )
    make_video(
        app,
        bea,
        title="Garden walk",
        size=80_000,
        source_size_bytes=90_000,
        processing_finished_at=now(),
    )
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Admin").click()
    expect(page).to_have_url(re.compile(r"/admin$"))

    figures = page.get_by_role("region", name="Figures")
    expect(figures).to_contain_text("Users")
    expect(figures).to_contain_text("2 ready")
    # Both charts draw their weeks, with the figures as text for screen readers.
    charts = page.get_by_test_id("chart")
    expect(charts).to_have_count(2)
    expect(page.get_by_role("img", name="Uploads per week")).to_be_visible()
    expect(page.get_by_role("img", name="Storage used over time")).to_be_visible()
    # One upload this week and one eight days ago (last week, or the one before on a
    # Monday): two bars stand, as tall as each other, this week's among them.
    heights = (
        charts.nth(0)
        .get_by_test_id("chart-bar")
        .evaluate_all("bars => bars.map(b => b.getBoundingClientRect().height)")
    )
    standing = [h for h in heights if h > 0]
    assert len(heights) == 12 and heights[-1] > 20 and standing == [heights[-1]] * 2, heights
    line = charts.nth(1).get_by_test_id("chart-line")
    expect(line).to_be_visible()
    assert line.evaluate("p => p.getBoundingClientRect().width > 100")
    expect(charts.nth(0)).to_contain_text("1")  # a gridline's label
    expect(page.get_by_test_id("forecast")).to_have_text(
        re.compile(
            r"^(At the current rate the disk fills (within a day|in about \d+ \w+)"
            r"( \(\w+ \d{4}\))?\.|Storage is not growing\.|At the current rate the disk won't "
            r"fill for more than ten years\.)$"
        )
    )
    # Per-user quota bars: bea uploaded this week, so she has some.
    expect(
        page.get_by_role("progressbar", name=re.compile(r"^bea: \d+% of the weekly quota"))
    ).to_be_visible()
    activity = page.get_by_role("region", name="Recent activity")
    expect(activity).to_contain_text("bea joined")
    expect(activity).to_contain_text("bea uploaded Garden walk")
    expect(activity.get_by_role("link", name="Garden walk").first).to_have_attribute(
        "href", re.compile(r"^/v/[A-Za-z0-9_-]{11}$")
    )

    # The LAN address with its QR code, drawn as an image (never injected markup).
    lan = page.get_by_role("region", name="Join from a phone")
    url = page.get_by_test_id("lan-url").inner_text()
    assert re.match(r"^http://[\w.\[\]:]+:\d+$", url)
    qr = lan.get_by_role("img", name=f"QR code for {url}")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("main svg path[d^='M2,2']").count() == 0
    lan.get_by_role("button", name="Copy address").click()
    expect(toast(page, "Address copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    shot(page, "admin-dashboard")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert page.errors == []


def test_this_computer_sets_start_at_login_and_stops_clipset(
    app, admin, new_page, shot, live_server
):
    # The browser runs on the host (loopback): the controls the tray menu has are here.
    page = new_page()
    sign_in(page, "admin")
    nav(page).get_by_role("link", name="Admin").click()
    card = page.get_by_role("region", name="This computer")
    start = card.get_by_label("Start Clipset when I log in")
    expect(start).not_to_be_checked()
    start.check()
    expect(toast(page, "Clipset will start when you log in.")).to_be_visible()
    expect(start).to_be_checked()
    entry = app.extensions["clipset"].host.autostart.path
    assert entry.is_relative_to(app.extensions["clipset"].data.root) and entry.exists()
    shot(page, "admin-this-computer")

    card.get_by_role("button", name="Stop Clipset").click()
    page.get_by_role("dialog").get_by_role("button", name="Stop Clipset").click()
    expect(page.get_by_role("alertdialog", name="Clipset has stopped")).to_be_visible()
    shot(page, "admin-stopped")
    assert live_server._stopped.wait(15)
    assert page.errors == []


def test_admin_screens_fit_a_phone_in_dark_mode(admin, new_page, shot):
    page = new_page(color_scheme="dark", **PHONE)
    sign_in(page, "admin")
    for tab in ["Dashboard", "Users", "Invitations", "Categories", "Settings", "Queue", "Workers"]:
        if tab == "Dashboard":
            page.goto("/admin")
            expect(page.get_by_test_id("chart")).to_have_count(2)
        else:
            admin_nav(page).get_by_role("link", name=tab, exact=True).click()
            expect(page).to_have_url(re.compile(rf"/admin/{tab.lower()}$"))
        expect(page.get_by_role("link", name=tab, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, tab
        assert page.evaluate(UNNAMED_CONTROLS) == [], tab
        shot(page, f"admin-phone-dark-{tab.lower()}")
    assert page.errors == []


def test_users_search_role_deactivate_delete_and_last_admin(admin, make_user, new_page, shot):
    make_user("bea")
    cal = make_user("cal")
    page = new_page()
    sign_in(page, "admin")
    open_admin(page, "Users")
    rows = page.get_by_test_id("user-row")
    expect(rows).to_have_count(3)

    page.get_by_label("Search users").fill("be")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("bea")
    page.get_by_label("Search users").fill("")
    expect(rows).to_have_count(3)

    # Role change.
    page.get_by_label("Role of bea").select_option("admin")
    expect(toast(page, "bea is now an admin.")).to_be_visible()
    bea = admin.get("/api/users?q=bea").json["items"][0]
    assert bea["role"] == "admin"
    page.get_by_label("Role of bea").select_option("user")
    expect(toast(page, "bea is now a regular user.")).to_be_visible()

    # Deactivation signs cal out; the row says so.
    page.get_by_role("button", name="Deactivate cal").click()
    confirm = page.get_by_role("dialog", name="Deactivate cal?")
    expect(confirm).to_contain_text("can't sign in")
    confirm.get_by_role("button", name="Deactivate").click()
    cal_row = rows.filter(has_text="cal")
    expect(cal_row).to_contain_text("Deactivated")
    assert cal.get("/api/auth/me").status_code == 401

    # The last admin can't demote themself; the refusal is in words.
    page.get_by_label("Role of admin").select_option("user")
    expect(page.get_by_test_id("users-problem")).to_have_text(
        "You can't demote the last active admin. Make another user an admin first."
    )
    expect(page.get_by_label("Role of admin")).to_have_value("admin")
    assert admin.get("/api/auth/me").json["role"] == "admin"

    # Deleting says what goes with the account and wants the username typed.
    page.get_by_role("button", name="Delete cal").click()
    dialog = page.get_by_role("dialog", name="Delete cal?")
    expect(dialog).to_contain_text("all their videos")
    expect(dialog).to_contain_text("their comments")
    expect(dialog).to_contain_text("their likes")
    confirm = dialog.get_by_role("button", name="Delete cal")
    expect(confirm).to_be_disabled()
    dialog.get_by_label("Type cal to confirm").fill("ca")
    expect(confirm).to_be_disabled()
    shot(page, "admin-users-delete")
    dialog.get_by_label("Type cal to confirm").fill("cal")
    confirm.click()
    expect(dialog).to_be_hidden()
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="cal")).to_have_count(0)
    assert admin.get(f"/api/users/{cal.user['id']}").status_code == 404

    # Nor can the last admin delete their own account.
    page.get_by_role("button", name="Delete admin").click()
    dialog = page.get_by_role("dialog", name="Delete admin?")
    dialog.get_by_label("Type admin to confirm").fill("admin")
    dialog.get_by_role("button", name="Delete admin").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "You can't delete the last active admin. Make another user an admin first."
    )
    shot(page, "admin-users-last-admin")
    assert page.errors == []


def test_invitation_create_copy_qr_and_revoke(admin, new_page, shot, base_url):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, "admin")
    open_admin(page, "Invitations")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No invitations yet")

    page.get_by_label("Email (optional)").fill("not an email")
    page.get_by_role("button", name="Create invitation").click()
    expect(page.get_by_text("That email address doesn't look right.")).to_be_visible()

    page.get_by_label("Email (optional)").fill("dee@example.com")
    page.get_by_role("button", name="Create invitation").click()
    # A new invitation opens its QR code at once, drawn in the browser.
    dialog = page.get_by_role("dialog", name="Scan to join")
    qr = dialog.get_by_role("img", name=re.compile(r"^QR code for the invitation link http"))
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    phone_link = dialog.get_by_test_id("qr-link").inner_text()
    invitation = admin.get("/api/invitations").json["items"][0]
    assert invitation["email"] == "dee@example.com"
    assert phone_link.endswith(f"/register?token={invitation['token']}")
    shot(page, "admin-invitation-qr")
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()

    row = page.get_by_test_id("invitation-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Pending")
    expect(row).to_contain_text("dee@example.com")
    row.get_by_role("button", name="Copy link").click()
    expect(toast(page, "Link copied.")).to_be_visible()
    # The link the admin's browser reached the server by (the test client's host differs).
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{base_url}/register?token={invitation['token']}"
    )

    row.get_by_role("button", name="Revoke").click()
    confirm = page.get_by_role("dialog", name="Revoke this invitation?")
    confirm.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Copy link")).to_have_count(0)
    assert admin.get(f"/api/invitations/validate/{invitation['token']}").status_code == 409
    shot(page, "admin-invitations")
    assert page.errors == []


def test_categories_create_rename_and_delete_keeps_videos(app, admin, new_page, shot):
    page = new_page()
    sign_in(page, "admin")
    open_admin(page, "Categories")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No categories yet")
    page.get_by_label("New category name").fill("Garden")
    page.get_by_role("button", name="Add category").click()
    expect(toast(page, "Category “Garden” added.")).to_be_visible()
    row = page.get_by_test_id("category-row")
    expect(row).to_contain_text("0 videos")

    with db():
        garden = Category.get(Category.name == "Garden")
    video = make_video(app, admin, title="Tomatoes", category=garden.id)
    page.reload()
    expect(row).to_contain_text("1 video")

    row.get_by_role("button", name="Rename Garden").click()
    row.get_by_label("New name for Garden").fill("Backyard")
    row.get_by_label("New name for Garden").press("Enter")
    expect(row).to_contain_text("Backyard")
    expect(row).to_contain_text("/c/backyard · 1 video")

    row.get_by_role("button", name="Delete Backyard").click()
    dialog = page.get_by_role("dialog", name="Delete “Backyard”?")
    expect(dialog).to_contain_text("its 1 video stays, uncategorized")
    shot(page, "admin-categories-delete")
    dialog.get_by_role("button", name="Delete category").click()
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    kept = reload(video)
    assert kept is not None and kept.category_id is None
    assert page.errors == []


def test_settings_saved_without_restart_and_errors_in_words(admin, user, new_page, shot):
    page = new_page()
    sign_in(page, "admin")
    open_admin(page, "Settings")
    form = page.get_by_role("form", name="Settings")
    size = form.get_by_role("textbox", name="Largest file", exact=True)
    expect(size).to_have_value("4")
    expect(form.get_by_label("Largest file unit")).to_have_value("GB")

    size.fill("500")
    form.get_by_label("Largest file unit").select_option("MB")
    form.get_by_role("textbox", name="Weekly upload quota", exact=True).fill("2.5")
    form.get_by_label("AVI").uncheck()
    form.get_by_label("Processing workers").fill("2")
    form.get_by_role("switch", name="Keep uploaded originals").check()
    form.get_by_role("button", name="Save settings").click()
    expect(toast(page, "Settings saved.")).to_be_visible()
    assert admin.get("/api/admin/config").json == {
        "max_file_size_bytes": 500 * 1024**2,
        "weekly_upload_limit_bytes": int(2.5 * 1024**3),
        "accepted_formats": [f for f in BY_NAME["accepted_formats"].default if f != "avi"],
        "worker_count": 2,
        "keep_originals": True,
        "backup_dir": None,
        "backup_interval_hours": 24,
        "backup_keep": 7,
    }
    # In force at once: an upload over the new limit is refused before a byte is sent.
    r = user.post("/api/videos/upload-url", json={"filename": "big.mp4", "size": 600 * 1024**2})
    assert r.status_code == 413

    page.reload()
    expect(size).to_have_value("500")
    expect(form.get_by_label("Largest file unit")).to_have_value("MB")
    expect(form.get_by_label("AVI")).not_to_be_checked()

    # The server's refusal, in words, next to the field it is about.
    workers = form.get_by_label("Processing workers")
    workers.fill("99")
    form.get_by_role("button", name="Save settings").click()
    expect(workers).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{workers.get_attribute('aria-describedby')}")
    expect(message).to_have_text(re.compile(r"^Use at most \d+ workers\.$"))
    size.fill("0.5")
    workers.fill("1")
    form.get_by_role("button", name="Save settings").click()
    expect(size).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{size.get_attribute('aria-describedby')}")).to_have_text(
        "The largest file must be at least 1 MB."
    )
    size.fill("lots")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator(f"#{size.get_attribute('aria-describedby')}")).to_have_text(
        "Enter a size, like 500 MB or 4 GB."
    )
    shot(page, "admin-settings-error")
    assert admin.get("/api/admin/config").json["worker_count"] == 2
    assert page.errors == []


def test_queue_progress_failed_retry_pause_resume_and_feature(app, admin, new_page, shot):
    page = new_page()
    sign_in(page, "admin")
    open_admin(page, "Queue")
    expect(page.get_by_test_id("queue-state")).to_have_text("Processing is running.")
    page.get_by_role("button", name="Pause processing").click()
    expect(page.get_by_test_id("queue-state")).to_contain_text("Processing is paused.")
    assert admin.get("/api/admin/queue").json["paused"] is True

    data = app.extensions["clipset"].data
    broken = make_video(
        app,
        admin,
        title="Broken clip",
        status="failed",
        files=False,
        error_message="This file isn't a video PyAV can read.",
        processing_finished_at=now(),
    )
    data.original_file(broken.storage_key).write_bytes(b"not a video at all" * 100)
    # A job the workers didn't start (they are paused): its progress is polled live.
    running = make_video(
        app,
        admin,
        title="Long film",
        status="processing",
        files=False,
        progress=40.0,
        processing_started_at=now(),
    )
    done = make_video(app, admin, title="Sunset", processing_finished_at=now())

    failed = page.get_by_test_id("queue-failed")
    expect(failed).to_have_count(1)
    expect(failed.get_by_test_id("failure-reason")).to_have_text(
        "This file isn't a video PyAV can read."
    )
    bar = page.get_by_role("progressbar", name=re.compile(r"^Long film: "))
    expect(bar).to_have_attribute("aria-valuenow", "40")
    with db():
        Video.update(progress=75.0).where(Video.id == running.id).execute()
    expect(bar).to_have_attribute("aria-valuenow", "75")
    shot(page, "admin-queue")

    # Retry puts it back in line; paused, it waits there.
    failed.get_by_role("button", name="Retry Broken clip").click()
    expect(toast(page, "“Broken clip” is back in the queue.")).to_be_visible()
    expect(page.get_by_test_id("queue-failed")).to_have_count(0)
    waiting = page.get_by_test_id("queue-pending")
    expect(waiting).to_contain_text("Broken clip")
    assert reload(broken).processing_status == "pending"

    # The long film is "done" before the workers come back.
    with db():
        Video.update(
            processing_status="completed", progress=100.0, processing_finished_at=now()
        ).where(Video.id == running.id).execute()
    page.get_by_role("button", name="Resume processing").click()
    expect(page.get_by_test_id("queue-state")).to_have_text("Processing is running.")
    # Resumed, the worker takes it, and the bytes are still not a video.
    expect(page.get_by_test_id("queue-failed")).to_contain_text("Broken clip", timeout=30_000)
    assert reload(broken).processing_status == "failed"

    # Featuring is done from the recently finished list.
    recent = page.get_by_role("list", name="Finished recently")
    feature = recent.get_by_role("button", name="Feature Sunset", exact=True)
    expect(feature).to_have_attribute("aria-pressed", "false")
    feature.click()
    unfeature = recent.get_by_role("button", name="Unfeature Sunset")
    expect(unfeature).to_have_attribute("aria-pressed", "true")
    assert reload(done).is_featured is True
    unfeature.click()
    expect(recent.get_by_role("button", name="Feature Sunset", exact=True)).to_be_visible()
    assert reload(done).is_featured is False
    assert page.errors == []


def _admin_only_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the server declares admin-only, with ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        operation = getattr(app.view_functions[rule.endpoint], "__openapi__", None)
        if operation is None or operation.auth != "admin":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        routes.append((operation.method, path))
    return sorted(routes)


ADMIN_SCREENS = [
    "/admin",
    "/admin/users",
    "/admin/invitations",
    "/admin/categories",
    "/admin/settings",
    "/admin/queue",
]


def test_regular_user_reaches_no_admin_page_and_no_admin_endpoint(
    app, admin, make_user, new_page, shot
):
    make_user("bea")
    make_video(app, admin, title="Some clip")
    page = new_page()
    sign_in(page, "bea")
    expect(nav(page).get_by_role("link", name="Upload")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Admin")).to_have_count(0)
    for path in ADMIN_SCREENS:
        page.goto(path)
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
        expect(page.get_by_role("navigation", name="Admin")).to_have_count(0)
    shot(page, "admin-not-allowed")

    routes = _admin_only_routes(app)
    # The check covers the whole admin surface, not a hand-picked part of it.
    for expected in [
        ("GET", "/api/admin/stats"),
        ("GET", "/api/admin/stats/history"),
        ("GET", "/api/admin/quota"),
        ("GET", "/api/admin/activity"),
        ("GET", "/api/admin/queue"),
        ("PATCH", "/api/admin/queue/paused"),
        ("GET", "/api/admin/config"),
        ("PATCH", "/api/admin/config"),
        ("GET", "/api/admin/lan"),
        ("POST", "/api/admin/videos/1/retry"),
        ("GET", "/api/admin/host"),
        ("PATCH", "/api/admin/host/start-at-login"),
        ("POST", "/api/admin/host/stop"),
        ("GET", "/api/users"),
        ("PATCH", "/api/users/1/role"),
        ("PATCH", "/api/users/1/active"),
        ("DELETE", "/api/users/1"),
        ("POST", "/api/invitations"),
        ("GET", "/api/invitations"),
        ("DELETE", "/api/invitations/1"),
        ("POST", "/api/categories"),
        ("PATCH", "/api/categories/1"),
        ("DELETE", "/api/categories/1"),
        ("PATCH", "/api/videos/1/feature"),
    ]:
        assert expected in routes
    # Called from the page with bea's own token, as a curious user would.
    statuses = page.evaluate(
        """async (routes) => {
        const token = localStorage.getItem('clipset.token');
        const out = {};
        for (const [method, path] of routes) {
            const r = await fetch(path, {method, headers: {Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json'}, body: method === 'GET' ? undefined : '{}'});
            out[`${method} ${path}`] = r.status;
        }
        return out;
    }""",
        routes,
    )
    assert statuses == {f"{m} {p}": 403 for m, p in routes}
    # Nothing changed behind the refusals.
    assert admin.get("/api/users/1").json["role"] == "admin"
    assert admin.get("/api/admin/queue").json["paused"] is False
    assert page.errors == []
