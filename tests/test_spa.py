"""Serving the built web app: caching rules, history fallback, and the not-built page."""

from __future__ import annotations

import gzip

import pytest

BIG_JS = "export const words = '" + "clipset " * 2000 + "';"
INDEX = (
    "<!doctype html><title>Clipset</title><script type=module src=/assets/app-1a2b.js></script>"
)


@pytest.fixture
def dist(tmp_path):
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "app-1a2b.js").write_text("console.log('hi')")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "assets" / "big-9f8e.js").write_text(BIG_JS)
    (root / "assets" / "big-9f8e.js.gz").write_bytes(gzip.compress(BIG_JS.encode()))
    (root / "manifest.webmanifest").write_text('{"name": "Clipset"}')
    return root


@pytest.fixture
def settings_overrides(dist):
    return {"web_dist": str(dist)}


def test_root_serves_index_without_caching(anon):
    r = anon.get("/")
    assert r.status_code == 200
    assert r.text == INDEX
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.mimetype == "text/html"


def test_hashed_assets_are_cached_for_a_year(anon):
    r = anon.get("/assets/app-1a2b.js")
    assert r.status_code == 200
    assert r.text == "console.log('hi')"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_missing_asset_is_404_not_the_page(anon):
    r = anon.get("/assets/app-gone.js")
    assert r.status_code == 404
    assert INDEX not in r.text


@pytest.mark.parametrize("path", ["/v/12", "/register?token=abc", "/u/alice", "/library/"])
def test_deep_links_get_the_app_on_reload(anon, path):
    r = anon.get(path)
    assert r.status_code == 200
    assert r.text == INDEX
    assert r.headers["Cache-Control"] == "no-cache"


def test_other_files_in_dist_are_served(anon):
    r = anon.get("/favicon.svg")
    assert r.status_code == 200
    assert "svg" in r.text


@pytest.mark.parametrize(
    "path, code",
    [
        ("/api/nope", "not_found"),
        ("/media/nope.mp4", "not_found"),
        ("/api", "not_found"),
        ("/media/videos/nope.mp4", "video_not_found"),
    ],
)  # not shaped like a video id
def test_api_and_media_paths_never_fall_back_to_the_app(anon, path, code):
    r = anon.get(path)
    assert r.status_code == 404
    assert r.json["error_code"] == code


def test_api_routes_win_over_the_fallback(anon):
    r = anon.get("/api/health")
    assert r.status_code == 200
    assert r.json["status"] == "ok"


def test_no_path_escapes_the_dist_dir(anon, dist):
    (dist.parent / "secret.txt").write_text("do not serve")
    r = anon.get("/..%2fsecret.txt")
    assert "do not serve" not in r.text
    r = anon.get("/assets/..%2f..%2fsecret.txt")
    assert "do not serve" not in r.text


def test_security_headers_apply_to_the_app(anon):
    r = anon.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_unbuilt_app_explains_how_to_build(tmp_path, make_app):
    app = make_app(web_dist=str(tmp_path / "missing"))
    r = app.test_client().get("/browse")
    assert r.status_code == 200
    assert "not built" in r.text
    assert "make run" in r.text
    assert r.headers["Cache-Control"] == "no-cache"


@pytest.fixture
def make_app(tmp_path):
    from clipset.app import create_app
    from clipset.store.db import database
    from tests.conftest import make_settings

    apps = []

    def make(**overrides):
        app = create_app(make_settings(tmp_path / "other", **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["clipset"].stop()
    if not database.is_closed():
        database.close()


def test_default_dist_is_next_to_the_package_or_in_the_bundle(monkeypatch, tmp_path):
    from pathlib import Path

    import clipset
    from clipset.api.spa import default_dist

    assert default_dist() == Path(clipset.__file__).resolve().parent.parent / "web" / "dist"
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert default_dist() == tmp_path / "web" / "dist"


# -- precompressed files ------------------------------------------------------------
def test_gzip_is_sent_to_browsers_that_accept_it(anon):
    r = anon.get("/assets/big-9f8e.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    assert r.mimetype == "text/javascript"
    assert gzip.decompress(r.data).decode() == BIG_JS
    assert int(r.headers["Content-Length"]) == len(r.data) < len(BIG_JS)
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("accept", [None, "identity", "br", "gzip;q=0"])
def test_plain_bytes_to_browsers_that_do_not_accept_gzip(anon, accept):
    r = anon.get("/assets/big-9f8e.js", headers={"Accept-Encoding": accept} if accept else {})
    assert r.status_code == 200
    assert "Content-Encoding" not in r.headers
    assert "Accept-Encoding" in r.headers["Vary"]  # caches keep both variants apart
    assert r.text == BIG_JS


def test_a_file_without_a_compressed_copy_is_sent_as_it_is(anon):
    r = anon.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers and r.text == "console.log('hi')"


def test_the_manifest_has_its_own_type(anon):
    r = anon.get("/manifest.webmanifest")
    assert r.status_code == 200 and r.mimetype == "application/manifest+json"


# -- what falls back to the app, and what is a 404 ----------------------------------------
@pytest.mark.parametrize(
    "path",
    ["/foo.js", "/x.png", "/favicon.ico", "/deep/er/style.css", "/report.pdf", "/assets/nope.js"],
)
def test_missing_files_are_404_not_the_page(anon, path):
    r = anon.get(path)
    assert r.status_code == 404
    assert INDEX not in r.text


def test_a_username_with_a_dot_is_still_a_page(anon):
    r = anon.get("/u/ann.lee")
    assert r.status_code == 200 and r.text == INDEX


def raw_get(server, path: str) -> tuple[int, bytes]:
    """A GET sent as written (no client tidies the dots away), to the real server."""
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "pair",
    [
        ("/../../../../../../etc/passwd", "/../../../../../../etc/nonexistent"),
        ("/assets/../../../../../../etc/passwd", "/assets/../../../../../../etc/nonexistent"),
        (
            "/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fnope",
        ),
    ],
)
def test_the_server_does_not_tell_which_files_exist_outside_the_build(live_server, pair):
    (status, body), (status2, body2) = (raw_get(live_server, p) for p in pair)
    assert (status, body) == (status2, body2)
    assert b"root:" not in body


@pytest.mark.parametrize(
    "pair",
    [
        ("/../../etc/passwd", "/../../etc/nonexistent"),
        ("/..%2f..%2fetc%2fpasswd", "/..%2f..%2fetc%2fnonexistent"),
        ("/assets/..%2f..%2f..%2fetc%2fpasswd", "/assets/..%2f..%2f..%2fetc%2fnonexistent"),
    ],
)
def test_answers_do_not_tell_which_files_exist_outside_the_build(anon, pair):
    existing, missing = (anon.get(p) for p in pair)
    assert (existing.status_code, existing.data) == (missing.status_code, missing.data)
    assert b"root:" not in existing.data


def test_a_file_next_to_the_build_is_no_different_from_a_missing_one(anon, dist):
    (dist.parent / "secret.txt").write_text("do not serve")
    for there, absent in (("/..%2fsecret.txt", "/..%2fabsent.txt"), ("/../secret", "/../absent")):
        a, b = anon.get(there), anon.get(absent)
        assert (a.status_code, a.data) == (b.status_code, b.data)
        assert b"do not serve" not in a.data
