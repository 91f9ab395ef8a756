"""Serving the built web app: caching rules, history fallback, and the not-built page."""
from __future__ import annotations

import pytest

INDEX = "<!doctype html><title>Clipset</title><script type=module src=/assets/app-1a2b.js></script>"


@pytest.fixture
def dist(tmp_path):
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "app-1a2b.js").write_text("console.log('hi')")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
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


@pytest.mark.parametrize("path, code", [
    ("/api/nope", "not_found"), ("/media/nope.mp4", "not_found"), ("/api", "not_found"),
    ("/media/videos/nope.mp4", "video_not_found")])  # not shaped like a video id
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
    from clipset.db import database
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
    import clipset
    from clipset.api.spa import default_dist
    from pathlib import Path
    assert default_dist() == Path(clipset.__file__).resolve().parent.parent / "web" / "dist"
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert default_dist() == tmp_path / "web" / "dist"
