"""Pages that hold still and come back: the video page keeps the player's shape from the
stored size while it loads (no layout shift), and the offline page returns to the app by
itself once the server answers again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_feed import PHONE, ready_video

# Layout shifts not caused by input, summed as the page goes (the CLS figure's parts).
RECORD_SHIFTS = """
window.shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    window.shifts.push(e.value);
    // What moved, for the failure message.
    const moved = e.sources.map((s) =>
      s.node?.outerHTML?.slice(0, 120) + " " + JSON.stringify([s.previousRect, s.currentRect]));
    window.moved = (window.moved || []).concat(moved);
  }
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_video_page_keeps_its_shape_while_it_loads(
    app, admin, make_user, new_page, clips, device, shot
):
    bea = make_user("bea")
    video = ready_video(app, bea, clips["silent"], title="Tall one", width=240, height=320)
    page = new_page(**(PHONE if device == "phone" else {}))
    sign_in(page, "admin")
    page.add_init_script(RECORD_SHIFTS)
    page.goto(f"/v/{video.public_id}")  # a cold load of the page, straight from the address
    player = page.get_by_test_id("player")
    expect(player).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-testid=player]').readyState >= 1")
    expect(page.get_by_role("region", name="Comments")).to_be_visible()
    box = player.bounding_box()
    assert abs(box["width"] / box["height"] - 240 / 320) < 0.02  # the stored shape
    assert sum(page.evaluate("window.shifts")) < 0.02, page.evaluate("window.moved")
    shot(page, f"video-page-shape-{device}")
    assert page.errors == []


def test_the_offline_page_returns_to_the_app_by_itself(admin, new_page):
    page = new_page(service_workers="allow")
    page.goto("/login")
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    page.reload()  # now the page is controlled by the worker
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.context.set_offline(True)
    page.goto("/browse")
    expect(page.get_by_role("heading", name="Clipset can't be reached")).to_be_visible()
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    page.context.set_offline(False)
    # No click: the page looks for the server every few seconds and goes back by itself.
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=20_000)
