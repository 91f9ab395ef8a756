"""User administration: listing, profiles, roles, activation, deletion."""

from __future__ import annotations

import pytest
from support import PASSWORD, Api

from clipset.store.db import database
from clipset.store.models import Comment, Draft, Like, Upload, User, Video, now

PAGE_KEYS = {"items", "total_count", "page", "page_size", "total_pages", "has_more"}


def _id(api: Api) -> int:
    return api.user["id"]


def test_anonymous_is_refused_everywhere(anon):
    for method, url, body in [
        ("GET", "/api/users", None),
        ("GET", "/api/users/1", None),
        ("GET", "/api/users/by-username/admin", None),
        ("PATCH", "/api/users/1/role", {"role": "user"}),
        ("PATCH", "/api/users/1/active", {"is_active": False}),
        ("DELETE", "/api/users/1", None),
    ]:
        r = anon.request(method, url, json=body)
        assert r.status_code == 401, (method, url)
        assert r.json["error_code"] == "not_authenticated"


def test_regular_user_cannot_administer(admin, user, other_user):
    target = _id(other_user)
    for method, url, body in [
        ("GET", "/api/users", None),
        ("PATCH", f"/api/users/{target}/role", {"role": "admin"}),
        ("PATCH", f"/api/users/{target}/active", {"is_active": False}),
        ("DELETE", f"/api/users/{target}", None),
    ]:
        r = user.request(method, url, json=body)
        assert r.status_code == 403, (method, url)
        assert r.json["error_code"] == "admin_required"
    # Nothing changed for the target.
    assert other_user.get("/api/auth/me").json["role"] == "user"


def test_list_is_paginated_newest_first_and_searchable(admin, make_user):
    made = [make_user(f"member{i}") for i in range(3)]
    r = admin.get("/api/users?page=1&page_size=2")
    assert r.status_code == 200
    assert set(r.json) == PAGE_KEYS
    assert r.json["total_count"] == 4 and r.json["total_pages"] == 2
    assert r.json["has_more"] is True and r.json["page_size"] == 2
    assert [u["username"] for u in r.json["items"]] == ["member2", "member1"]
    last = admin.get("/api/users?page=2&page_size=2").json
    assert [u["username"] for u in last["items"]] == ["member0", "admin"]
    assert last["has_more"] is False
    beyond = admin.get("/api/users?page=9").json
    assert beyond["items"] == [] and beyond["total_count"] == 4

    found = admin.get("/api/users?q=BER1").json
    assert [u["username"] for u in found["items"]] == ["member1"]
    assert found["items"][0]["email"] is None  # none given at registration
    assert made[0].user["username"] == "member0"


def test_list_search_covers_email(app, admin, make_user):
    kid = make_user("kid")
    with database.connection_context():
        User.update(email="kid@home.example").where(User.id == _id(kid)).execute()
    items = admin.get("/api/users?q=home.example").json["items"]
    assert [(u["username"], u["email"]) for u in items] == [("kid", "kid@home.example")]


def test_the_user_search_is_one_string(admin, make_user):
    make_user("kid")
    schema = admin.get("/api/openapi.json").json["paths"]["/api/users"]["get"]
    q = next(p for p in schema["parameters"] if p["name"] == "q")["schema"]
    assert {branch["type"] for branch in q["anyOf"]} == {"string", "null"}
    r = admin.get("/api/users?q=kid&q=admin")
    assert r.status_code == 400 and r.json["field"] == "q" and "once" in r.json["detail"]
    # A comma is part of the text searched for, not a list of searches.
    assert admin.get("/api/users?q=kid,admin").json["items"] == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=abc", "page"),
    ],
)
def test_list_bounds(admin, query, field):
    r = admin.get(f"/api/users?{query}")
    assert r.status_code == 400
    assert r.json["error_code"] == "validation_error" and r.json["field"] == field


def test_profile_shows_email_only_to_self_and_admins(app, admin, user, other_user):
    with database.connection_context():
        User.update(email="me@example.com").where(User.id == _id(user)).execute()
    url = f"/api/users/{_id(user)}"
    by_name = f"/api/users/by-username/{user.user['username'].upper()}"
    for path in (url, by_name):
        assert user.get(path).json["email"] == "me@example.com"
        assert admin.get(path).json["email"] == "me@example.com"
    seen = other_user.get(by_name)
    assert seen.status_code == 200
    assert seen.json["email"] is None
    assert seen.json["username"] == user.user["username"]
    assert set(seen.json) == {"id", "username", "email", "role", "is_active", "created_at"}
    assert seen.json["created_at"].endswith("Z")


def test_counting_user_ids_finds_nobody_but_yourself(admin, user, other_user):
    """Non-admins get only their own profile by id: anyone else's id is "not found",
    exactly like an id nobody has."""
    for target in (_id(other_user), _id(admin), 9999):
        r = user.get(f"/api/users/{target}")
        assert r.status_code == 404 and r.json["error_code"] == "user_not_found"
    assert user.get(f"/api/users/{_id(user)}").status_code == 200
    assert admin.get(f"/api/users/{_id(other_user)}").status_code == 200


def test_unknown_user_is_404(admin, user):
    for path in ("/api/users/9999", "/api/users/by-username/nobody"):
        r = user.get(path)
        assert r.status_code == 404 and r.json["error_code"] == "user_not_found"
    for method, url, body in [
        ("PATCH", "/api/users/9999/role", {"role": "user"}),
        ("PATCH", "/api/users/9999/active", {"is_active": True}),
        ("DELETE", "/api/users/9999", None),
    ]:
        assert admin.request(method, url, json=body).status_code == 404


