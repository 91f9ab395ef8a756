"""Input that once made the server answer 500: numbers SQLite cannot hold, digits that are
not ASCII, numbers too long for Python to convert, JSON nested too deeply, and category
names that differ only in the case of a non-ASCII letter. Each gets a clear 400 (or a
404 for an id that cannot exist), and nothing is left half done."""

from __future__ import annotations

import base64
import io
import json

import pytest
from test_realtime import connect, receive

from clipset.store.db import database
from clipset.store.models import Category, Upload
from clipset.store.pagination import MAX_PAGE

HUGE = 2**64  # past SQLite's 64-bit INTEGER
LONG = "9" * 5000  # past Python's int() digit limit
DEEP = "[" * 100_000 + "]" * 100_000
TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


def assert_error(r, status: int, field: str | None = None):
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:300])
    body = r.get_json()
    assert body["detail"] and body["error_code"], body
    if field is not None:
        assert body.get("field") == field, body


# -- numbers too large for SQLite -----------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        f"/api/categories/{HUGE}",
        f"/api/users/{HUGE}",
        f"/api/videos/drafts/{HUGE}",
        f"/api/users/{LONG}",
    ],
)
def test_an_id_past_64_bits_in_the_path_is_not_found(admin, path):
    assert_error(admin.get(path), 404) if "categories" not in path else assert_error(
        admin.delete(path), 404
    )


@pytest.mark.parametrize(
    "path",
    [f"/media/videos/{HUGE}.mp4", f"/media/thumbnails/{HUGE}.jpg", f"/media/videos/{LONG}.mp4"],
)
def test_media_with_an_impossible_id_is_not_found_even_signed_out(anon, path):
    assert_error(anon.get(path + "?token=x"), 404)


@pytest.mark.parametrize(
    "query", [f"page={HUGE}", f"page_size=10&page={LONG}", f"page={MAX_PAGE + 1}"]
)
def test_a_huge_page_number_is_refused(user, query):
    assert_error(user.get(f"/api/videos?{query}"), 400, "page")
    # The last page that can exist is simply empty.
    assert user.get(f"/api/videos?page={MAX_PAGE}").get_json()["items"] == []


def test_a_huge_number_in_a_body_is_refused(user):
    assert_error(user.post("/api/videos/finalize", json={"draft_id": HUGE}), 400, "draft_id")
    r = user.client.post(
        "/api/videos/finalize",
        data='{"draft_id": ' + LONG + "}",
        headers={"Authorization": f"Bearer {user.token}", "Content-Type": "application/json"},
    )
    assert_error(r, 400)


def test_a_non_numeric_id_is_not_found_for_every_method(admin):
    for method in ("GET", "PATCH", "DELETE"):
        r = admin.request(method, "/api/categories/abc", json={"name": "x"})
        assert_error(r, 404)
    # A method the route really lacks still says so, with the methods it has.
    r = admin.request("PUT", "/api/categories", json={"name": "x"})
    assert r.status_code == 405 and "POST" in r.headers["Allow"]


# -- byte counts in headers and form fields -------------------------------------------
@pytest.mark.parametrize("value", ["١٢", "²", LONG, str(HUGE), "-1", "1e3", ""])
def test_tus_byte_counts_must_be_ascii_numbers_that_fit(app, client, user, value):
    auth = {"Authorization": f"Bearer {user.token}", **TUS}
    r = client.post("/api/uploads", headers={**auth, "Upload-Length": value})
    assert_error(r, 400, "Upload-Length")

    up = user.post("/api/videos/upload-url", json={"filename": "a.mp4", "size": 10}).get_json()
    r = client.patch(
        up["upload_url"],
        data=b"x" * 10,
        headers={**TUS, "Upload-Offset": value, "Content-Type": OCTETS},
    )
    assert_error(r, 400, "Upload-Offset")
    head = client.head(up["upload_url"], headers=TUS)
    assert head.headers["Upload-Offset"] == "0"  # nothing was written


