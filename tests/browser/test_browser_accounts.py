"""Setup, invitation, registration, sign-in and sign-out through the real web app."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from support import PASSWORD


def nav(page):
    return page.get_by_role("navigation", name="Main")


def create_admin(page, username="admin"):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create admin account").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("Nothing in the feed yet")


def token_of(page) -> str:
    return page.evaluate("localStorage.getItem('clipset.token')")


def invite(page) -> dict:
    r = page.request.post(
        "/api/invitations", data={}, headers={"Authorization": f"Bearer {token_of(page)}"}
    )
    assert r.status == 201, r.text()
    return r.json()


def register(page, link, username):
    page.goto(link)
    expect(page.get_by_role("heading", name="Join Clipset")).to_be_visible()
    expect(page.get_by_text(re.compile(r"expires in 7 days"))).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("Nothing in the feed yet")


def sign_in(page, username):
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_setup_invite_register_sign_out_and_in(new_page, shot):
    admin = new_page()
    create_admin(admin)
    expect(nav(admin).get_by_role("link", name="Admin")).to_be_visible()
    shot(admin, "feed-empty-admin")

    invitation = invite(admin)
    guest = new_page()
    register(guest, invitation["link"], "bea")
    # Bea is not an admin: no Admin link.
    expect(nav(guest).get_by_role("link", name="Upload")).to_be_visible()
    expect(nav(guest).get_by_role("link", name="Admin")).to_have_count(0)
    shot(guest, "feed-empty-new-user")

    # The link is single use.
    other = new_page()
    other.goto(invitation["link"])
    expect(other.get_by_role("heading", name="This invitation can't be used")).to_be_visible()
    shot(other, "invitation-used")

    # The account menu works from the keyboard: focus goes in, arrows move, Escape returns.
    account = guest.get_by_role("button", name="Account menu for bea")
    account.focus()
    guest.keyboard.press("Enter")
    expect(guest.get_by_role("menuitem", name="My profile")).to_be_focused()
    guest.keyboard.press("ArrowUp")
    expect(guest.get_by_role("menuitem", name="Sign out")).to_be_focused()
    guest.keyboard.press("Escape")
    expect(guest.get_by_role("menu")).to_have_count(0)
    expect(account).to_be_focused()
    account.click()
    guest.get_by_role("menuitem", name="Sign out").click()
    expect(guest).to_have_url(re.compile(r"/login$"))
    shot(guest, "login")
    sign_in(guest, "bea")
    expect(guest.get_by_test_id("empty-state")).to_be_visible()

    # A deep link survives a reload (the server falls back to the app), and a reload that
    # cuts the start-up /me request short keeps the session (repeated: it is a race).
    for _ in range(8):
        guest.goto("/library")
        guest.reload()
        expect(guest.get_by_role("heading", name="My library")).to_be_visible()
    assert admin.errors == [] and guest.errors == []


def test_unknown_invitation_says_why(new_page, anon):
    anon.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    page = new_page()
    page.goto("/register?token=not-a-real-token")
    expect(page.get_by_test_id("invitation-problem")).to_contain_text("isn't valid")


def test_wrong_password_is_explained_and_signed_out_pages_redirect(new_page, anon):
    anon.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    page = new_page()
    page.goto("/upload")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Back where they were going.
    expect(page).to_have_url(re.compile(r"/upload$"))


def test_phone_viewport_feed_and_upload(new_page, shot, anon, unnamed_controls):
    anon.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    page = new_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, color_scheme="dark"
    )
    sign_in(page, "admin")
    # Dark mode follows the system until the toggle picks a side, which is remembered.
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    shot(page, "phone-feed-empty")
    nav(page).get_by_role("link", name="Upload").click()
    expect(page.get_by_test_id("dropzone")).to_be_visible()
    shot(page, "phone-upload")
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name=re.compile("^Theme: system")).click()  # → light
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bdark\b"))
    page.reload()
    expect(page.get_by_role("button", name=re.compile("^Theme: light"))).to_be_visible()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bdark\b"))
    assert unnamed_controls(page) == []
    assert page.errors == []


def test_banner_when_the_live_connection_drops_and_returns(new_page, anon):
    anon.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    page = new_page()
    sockets, opened = [], []

    def through(ws):
        server = ws.connect_to_server()

        # The app signs in on the socket from its open handler, so the first message up says
        # the page counts the connection open; closing before that would be no drop at all.
        def up(message):
            if ws not in opened:
                opened.append(ws)
            server.send(message)

        ws.on_message(up)
        sockets.append(ws)

    page.route_web_socket(re.compile(r"/api/ws$"), through)
    sign_in(page, "admin")
    for _ in range(100):
        if opened:
            break
        page.wait_for_timeout(100)
    assert opened, "the app opened no live connection"
    expect(page.get_by_text("Live updates paused")).to_have_count(0)
    # The paused banner lasts only until the first reconnect (a fraction of a second), so
    # the page itself records every banner it shows rather than the test polling for it.
    page.evaluate("""() => { window.banners = new Set();
        new MutationObserver(() => document.querySelectorAll('[role=status]').forEach(
            (el) => window.banners.add(el.textContent))).observe(document.body,
            { subtree: true, childList: true, characterData: true }); }""")
    opened[-1].close()
    page.wait_for_function(
        "() => window.banners.has('Live updates paused — reconnecting…')", timeout=20_000
    )
    page.wait_for_function("() => window.banners.has('Live updates are back.')", timeout=20_000)
    assert len(sockets) >= 2