def test_promote_and_demote(admin, user):
    r = admin.patch(f"/api/users/{_id(user)}/role", json={"role": "admin"})
    assert r.status_code == 200 and r.json["role"] == "admin"
    # The same token now carries admin rights: the role is read on every request.
    assert user.get("/api/users").status_code == 200
    # With two admins, the first may step down.
    r = user.patch(f"/api/users/{_id(admin)}/role", json={"role": "user"})
    assert r.status_code == 200 and r.json["role"] == "user"
    assert admin.get("/api/users").status_code == 403


def test_last_admin_is_protected(admin, user):
    me = _id(admin)
    for method, url, body in [
        ("PATCH", f"/api/users/{me}/role", {"role": "user"}),
        ("PATCH", f"/api/users/{me}/active", {"is_active": False}),
        ("DELETE", f"/api/users/{me}", None),
    ]:
        r = admin.request(method, url, json=body)
        assert r.status_code == 409, (method, url)
        assert r.json["error_code"] == "last_admin"
        assert "last active admin" in r.json["detail"]
    assert admin.get("/api/auth/me").json["role"] == "admin"


def test_an_inactive_admin_does_not_count(admin, user):
    admin.patch(f"/api/users/{_id(user)}/role", json={"role": "admin"})
    r = admin.patch(f"/api/users/{_id(user)}/active", json={"is_active": False})
    assert r.status_code == 200 and r.json["is_active"] is False
    r = admin.patch(f"/api/users/{_id(admin)}/role", json={"role": "user"})
    assert r.status_code == 409 and r.json["error_code"] == "last_admin"


def test_deactivation_revokes_tokens_and_blocks_login(admin, user, anon):
    name = user.user["username"]
    assert user.get("/api/auth/me").status_code == 200
    r = admin.patch(f"/api/users/{_id(user)}/active", json={"is_active": False})
    assert r.status_code == 200 and r.json["is_active"] is False
    r = user.get("/api/auth/me")
    assert r.status_code == 401
    r = anon.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 403 and r.json["error_code"] == "account_inactive"

    r = admin.patch(f"/api/users/{_id(user)}/active", json={"is_active": True})
    assert r.status_code == 200 and r.json["is_active"] is True
    assert user.get("/api/auth/me").status_code == 401  # old tokens stay revoked
    r = anon.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200


def _video(owner_id: int, **fields) -> Video:
    return Video.create(uploader=owner_id, title=fields.pop("title", "clip"), **fields)


def test_delete_user_removes_rows_and_files(app, admin, user, other_user):
    data = app.extensions["clipset"].data
    victim, bystander = _id(user), _id(other_user)
    with database.connection_context():
        own = _video(victim, processing_status="completed")
        pending = _video(victim)
        theirs = _video(bystander, processing_status="completed", like_count=1, comment_count=3)
        Like.create(user=victim, video=theirs)
        for _ in range(2):
            Comment.create(video=theirs, author=victim, body="nice")
        Comment.create(video=theirs, author=bystander, body="thanks")
        upload = Upload.create(user=victim, filename="a.mp4", length=10, expires_at=now())
        Draft.create(user=victim, upload=upload, title="draft")
    files = [
        data.video_file(own.storage_key),
        data.thumbnail_file(own.storage_key),
        data.original_file(pending.storage_key),
        data.upload_file(upload.id),
    ]
    kept = [data.video_file(theirs.storage_key)]
    for path in files + kept:
        path.write_bytes(b"x")

    r = admin.delete(f"/api/users/{victim}")
    assert r.status_code == 204 and r.data == b""

    assert admin.get(f"/api/users/{victim}").status_code == 404
    assert user.get("/api/auth/me").status_code == 401
    assert not any(p.exists() for p in files)
    assert all(p.exists() for p in kept)
    with database.connection_context():
        assert not Video.select().where(Video.uploader == victim).exists()
        assert not Upload.select().where(Upload.user == victim).exists()
        assert not Draft.select().where(Draft.user == victim).exists()
        assert not Like.select().where(Like.user == victim).exists()
        assert not Comment.select().where(Comment.author == victim).exists()
        survivor = Video.get_by_id(theirs.id)
        # Their likes and comments no longer count on other people's videos.
        assert (survivor.like_count, survivor.comment_count) == (0, 1)


def test_bad_bodies_name_the_field(admin, user):
    url = f"/api/users/{_id(user)}"
    r = admin.client.patch(
        f"{url}/role",
        data="{oops",
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert r.status_code == 400 and r.json["error_code"] == "invalid_json"
    cases = [
        ("role", {}, "body"),
        ("role", {"role": "owner"}, "role"),
        ("role", {"role": "user", "extra": 1}, "extra"),
        ("active", {"is_active": "no"}, "is_active"),
        ("active", {}, "body"),
        ("active", {"is_active": 0}, "is_active"),
    ]
    for action, body, field in cases:
        r = admin.patch(f"{url}/{action}", json=body)
        assert r.status_code == 400, body
        assert r.json["field"] == field and r.json["error_code"] == "validation_error"
        assert r.json["detail"].startswith(f"{field}:")
    assert user.get("/api/auth/me").json["is_active"] is True
