"""Lighthouse performance and accessibility of each page, on phone and desktop.

    .venv/bin/python bench/lighthouse.py [--runs 1] [--pages login,feed,...] [--reports DIR]

Needs Lighthouse from npm, pinned in bench/lighthouse/package.json and installed apart
from the web app (`cd bench/lighthouse && npm install --no-save`: like the web app's,
its lock file lacks a package `npm ci` insists on), and Debian's Chromium. Not part of
`make test`: one run of every page takes minutes.

Runs the real server in a subprocess on a temporary data dir with one admin and a few
short clips made with PyAV and uploaded through the API (processed by the server), then
audits each page with Lighthouse's default mobile settings (emulated phone, simulated slow
4G and CPU) and its desktop preset. The browser is started once with a debugging port;
Lighthouse attaches to it. Its own storage reset would sign the browser out, so it is
turned off and the HTTP cache, cache storage and service workers are cleared before every
audit instead (each audit is a cold load that stays signed in).

Baseline in the same run: the app's static offline page (no script, one request), the
best this server and browser reach; the ratio column is a page's score over it. Prints
medians of the scores and of first/largest contentful paint, total blocking time and
layout shift.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
PASSWORD = "benchmark password"
SERVER = """
import sys
from clipset.app import create_app
from clipset.serve.server import Server
app = create_app({"data_dir": sys.argv[1], "tray": False, "open_browser": False})
server = Server(app, host="127.0.0.1", port=0)
print(server.port, flush=True)
server.serve_forever()
"""
# (name, path); "{video}" is a seeded video's id. The login page is audited signed out.
PAGES = [
    ("login", "/login"),
    ("feed", "/"),
    ("browse", "/browse"),
    ("video", "/v/{video}"),
    ("library", "/library"),
    ("upload", "/upload"),
    ("admin", "/admin"),
]
BASELINE = ("offline page", "/offline.html")
CLIPS = [("Beach day", 240, 432), ("Garden", 432, 240), ("Birthday cake", 240, 432)]
FIGURES = {
    "fcp": "first-contentful-paint",
    "lcp": "largest-contentful-paint",
    "tbt": "total-blocking-time",
    "cls": "cumulative-layout-shift",
}


def seed(data_dir: Path) -> str:
    from clipset.app import create_app

    app = create_app({"data_dir": str(data_dir)})
    r = app.test_client().post("/api/setup", json={"username": "bench", "password": PASSWORD})
    app.extensions["clipset"].stop()
    return r.json["access_token"]


def upload_clips(playwright, url: str, token: str, tmp: Path) -> list[str]:
    """Short clips through the one-shot upload, then wait until the server processed them."""
    sys.path.insert(0, str(ROOT))
    from tests.media_factory import make_clip

    api = playwright.request.new_context(
        base_url=url, extra_http_headers={"Authorization": f"Bearer {token}"}
    )
    ids = []
    for n, (title, width, height) in enumerate(CLIPS):
        clip = make_clip(tmp / f"clip{n}.mp4", width=width, height=height, duration=3.0)
        r = api.post(
            "/api/videos",
            multipart={
                "file": {"name": clip.name, "mimeType": "video/mp4", "buffer": clip.read_bytes()},
                "title": title,
                "privacy": "public",
            },
        )
        assert r.status == 201, r.text()
        ids.append(r.json()["id"])
    deadline = time.monotonic() + 120
    for video_id in ids:
        while True:
            status = api.get(f"/api/videos/{video_id}").json()["processing_status"]
            if status == "completed":
                break
            assert status != "failed" and time.monotonic() < deadline, status
            time.sleep(0.2)
    api.dispose()
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold(context, page, url: str) -> None:
    """Forget cached files and service workers, keep the sign-in (local storage)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send(
        "Storage.clearDataForOrigin",
        {"origin": url, "storageTypes": "cache_storage,service_workers"},
    )
    cdp.detach()


