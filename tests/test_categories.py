"""Categories: everyone signed in reads them, admins manage them, slugs follow names."""

from __future__ import annotations

import pytest

from clipset.services.categories import slugify
from clipset.store.db import database
from clipset.store.models import Video


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Family Trips", "family-trips"),
        ("Café  Nights!", "cafe-nights"),
        ("  --Rock & Roll--  ", "rock-roll"),
        ("日本", "category"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_who_may_do_what(admin, user, anon):
    cat = admin.post("/api/categories", json={"name": "Pets"}).json
    assert anon.get("/api/categories").status_code == 401
    assert user.get("/api/categories").status_code == 200
    for api, status in ((anon, 401), (user, 403)):
        assert api.post("/api/categories", json={"name": "Cars"}).status_code == status
        assert (
            api.patch(f"/api/categories/{cat['id']}", json={"name": "Cars"}).status_code == status
        )
        assert api.delete(f"/api/categories/{cat['id']}").status_code == status
    assert [c["name"] for c in user.get("/api/categories").json] == ["Pets"]


def test_create_derives_a_unique_slug(admin):
    r = admin.post("/api/categories", json={"name": "  Café   Nights "})
    assert r.status_code == 201
    assert r.json["name"] == "Café Nights" and r.json["slug"] == "cafe-nights"
    assert r.json["video_count"] == 0 and r.json["created_at"].endswith("Z")
    # A different name that makes the same slug gets a suffix.
    assert (
        admin.post("/api/categories", json={"name": "Cafe Nights"}).json["slug"] == "cafe-nights-2"
    )
    assert (
        admin.post("/api/categories", json={"name": "cafe-nights"}).json["slug"] == "cafe-nights-3"
    )
    # The same name again, in any case, is a conflict.
    r = admin.post("/api/categories", json={"name": "CAFÉ NIGHTS"})
    assert r.status_code == 409 and r.json["error_code"] == "category_exists"
    assert len(admin.get("/api/categories").json) == 3


def test_bad_names_are_refused(admin):
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": 7}, {"name": "x" * 65}):
        r = admin.post("/api/categories", json=body)
        assert r.status_code == 400, body
        assert r.json["field"] == "name"
    assert admin.get("/api/categories").json == []


def test_rename_reslugs(admin):
    pets = admin.post("/api/categories", json={"name": "Pets"}).json
    admin.post("/api/categories", json={"name": "Cars"})
    r = admin.patch(f"/api/categories/{pets['id']}", json={"name": "Our Pets"})
    assert r.status_code == 200
    assert (r.json["id"], r.json["name"], r.json["slug"]) == (pets["id"], "Our Pets", "our-pets")
    # Renaming to its own name in another case keeps the slug free of suffixes.
    assert (
        admin.patch(f"/api/categories/{pets['id']}", json={"name": "OUR pets"}).json["slug"]
        == "our-pets"
    )
    r = admin.patch(f"/api/categories/{pets['id']}", json={"name": "cars"})
    assert r.status_code == 409 and r.json["error_code"] == "category_exists"
    r = admin.patch("/api/categories/9999", json={"name": "Ghosts"})
    assert r.status_code == 404 and r.json["error_code"] == "category_not_found"


def test_list_counts_listed_videos_in_name_order(app, admin, user):
    zoo = admin.post("/api/categories", json={"name": "zoo"}).json
    art = admin.post("/api/categories", json={"name": "Art"}).json
    with database.connection_context():
        owner = user.user["id"]
        for privacy in ("public", "public", "private", "unlisted"):
            Video.create(
                uploader=owner,
                title="clip",
                category=zoo["id"],
                privacy=privacy,
                processing_status="completed",
            )
        Video.create(uploader=owner, title="still processing", category=zoo["id"])
    listing = user.get("/api/categories").json
    assert [(c["name"], c["video_count"]) for c in listing] == [("Art", 0), ("zoo", 2)]
    assert art["slug"] == "art"


def test_delete_leaves_videos_uncategorized(app, admin, user):
    cat = admin.post("/api/categories", json={"name": "Holidays"}).json
    with database.connection_context():
        video = Video.create(uploader=user.user["id"], title="beach", category=cat["id"])
    r = admin.delete(f"/api/categories/{cat['id']}")
    assert r.status_code == 204
    assert admin.get("/api/categories").json == []
    with database.connection_context():
        assert Video.get_by_id(video.id).category_id is None
    r = admin.delete(f"/api/categories/{cat['id']}")
    assert r.status_code == 404
