"""Identities are never reused: a deleted user's sign-in token and signed URLs never pass
as someone who registers later, and signed URLs end with the session (logout, password
change, deactivation)."""

from __future__ import annotations

from support import PASSWORD
from video_rows import make_video


def _media_url(api, video) -> str:
    r = api.get(f"/api/videos/stream/{video.public_id}")
    assert r.status_code == 200, r.json
    return r.json["url"]


def _upload_url(api) -> str:
    r = api.post("/api/videos/upload-url", json={"filename": "a.mp4", "size": 1000})
    assert r.status_code == 201, r.json
    return r.json["upload_url"]


def _tus_head(client, url):
    return client.head(url, headers={"Tus-Resumable": "1.0.0"})


def test_a_deleted_users_token_and_links_never_sign_in_the_next_user(
    app, client, admin, make_user
):
    clip = make_video(app, admin, title="Family")
    gone = make_user("gone")
    old_token, old_media = gone.token, _media_url(gone, clip)
    assert client.get(old_media).status_code == 200
    assert admin.delete(f"/api/users/{gone.user['id']}").status_code == 204

    newcomer = make_user("newcomer")
    assert newcomer.user["id"] != gone.user["id"]
    r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {old_token}"})
    assert r.status_code == 401
    assert r.json["error_code"] == "token_revoked"
    r = client.get(old_media)
    assert r.status_code == 403
    assert r.json["error_code"] == "invalid_link"
    assert newcomer.get("/api/auth/me").json["username"] == "newcomer"


def test_ids_are_not_reused_after_the_newest_user_is_deleted(admin, make_user):
    first = make_user()
    assert admin.delete(f"/api/users/{first.user['id']}").status_code == 204
    assert make_user().user["id"] > first.user["id"]


def test_signed_links_end_with_logout(app, client, admin, user):
    clip = make_video(app, admin)
    media, upload = _media_url(user, clip), _upload_url(user)
    assert client.get(media).status_code == 200
    assert _tus_head(client, upload).status_code == 200
    assert user.post("/api/auth/logout").status_code == 204
    for r in (client.get(media), _tus_head(client, upload)):
        assert r.status_code == 403
    assert client.get(media).json["error_code"] == "invalid_link"


def test_signed_links_end_with_a_password_change(app, client, admin, user):
    clip = make_video(app, admin)
    media, upload = _media_url(user, clip), _upload_url(user)
    r = user.patch(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": PASSWORD + "x"}
    )
    assert r.status_code == 200, r.json
    assert client.get(media).status_code == 403
    assert _tus_head(client, upload).status_code == 403


def test_signed_links_end_with_deactivation(app, client, admin, user):
    clip = make_video(app, admin)
    media, upload = _media_url(user, clip), _upload_url(user)
    r = admin.patch(f"/api/users/{user.user['id']}/active", json={"is_active": False})
    assert r.status_code == 200
    assert client.get(media).status_code == 403
    assert _tus_head(client, upload).status_code == 403
    # Active again, the old links stay dead: deactivation ended that session for good.
    admin.patch(f"/api/users/{user.user['id']}/active", json={"is_active": True})
    assert client.get(media).status_code == 403
    assert _tus_head(client, upload).status_code == 403


def test_a_token_naming_a_row_id_signs_in_nobody(app, client, user):
    """Validly signed, current version, but naming the user by row id (as tokens once
    did): only the random subject identifies a user."""
    issuer = app.extensions["clipset"].tokens
    for sub in (str(user.user["id"]), ""):
        token = issuer.issue(sub, 0)
        r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and r.json["error_code"] == "token_revoked"
