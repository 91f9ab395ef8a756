"""Installable and quick: the manifest and its icons, the service worker's offline page,
and compressed files, as the browser sees them."""

from __future__ import annotations

import struct

from playwright.sync_api import expect


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n", "a PNG file"
    return struct.unpack(">II", body[16:24])


def test_the_manifest_validates_and_its_icons_load(new_page):
    page = new_page()
    page.goto("/login")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    r = page.request.get(href)
    assert r.status == 200 and r.headers["content-type"] == "application/manifest+json"
    manifest = r.json()
    assert manifest["name"] == "Clipset" and manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    sizes = {}
    for icon in manifest["icons"]:
        body = page.request.get(icon["src"])
        assert body.status == 200 and body.headers["content-type"] == "image/png"
        w, h = png_size(body.body())
        assert icon["sizes"] == f"{w}x{h}"
        sizes.setdefault(icon.get("purpose", "any"), set()).add(w)
    assert {192, 512} <= sizes["any"] and 512 in sizes["maskable"]
    touch = page.locator("link[rel=apple-touch-icon]").get_attribute("href")
    assert png_size(page.request.get(touch).body()) == (180, 180)
    for name in ("theme-color", "apple-mobile-web-app-title", "description"):
        assert page.locator(f"meta[name={name}]").count() >= 1


def test_offline_the_service_worker_shows_the_offline_page(admin, new_page):
    page = new_page(service_workers="allow")
    page.goto("/login")
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    page.reload()  # now the page is controlled by the worker
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.context.set_offline(True)
    page.goto("/browse")
    expect(page.get_by_role("heading", name="Clipset can't be reached")).to_be_visible()
    expect(page.get_by_role("link", name="Try again now")).to_be_visible()
    page.context.set_offline(False)
    page.get_by_role("link", name="Try again now").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_the_browser_gets_compressed_scripts(admin, new_page):
    page = new_page()
    scripts = []
    page.on(
        "response",
        lambda r: scripts.append(r) if "/assets/" in r.url and r.url.endswith(".js") else None,
    )
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert scripts
    for r in scripts:
        # Every script worth compressing came compressed (tiny ones are not worth it).
        if len(r.body()) >= 1024:
            assert r.headers.get("content-encoding") == "gzip", r.url
            assert "accept-encoding" in r.headers.get("vary", "").lower()
