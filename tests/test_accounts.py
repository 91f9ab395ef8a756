"""Setup, registration, sign-in, sign-out, password change and token handling."""

from __future__ import annotations

import base64
import datetime as dt
import json

import jwt
from support import PASSWORD, Api

from clipset.security.ratelimit import RateLimiter
from clipset.store.db import database
from clipset.store.models import Invitation, now


def test_setup_creates_first_admin_once(anon):
    assert anon.get("/api/setup").json["needs_setup"] is True
    r = anon.post(
        "/api/setup", json={"username": "Host", "password": PASSWORD, "email": "host@example.com"}
    )
    assert r.status_code == 201
    assert r.json["token_type"] == "bearer"
    assert r.json["user"]["role"] == "admin" and r.json["user"]["username"] == "host"
    assert anon.get("/api/setup").json["needs_setup"] is False
    again = anon.post("/api/setup", json={"username": "other", "password": PASSWORD})
    assert again.status_code == 409 and again.json["error_code"] == "already_set_up"


def test_setup_validates_and_names_the_field(anon):
    r = anon.post("/api/setup", json={"username": "host", "password": "short"})
    assert r.status_code == 400
    assert r.json["field"] == "password" and "10 characters" in r.json["detail"]
    r = anon.post("/api/setup", json={"username": "host"})
    assert r.status_code == 400 and r.json["field"] == "password"
    r = anon.post("/api/setup", json={"username": 12, "password": PASSWORD})
    assert r.status_code == 400 and r.json["field"] == "username"
    r = anon.post("/api/setup", json={"username": "a b", "password": PASSWORD})
    assert r.status_code == 400 and r.json["field"] == "username"
    assert anon.get("/api/setup").json["needs_setup"] is True  # nothing half-made


def test_bad_json_and_wrong_shapes(anon):
    r = anon.client.post("/api/auth/login", data="{nope", content_type="application/json")
    assert r.status_code == 400 and r.json["error_code"] == "invalid_json"
    r = anon.client.post("/api/auth/login", data="[1, 2]", content_type="application/json")
    assert r.status_code == 400 and r.json["error_code"] == "validation_error"
    r = anon.post("/api/auth/login", json={"username": "x", "password": "y", "extra": 1})
    assert r.status_code == 400 and r.json["field"] == "extra"


def test_unknown_api_path_and_method_are_json(anon):
    r = anon.get("/api/does-not-exist")
    assert r.status_code == 404 and r.json["error_code"] == "not_found"
    r = anon.delete("/api/health")
    assert r.status_code == 405 and r.json["error_code"] == "method_not_allowed"


def test_login_me_logout(admin, anon):
    r = anon.post("/api/auth/login", json={"username": "ADMIN", "password": PASSWORD})
    assert r.status_code == 200
    token = r.json["access_token"]
    me = Api(anon.client, token).get("/api/auth/me")
    assert me.status_code == 200 and me.json["username"] == "admin"
    assert Api(anon.client, token).post("/api/auth/logout").status_code == 204
    # Logout revokes every token of the user, the fixture's included.
    for t in (token, admin.token):
        r = Api(anon.client, t).get("/api/auth/me")
        assert r.status_code == 401 and r.json["error_code"] == "token_revoked"


def test_wrong_password_and_unknown_user_look_the_same(admin, anon):
    a = anon.post("/api/auth/login", json={"username": "admin", "password": "wrong-password"})
    b = anon.post("/api/auth/login", json={"username": "ghost", "password": "wrong-password"})
    assert a.status_code == b.status_code == 401
    assert a.json == b.json


def test_me_requires_a_token(anon):
    r = anon.get("/api/auth/me")
    assert r.status_code == 401 and r.json["error_code"] == "not_authenticated"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_tampered_and_alg_none_tokens_are_refused(admin, anon):
    header, payload, sig = admin.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "999"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{forged_payload}.{sig}"
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    unsigned = f"{none_header}.{payload}."
    other_key = jwt.encode(
        {"sub": "1", "ver": 0, "iat": 1, "exp": 4102444800},
        "a-guessed-secret-of-thirty-two-bytes",
        algorithm="HS256",
    )
    for token in (tampered, unsigned, other_key, "garbage", admin.token + "x"):
        r = Api(anon.client, token).get("/api/auth/me")
        assert r.status_code == 401, token
        assert r.json["error_code"] == "invalid_token"


