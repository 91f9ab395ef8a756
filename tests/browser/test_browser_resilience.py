"""A page whose code can't be fetched (offline, or after an update renamed the files) shows
a clear error with a retry, and loads by itself once the server answers again."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_browser_accounts import nav, sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_page_that_cannot_be_fetched_recovers_when_its_chunk_is_back(admin, new_page, shot):
    page = new_page()
    sign_in(page, "admin")
    page.route("**/assets/Browse-*.js", lambda route: route.abort())
    nav(page).get_by_role("link", name="Browse").click()
    error = page.get_by_test_id("page-error")
    expect(error).to_contain_text("Can't load this page")
    expect(error.get_by_role("button", name="Try again")).to_be_visible()
    shot(page, "page-error")
    # The rest of the app still works around it.
    expect(nav(page)).to_be_visible()
    page.unroute("**/assets/Browse-*.js")
    expect(page.get_by_role("heading", name="Browse", level=1)).to_be_visible()
    expect(error).to_have_count(0)
    assert page.errors == []


def test_offline_then_online_loads_the_page_without_a_reload(admin, new_page):
    page = new_page(**PHONE)
    sign_in(page, "admin")
    page.evaluate("window.__sameDocument = true")
    page.context.set_offline(True)
    nav(page).get_by_role("link", name="Library").click()
    expect(page.get_by_test_id("page-error")).to_contain_text("Can't load this page")
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="My library")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "recovered without reloading"


def test_an_updated_app_reloads_once_to_get_the_new_files(admin, new_page):
    page = new_page()
    sign_in(page, "admin")
    loads = []
    page.on("load", lambda: loads.append(page.url))

    def newer_build(route, request):
        # The server now names other hashed files; the old chunk is gone.
        response = route.fetch()
        body = response.text().replace("/assets/index-", "/assets/index-newer-")
        route.fulfill(response=response, body=body)

    page.route("**/assets/Upload-*.js", lambda route: route.fulfill(status=404, body="gone"))
    page.route(lambda url: url.endswith("/"), newer_build)
    nav(page).get_by_role("link", name="Upload").click()
    page.wait_for_function(
        "() => performance.getEntriesByType('navigation')[0]?.type === 'reload'"
    )
    # One reload brings the new build's files; there is no second one (no reload loop).
    page.unroute(lambda url: url.endswith("/"))
    page.unroute("**/assets/Upload-*.js")
    expect(page.get_by_role("heading", name="Upload", level=1)).to_be_visible()
    assert len(loads) == 1