def audit(port: int, target: str, desktop: bool, save: Path | None = None) -> dict:
    cmd = [
        "node",
        str(LIGHTHOUSE),
        target,
        f"--port={port}",
        "--output=json",
        "--output-path=stdout",
        "--only-categories=performance,accessibility",
        "--disable-storage-reset",
        "--quiet",
        "--max-wait-for-load=30000",
    ]
    if desktop:
        cmd.append("--preset=desktop")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    report = json.loads(out)
    if save:
        save.write_text(out)
    cats, audits = report["categories"], report["audits"]
    got = {k: round((cats[k]["score"] or 0) * 100) for k in ("performance", "accessibility")}
    for short, name in FIGURES.items():
        got[short] = audits[name].get("numericValue")
    got["failing"] = sorted(
        a["id"]
        for a in audits.values()
        if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0
    )
    return got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", default=",".join(name for name, _ in PAGES))
    parser.add_argument("--reports", type=Path, help="keep each Lighthouse JSON report here")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: cd bench/lighthouse && npm install --no-save")
    wanted = args.pages.split(",")
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))  # the browser tests import tests.media_factory
    sys.path.insert(0, str(ROOT / "tests"))
    from browser.conftest import ARGS, CHROMIUM

    results: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="clipset-bench-") as tmp:
        tmp = Path(tmp)
        token = seed(tmp / "data")
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(tmp / "data")],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        try:
            url = f"http://127.0.0.1:{int(server.stdout.readline())}"
            with sync_playwright() as p:
                video = upload_clips(p, url, token, tmp)[0]
                port = free_port()
                context = p.chromium.launch_persistent_context(
                    str(tmp / "profile"),
                    executable_path=CHROMIUM,
                    headless=True,
                    args=[a for a in ARGS if not a.startswith("--autoplay")]
                    + [f"--remote-debugging-port={port}"],
                )
                page = context.pages[0] if context.pages else context.new_page()
                page.goto(f"{url}/offline.html")
                plan = [BASELINE] + [(n, path) for n, path in PAGES if n in wanted]
                signed_in = False
                for name, path in plan:
                    if name != "login" and not signed_in and name != BASELINE[0]:
                        # On a page of our own first: the tab Lighthouse left may still
                        # be navigating.
                        page.goto(f"{url}/offline.html")
                        page.evaluate(f"localStorage.setItem('clipset.token', {token!r})")
                        signed_in = True
                    for form in ("mobile", "desktop"):
                        for run in range(args.runs):
                            cold(context, page, url)
                            save = None
                            if args.reports:
                                args.reports.mkdir(parents=True, exist_ok=True)
                                save = args.reports / f"{name.replace(' ', '-')}-{form}-{run}.json"
                            r = audit(
                                port, url + path.format(video=video), form == "desktop", save
                            )
                            results.setdefault((name, form), []).append(r)
                            print(
                                f"  {name:<13}{form:<8} perf {r['performance']:>3}  "
                                f"a11y {r['accessibility']:>3}  {' '.join(r['failing'])}",
                                file=sys.stderr,
                                flush=True,
                            )
                context.close()
        finally:
            server.terminate()
            server.wait()

    def med(rs, k):
        values = [r[k] for r in rs if r[k] is not None]
        return statistics.median(values) if values else float("nan")

    print(
        f"Lighthouse {args.runs} run(s) per page and form factor; medians "
        "(fcp/lcp/tbt in ms; ratio: performance over the baseline's)"
    )
    print(
        f"{'page':<14}{'form':<9}{'perf':>5}{'ratio':>7}{'a11y':>6}"
        f"{'fcp':>7}{'lcp':>7}{'tbt':>6}{'cls':>7}"
    )
    for (name, form), rs in results.items():
        base = med(results[(BASELINE[0], form)], "performance")
        perf = med(rs, "performance")
        print(
            f"{name:<14}{form:<9}{perf:>5.0f}{perf / base if base else float('nan'):>7.2f}"
            f"{med(rs, 'accessibility'):>6.0f}{med(rs, 'fcp'):>7.0f}{med(rs, 'lcp'):>7.0f}"
            f"{med(rs, 'tbt'):>6.0f}{med(rs, 'cls'):>7.3f}"
        )


if __name__ == "__main__":
    main()
