"""Invitations: creation, listing, validation, single use, expiry and revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from support import PASSWORD

from clipset.store.db import database
from clipset.store.models import Invitation, now

PAGE_KEYS = {"items", "total_count", "page", "page_size", "total_pages", "has_more"}


def _parse(stamp: str) -> dt.datetime:
    assert stamp.endswith("Z")
    return dt.datetime.fromisoformat(stamp[:-1])


def _register(anon, token, username="newbie"):
    return anon.post(
        "/api/auth/register",
        json={"invitation_token": token, "username": username, "password": PASSWORD},
    )


def test_admin_creates_an_invitation_with_a_link(admin):
    r = admin.post("/api/invitations", json={"email": "kid@example.com"})
    assert r.status_code == 201
    inv = r.json
    assert set(inv) == {
        "id",
        "email",
        "token",
        "link",
        "created_at",
        "expires_at",
        "used_at",
        "revoked",
        "status",
    }
    assert inv["email"] == "kid@example.com" and inv["status"] == "pending"
    assert inv["used_at"] is None and inv["revoked"] is False
    assert len(inv["token"]) >= 32
    assert inv["link"] == f"http://localhost/register?token={inv['token']}"
    lifetime = _parse(inv["expires_at"]) - _parse(inv["created_at"])
    assert lifetime == dt.timedelta(days=7)
    other = admin.post("/api/invitations").json  # no body at all: email is optional
    assert other["email"] is None and other["token"] != inv["token"]


def test_link_follows_the_host_the_admin_used(admin):
    r = admin.post("/api/invitations", json={}, base_url="http://192.168.1.20:8420")
    assert r.json["link"].startswith("http://192.168.1.20:8420/register?token=")


@pytest.mark.parametrize("settings_overrides", [{"invitation_ttl_days": 2}])
def test_lifetime_comes_from_settings(admin):
    inv = admin.post("/api/invitations", json={}).json
    assert _parse(inv["expires_at"]) - _parse(inv["created_at"]) == dt.timedelta(days=2)


def test_bad_email_is_refused(admin):
    for body in ({"email": "not-an-email"}, {"email": 5}, {"mail": "a@b.c"}):
        r = admin.post("/api/invitations", json=body)
        assert r.status_code == 400
        assert r.json["field"] in ("email", "mail")
    assert admin.get("/api/invitations").json["total_count"] == 0


def test_who_may_do_what(admin, user, anon):
    inv = admin.post("/api/invitations", json={}).json
    for api, status in ((anon, 401), (user, 403)):
        assert api.post("/api/invitations", json={}).status_code == status
        assert api.get("/api/invitations").status_code == status
        assert api.delete(f"/api/invitations/{inv['id']}").status_code == status
    # Validation is public: the registration page calls it before anyone has an account.
    r = anon.get(f"/api/invitations/validate/{inv['token']}")
    assert r.status_code == 200
    assert r.json == {"valid": True, "email": None, "expires_at": inv["expires_at"]}


def test_single_use(admin, anon):
    inv = admin.post("/api/invitations", json={"email": "kid@example.com"}).json
    r = _register(anon, inv["token"])
    assert r.status_code == 201 and r.json["user"]["email"] == "kid@example.com"
    r = anon.get(f"/api/invitations/validate/{inv['token']}")
    assert r.status_code == 409 and r.json["error_code"] == "invitation_used"
    r = _register(anon, inv["token"], "second")
    assert r.status_code == 409 and r.json["error_code"] == "invitation_used"
    listed = admin.get("/api/invitations").json["items"][0]
    assert listed["status"] == "used" and listed["used_at"] is not None
    r = admin.delete(f"/api/invitations/{inv['id']}")
    assert r.status_code == 409 and r.json["error_code"] == "invitation_used"


def test_expired_invitation(app, admin, anon):
    inv = admin.post("/api/invitations", json={}).json
    with database.connection_context():
        Invitation.update(expires_at=now() - dt.timedelta(seconds=1)).where(
            Invitation.id == inv["id"]
        ).execute()
    r = anon.get(f"/api/invitations/validate/{inv['token']}")
    assert r.status_code == 409 and r.json["error_code"] == "invitation_expired"
    assert _register(anon, inv["token"]).json["error_code"] == "invitation_expired"
    assert admin.get("/api/invitations").json["items"][0]["status"] == "expired"


def test_revoke(admin, anon):
    inv = admin.post("/api/invitations", json={}).json
    r = admin.delete(f"/api/invitations/{inv['id']}")
    assert r.status_code == 204
    r = anon.get(f"/api/invitations/validate/{inv['token']}")
    assert r.status_code == 409 and r.json["error_code"] == "invitation_revoked"
    r = _register(anon, inv["token"])
    assert r.status_code == 409 and r.json["error_code"] == "invitation_revoked"
    listed = admin.get("/api/invitations").json["items"][0]
    assert listed["revoked"] is True and listed["status"] == "revoked"
    assert admin.delete(f"/api/invitations/{inv['id']}").status_code == 204  # idempotent
    r = admin.delete("/api/invitations/9999")
    assert r.status_code == 404 and r.json["error_code"] == "invitation_not_found"


def test_unknown_token(anon):
    r = anon.get("/api/invitations/validate/no-such-token")
    assert r.status_code == 404 and r.json["error_code"] == "invitation_invalid"


def test_list_filters_by_status_and_paginates(app, admin, anon):
    made = [admin.post("/api/invitations", json={}).json for _ in range(5)]
    _register(anon, made[0]["token"])
    admin.delete(f"/api/invitations/{made[1]['id']}")
    with database.connection_context():
        Invitation.update(expires_at=now() - dt.timedelta(days=1)).where(
            Invitation.id == made[2]["id"]
        ).execute()

    page = admin.get("/api/invitations?page_size=2").json
    assert set(page) == PAGE_KEYS
    assert page["total_count"] == 5 and page["total_pages"] == 3 and page["has_more"]
    assert [i["id"] for i in page["items"]] == [made[4]["id"], made[3]["id"]]  # newest first
    assert page["items"][0]["link"].endswith(made[4]["token"])

    def ids(status):
        r = admin.get(f"/api/invitations?status={status}")
        assert r.status_code == 200
        return {i["id"] for i in r.json["items"]}

    assert ids("used") == {made[0]["id"]}
    assert ids("revoked") == {made[1]["id"]}
    assert ids("expired") == {made[2]["id"]}
    assert ids("pending") == {made[3]["id"], made[4]["id"]}

    r = admin.get("/api/invitations?status=lost")
    assert r.status_code == 400 and r.json["field"] == "status"
    r = admin.get("/api/invitations?page_size=101")
    assert r.status_code == 400 and r.json["field"] == "page_size"
