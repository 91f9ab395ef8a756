"""Accessibility: axe-core (from the web app's node_modules, never a CDN) finds nothing on
the main screens, in light and dark, at phone and desktop sizes. Screenshots of each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_feed import PHONE, ready_video
from tests.media_factory import make_clip

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": {"viewport": {"width": 1280, "height": 800}}, "phone": PHONE}


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',
            'wcag21aa', 'best-practice']});
        return r.violations.map(v => `${v.id}: ${v.help} -> ` +
            v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_main_screens_have_no_accessibility_violations(
    app, admin, new_page, tmp_path, shot, scheme, size
):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (cd web && npm install)")
    clip = make_clip(tmp_path / "walk.mp4", width=320, height=240, duration=2.0)
    video = ready_video(app, admin, clip, title="Garden walk", width=320, height=240)
    page = new_page(color_scheme=scheme, bypass_csp=True, **SIZES[size])
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    screens = {"login": violations(page)}
    shot(page, f"login-{size}-{scheme}")
    sign_in(page, "admin")
    for name, path, ready in [
        ("feed", "/", "feed-item"),
        ("browse", "/browse", None),
        ("upload", "/upload", "dropzone"),
        ("library", "/library", "library-list"),
        ("video", f"/v/{video.public_id}", "player"),
        ("admin", "/admin", None),
        ("not-found", "/nowhere", "not-found"),
    ]:
        page.goto(path)
        if ready:
            expect(page.get_by_test_id(ready).first).to_be_visible()
        else:
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        screens[name] = violations(page)
        shot(page, f"{name}-{size}-{scheme}")
    found = {k: v for k, v in screens.items() if v}
    assert found == {}, json.dumps(found, indent=1)