@pytest.mark.parametrize("value", ["²", LONG, str(HUGE)])
def test_one_shot_upload_category_must_be_an_ascii_number_that_fits(app, client, user, value):
    before = _count(Upload)
    r = client.post(
        "/api/videos",
        headers={"Authorization": f"Bearer {user.token}"},
        data={
            "file": (io.BytesIO(b"not really a video"), "a.mp4"),
            "title": "t",
            "category_id": value,
        },
        content_type="multipart/form-data",
    )
    assert_error(r, 400, "category_id")
    assert _count(Upload) == before


def _count(model) -> int:
    with database.connection_context():
        return model.select().count()


# -- JSON nested too deeply -----------------------------------------------------------
def test_deeply_nested_json_body_is_refused(admin):
    r = admin.client.post(
        "/api/categories",
        data=DEEP,
        headers={"Authorization": f"Bearer {admin.token}", "Content-Type": "application/json"},
    )
    assert_error(r, 400)
    assert r.get_json()["error_code"] == "invalid_json"
    assert _count(Category) == 0


@pytest.mark.parametrize(
    "payload",
    [
        '["2026-01-01T00:00:00", 1e999]',
        f'["2026-01-01T00:00:00", {HUGE}]',
        '["2026-01-01T00:00:00", true]',
        "[" * 140 + "]" * 140,
    ],
)
def test_a_forged_feed_cursor_is_refused(user, payload):
    cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    r = user.get(f"/api/videos/feed?cursor={cursor}")
    assert_error(r, 400, "cursor")


def test_a_deeply_nested_websocket_message_is_answered_and_the_socket_lives(live_server, user):
    ws = connect(live_server, user)
    ws.send("[" * 30_000 + "]" * 30_000)
    reply = receive(ws)
    assert reply["type"] == "error" and reply["error_code"] == "invalid_message"
    ws.send(json.dumps({"type": "ping"}))
    assert receive(ws) == {"type": "pong"}
    ws.close()


# -- category names -------------------------------------------------------------------
@pytest.mark.parametrize("second", ["Émile", "émile", "ÉMILE", "E\u0301mile"])
def test_category_names_are_unique_ignoring_case_beyond_ascii(admin, second):
    assert admin.post("/api/categories", json={"name": "Émile"}).status_code == 201
    r = admin.post("/api/categories", json={"name": second})
    assert_error(r, 409, "name")
    assert r.get_json()["error_code"] == "category_exists"
    assert [c["name"] for c in admin.get("/api/categories").get_json()] == ["Émile"]


def test_renaming_onto_a_non_ascii_name_in_other_case_is_refused(admin):
    admin.post("/api/categories", json={"name": "Ølstue"})
    other = admin.post("/api/categories", json={"name": "Kitchen"}).get_json()
    r = admin.patch(f"/api/categories/{other['id']}", json={"name": "øLSTUE"})
    assert_error(r, 409, "name")
    names = sorted(c["name"] for c in admin.get("/api/categories").get_json())
    assert names == ["Kitchen", "Ølstue"]


# -- the log under a storm of one failure ---------------------------------------------
def test_a_repeated_server_error_writes_its_traceback_once(app, user, monkeypatch, caplog):
    def broken():
        raise RuntimeError("a bug")

    def also_broken(*args):
        raise KeyError("another bug")

    svc = app.extensions["clipset"]
    monkeypatch.setattr(svc.categories, "list", broken)
    with caplog.at_level("ERROR", logger="clipset.api.errors"):
        for _ in range(50):
            r = user.get("/api/categories")
            assert r.status_code == 500 and r.get_json()["error_code"] == "internal_error"
        monkeypatch.setattr(svc.categories, "list", also_broken)
        user.get("/api/categories")
    written = [rec for rec in caplog.records if rec.exc_info]
    assert [type(rec.exc_info[1]) for rec in written] == [RuntimeError, KeyError]
