"""Browser tests: Debian's Chromium driven by Playwright against the real server.

They need the built web app (``make web``) and ``/usr/bin/chromium`` (``make browser``);
``make test`` provides both. Without either they are skipped, saying which is missing.
Screenshots of key screens go to ``test-artifacts/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clipset.api.spa import default_dist
from tests.media_factory import make_clip

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Let the feed start videos (muted autoplay) without a user gesture.
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _missing() -> str | None:
    if not (default_dist() / "index.html").is_file():
        return "the web app is not built (run `make web`)"
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Chromium is not installed (run `make browser`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def chromium():
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server):
    return live_server.url


@pytest.fixture
def new_page(chromium, base_url):
    """Pages in separate browser contexts (separate people), closed after the test."""
    contexts = []

    def make(**options):
        # Service workers stay out of the way of request routing, except where a test
        # is about the service worker itself.
        options.setdefault("service_workers", "block")
        context = chromium.new_context(base_url=base_url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """Save a screenshot of a key screen as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    return save


UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    'button, input, select, textarea, a[href]')]
  .filter(el => el.type !== 'hidden' && el.getClientRects().length)
  .filter(el => !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || (el.labels && el.labels.length) || el.textContent.trim() || el.title))
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.fixture
def unnamed_controls():
    """Controls on the page that a screen reader could not name (should be none)."""
    return lambda page: page.evaluate(UNNAMED_CONTROLS)


@pytest.fixture
def clips(tmp_path):
    """Two short clips for the feed: landscape with sound, portrait without."""
    return {
        "sound": make_clip(tmp_path / "sound.mp4", width=320, height=240, duration=4.0),
        "silent": make_clip(
            tmp_path / "silent.mp4", width=240, height=320, duration=4.0, acodec=None
        ),
    }