def test_expired_and_exp_less_tokens_are_refused(app, admin, anon):
    issuer = app.extensions["clipset"].tokens
    key = issuer._keys[-1]
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    expired = jwt.encode({"sub": "1", "ver": 0, "iat": past, "exp": past}, key, "HS256")
    no_exp = jwt.encode({"sub": "1", "ver": 0, "iat": past}, key, "HS256")
    r = Api(anon.client, expired).get("/api/auth/me")
    assert r.status_code == 401 and r.json["error_code"] == "token_expired"
    r = Api(anon.client, no_exp).get("/api/auth/me")
    assert r.status_code == 401 and r.json["error_code"] == "invalid_token"


def test_password_change_revokes_other_sessions(admin, anon):
    second = anon.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    other = Api(anon.client, second.json["access_token"])
    r = admin.patch(
        "/api/auth/password",
        json={"current_password": "not-it-at-all", "new_password": "a brand new secret"},
    )
    assert r.status_code == 403 and r.json["field"] == "current_password"
    r = admin.patch(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert r.status_code == 400 and r.json["field"] == "new_password"
    r = admin.patch(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
    )
    assert r.status_code == 200
    fresh = Api(anon.client, r.json["access_token"])
    assert fresh.get("/api/auth/me").status_code == 200
    assert other.get("/api/auth/me").status_code == 401
    assert admin.get("/api/auth/me").status_code == 401
    old = anon.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert old.status_code == 401
    new = anon.post(
        "/api/auth/login", json={"username": "admin", "password": "a brand new secret"}
    )
    assert new.status_code == 200


def _invite(app, days=7, **fields) -> str:
    with app.app_context():
        database.connect(reuse_if_open=True)
        token = f"tok-{dt.datetime.now().timestamp()}-{days}"
        Invitation.create(token=token, expires_at=now() + dt.timedelta(days=days), **fields)
        database.close()
    return token


def test_register_with_invitation_is_single_use(app, admin, anon):
    token = _invite(app, email="kid@example.com")
    r = anon.post(
        "/api/auth/register",
        json={"invitation_token": token, "username": "kid", "password": PASSWORD},
    )
    assert r.status_code == 201
    assert r.json["user"]["role"] == "user" and r.json["user"]["email"] == "kid@example.com"
    again = anon.post(
        "/api/auth/register",
        json={"invitation_token": token, "username": "kid2", "password": PASSWORD},
    )
    assert again.status_code == 409 and again.json["error_code"] == "invitation_used"


def test_register_refuses_expired_revoked_unknown_and_taken(app, admin, anon):
    body = {"username": "newbie", "password": PASSWORD}
    expired = _invite(app, days=-1)
    r = anon.post("/api/auth/register", json={"invitation_token": expired, **body})
    assert r.status_code == 409 and r.json["error_code"] == "invitation_expired"
    revoked = _invite(app, days=3, revoked=True)
    r = anon.post("/api/auth/register", json={"invitation_token": revoked, **body})
    assert r.status_code == 409 and r.json["error_code"] == "invitation_revoked"
    r = anon.post("/api/auth/register", json={"invitation_token": "nope", **body})
    assert r.status_code == 404 and r.json["error_code"] == "invitation_invalid"
    fresh = _invite(app, days=2)
    r = anon.post(
        "/api/auth/register",
        json={"invitation_token": fresh, "username": "Admin", "password": PASSWORD},
    )
    assert r.status_code == 409 and r.json["error_code"] == "username_taken"
    # The failed attempt did not use up the invitation.
    r = anon.post("/api/auth/register", json={"invitation_token": fresh, **body})
    assert r.status_code == 201


def test_login_limiter_forgets_names_once_their_window_passes():
    # Every sign-in asks about its username; made-up names must not pile up in memory.
    clock = [0.0]
    limiter = RateLimiter(2, 60, clock=lambda: clock[0])
    for i in range(100):
        assert limiter.retry_after(f"nobody-{i}") == 0
    limiter.hit("someone")
    limiter.hit("someone")
    assert limiter.retry_after("someone") == 60
    clock[0] = 61
    assert limiter.retry_after("someone") == 0
    assert limiter._hits == {}
