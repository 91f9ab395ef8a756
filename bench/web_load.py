"""Web app load and navigation times, from the browser's Performance API.

    .venv/bin/python bench/web_load.py [--runs 7]

Runs the real server in a subprocess on a temporary data dir (one admin, a few videos),
then opens the app in Debian's Chromium (Playwright) with a cold cache each run and reads
the navigation timing of the first load (response end, DOMContentLoaded, load, first
contentful paint, bytes over the wire), then times navigations inside the app (Feed →
Browse → Library → Upload, each a lazily loaded page the first time) from the click to
the page's heading.

Baseline in the same run: the same loads with compression refused (Accept-Encoding:
identity), so the ratio shows what the precompressed build saves. Prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from served import served

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password"
FIRST_LOAD = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const bytes = performance.getEntriesByType('resource')
    .reduce((s, r) => s + r.transferSize, n.transferSize);
  return {response: n.responseEnd, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
          fcp: fcp ? fcp.startTime : null, kib: bytes / 1024};
}"""
PAGES = [("Browse", "Browse"), ("Library", "My library"), ("Upload", "Upload"), ("Feed", None)]


def seed(data_dir: Path) -> str:
    from clipset.app import create_app

    app = create_app({"data_dir": str(data_dir)})
    r = app.test_client().post("/api/setup", json={"username": "bench", "password": PASSWORD})
    app.extensions["clipset"].stop()
    return r.json["access_token"]


def one_run(browser, url: str, token: str, encoding: str | None) -> dict:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    context = browser.new_context(
        base_url=url, extra_http_headers=headers, service_workers="block"
    )
    context.add_init_script(f"localStorage.setItem('clipset.token', {token!r})")
    page = context.new_page()
    page.goto("/")
    page.get_by_test_id("empty-state").wait_for()
    page.wait_for_load_state("load")
    figures = page.evaluate(FIRST_LOAD)
    nav = page.get_by_role("navigation", name="Main")
    for link, heading in PAGES:
        t0 = page.evaluate("performance.now()")
        nav.get_by_role("link", name=link).click()
        if heading:
            page.get_by_role("heading", name=heading, level=1).wait_for()
        else:
            page.get_by_test_id("empty-state").wait_for()
        figures[f"to {link}"] = page.evaluate("performance.now()") - t0
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))  # the browser tests import tests.media_factory
    sys.path.insert(0, str(ROOT / "tests"))
    from browser.conftest import ARGS, CHROMIUM

    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        token = seed(Path(tmp) / "data")
        with served(Path(tmp) / "data") as port:
            url = f"http://127.0.0.1:{port}"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                one_run(browser, url, token, None)  # warm-up (server caches, disk)
                runs = {"gzip": [], "identity": []}
                for _ in range(args.runs):  # interleaved, so drift hits both alike
                    runs["gzip"].append(one_run(browser, url, token, None))
                    runs["identity"].append(one_run(browser, url, token, "identity"))
                browser.close()

    keys = list(runs["gzip"][0])
    med = {
        mode: {k: statistics.median(r[k] for r in rs if r[k] is not None) for k in keys}
        for mode, rs in runs.items()
    }
    print(f"{args.runs} cold-cache runs each; medians in ms (kib: KiB over the wire)")
    print(f"{'figure':<12}{'gzip':>10}{'identity':>10}{'ratio':>8}")
    for k in keys:
        g, i = med["gzip"][k], med["identity"][k]
        print(f"{k:<12}{g:>10.1f}{i:>10.1f}{g / i if i else float('nan'):>8.2f}")


if __name__ == "__main__":
    main()
