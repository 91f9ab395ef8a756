"""What the OpenAPI document promises about requests, the server keeps: every PATCH needs
at least one field, a list endpoint refuses a query parameter it does not take, titles
hold more than whitespace, and what the tus and one-shot upload routes take is described."""

from __future__ import annotations

import pytest
from video_rows import make_video, reload


@pytest.fixture
def spec(anon):
    return anon.get("/api/openapi.json").json


def _patches_with_bodies(spec):
    for path, ops in spec["paths"].items():
        body = ops.get("patch", {}).get("requestBody", {}).get("content", {})
        if "application/json" in body:
            yield path, body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_every_json_patch_documents_and_refuses_an_empty_body(admin, spec):
    patches = dict(_patches_with_bodies(spec))
    assert len(patches) >= 8
    for path, model in patches.items():
        assert spec["components"]["schemas"][model]["minProperties"] == 1, path
        url = path.replace("{user_id}", str(admin.user["id"])).replace("{category_id}", "1")
        url = url.replace("{video_id}", "AAAAAAAAAAA").replace("{draft_id}", "1")
        r = admin.patch(url, json={})
        assert r.status_code == 400, (path, r.json)
        assert r.json["error_code"] == "validation_error" and r.json["field"] == "body"


@pytest.mark.parametrize(
    "url",
    [
        "/api/users?page=1&sort=name",
        "/api/videos/mine?serch=cat",
        "/api/videos/mine/recent?limit=2&x=",
        "/api/videos?=null",
        "/api/admin/stats/history?days=7&extra=1",
    ],
)
def test_a_query_parameter_an_endpoint_does_not_take_is_refused(admin, url):
    r = admin.get(url)
    assert r.status_code == 400, r.json
    assert r.json["error_code"] == "validation_error"
    assert "unknown query parameter" in r.json["detail"]


def test_known_query_parameters_are_still_taken(admin):
    r = admin.get("/api/videos/mine?page=1&page_size=5&search=x&sort_by=title")
    assert r.status_code == 200 and r.json["page_size"] == 5


def test_titles_are_documented_as_holding_more_than_whitespace(spec, app, user):
    schemas = spec["components"]["schemas"]
    for model in ("DraftIn", "DraftPatch", "DetailsIn"):
        title = schemas[model]["properties"]["title"]
        assert title["pattern"] and "anyOf" not in title, model  # and never null
    video = make_video(app, user, title="stays")
    for title in ("\x1f", " \t", None):
        r = user.patch(f"/api/videos/{video.public_id}/details", json={"title": title})
        assert r.status_code == 400 and r.json["field"] == "title", title
    assert reload(video).title == "stays"


def test_details_of_a_missing_video_are_not_found_before_they_are_judged(user):
    r = user.patch("/api/videos/AAAAAAAAAAA/details", json={"category_id": 999})
    assert r.status_code == 404


def test_tus_routes_document_their_headers_and_answers(spec):
    def headers(method, path):
        return {
            p["name"]: p for p in spec["paths"][path][method]["parameters"] if p["in"] == "header"
        }

    create = headers("post", "/api/uploads")
    assert create["Tus-Resumable"]["schema"]["enum"] == ["1.0.0"]
    assert create["Upload-Length"]["required"]
    patch = spec["paths"]["/api/uploads/{upload_id}"]["patch"]
    assert set(headers("patch", "/api/uploads/{upload_id}")) == {
        "Tus-Resumable",
        "Upload-Offset",
        "Content-Type",
    }
    assert list(patch["requestBody"]["content"]) == ["application/offset+octet-stream"]
    assert {"204", "409", "412", "413", "415", "404", "403"} <= set(patch["responses"])
    for method in ("head", "delete"):
        op = spec["paths"]["/api/uploads/{upload_id}"][method]
        assert "Tus-Resumable" in headers(method, "/api/uploads/{upload_id}")
        assert "token" in {p["name"] for p in op["parameters"] if p["in"] == "query"}


def test_one_shot_upload_documents_its_form(spec):
    op = spec["paths"]["/api/videos"]["post"]
    form = op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file", "title"]
    assert form["properties"]["file"]["format"] == "binary"
    assert {"413", "415", "422", "507"} <= set(op["responses"])


def test_accepted_formats_and_the_feed_cursor_are_documented(spec):
    from clipset.media import KNOWN_FORMATS
    from clipset.services.feed import CURSOR_FORMAT

    formats = spec["components"]["schemas"]["ConfigPatch"]["properties"]["accepted_formats"]
    assert formats["items"]["enum"] == list(KNOWN_FORMATS)
    cursor = next(
        p for p in spec["paths"]["/api/videos/feed"]["get"]["parameters"] if p["name"] == "cursor"
    )
    assert CURSOR_FORMAT in str(cursor["schema"])
    assert "400" in spec["paths"]["/api/videos/feed"]["get"]["responses"]


def test_the_socket_route_documents_its_plain_get_answer(spec, admin):
    assert "404" in spec["paths"]["/api/ws"]["get"]["responses"]
    assert admin.get("/api/ws").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/videos?q=a&q=b",
        "/api/videos?category_id=90.0",
        "/api/users?page=1&page=2",
        "/api/videos?page=%C2%B2",
    ],
)
def test_a_query_value_given_twice_or_not_a_whole_number_is_refused(admin, url):
    r = admin.get(url)
    assert r.status_code == 400, r.json
    assert r.json["error_code"] == "validation_error"
