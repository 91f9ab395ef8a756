"""Guest share links: who may make, list and revoke them; what a guest with the link (and
nothing else) reaches; expiry, revocation, passwords and their rate limit."""

from __future__ import annotations

import datetime as dt

import pytest
from support import Api
from video_rows import db, file_bytes, make_video, reload

from clipset.store.models import ShareLink, Video, now

SIZE = 5000
PASSWORD = "grandma1"
ELSEWHERE = {"REMOTE_ADDR": "10.9.9.9"}


@pytest.fixture
def settings_overrides(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(
        "<html><head><title>Clipset</title></head><body></body></html>"
    )
    return {"login_attempts": 1, "web_dist": str(dist)}


@pytest.fixture
def video(app, user):
    return make_video(app, user, title="Beach day", description="Waves & sand", size=SIZE)


@pytest.fixture
def guest(client):
    """Someone with the link and no account: no bearer token, a browser of their own."""
    return Api(client)


def share(api: Api, video, **body) -> dict:
    r = api.post(f"/api/videos/{video.public_id}/shares", json=body)
    assert r.status_code == 201, r.json
    return r.json


def token_of(link: dict) -> str:
    return link["path"].removeprefix("/s/")


def opened(guest: Api, link: dict, **params) -> dict:
    r = guest.get(f"/api/guest/{token_of(link)}", query_string=params)
    assert r.status_code == 200, r.json
    return r.json


def set_link(link: dict, **fields) -> None:
    with db():
        ShareLink.update(**fields).where(ShareLink.id == link["id"]).execute()


# -- making, listing, revoking: anonymous, guest, owner, other user, admin ----------------
def test_only_the_owner_or_an_admin_makes_and_lists_a_videos_links(
    app, anon, guest, user, other_user, admin, video
):
    path = f"/api/videos/{video.public_id}/shares"
    assert anon.post(path, json={}).status_code == 401
    assert anon.get(path).status_code == 401
    link = share(user, video)
    # A guest holding the link is still nobody to the owner's API.
    assert guest.get(path, query_string={"access": token_of(link)}).status_code == 401
    r = other_user.post(path, json={})
    assert r.status_code == 403 and r.json["error_code"] == "not_owner"
    assert other_user.get(path).status_code == 403
    by_admin = share(admin, video, label="from admin")
    assert [x["id"] for x in user.get(path).json] == [by_admin["id"], link["id"]]
    assert len(admin.get(path).json) == 2

    private = make_video(app, user, privacy="private")
    assert other_user.post(f"/api/videos/{private.public_id}/shares", json={}).status_code == 404
    assert user.post("/api/videos/AAAAAAAAAAA/shares", json={}).status_code == 404
    pending = make_video(app, user, status="pending", files=False)
    r = user.post(f"/api/videos/{pending.public_id}/shares", json={})
    assert r.status_code == 409 and r.json["error_code"] == "not_ready"


def test_a_link_is_random_and_says_what_it_grants(user, video):
    link = share(
        user,
        video,
        expires_in="1d",
        password=PASSWORD,
        allow_download=True,
        label=" for  grandma ",
    )
    other = share(user, video)
    assert len(token_of(link)) >= 43  # 32 random bytes, base64url: 256 bits
    assert token_of(link) != token_of(other) and video.public_id not in link["path"]
    assert link["label"] == "for grandma"
    assert link["has_password"] and link["allow_download"] and link["status"] == "active"
    assert link["video"] == {"id": video.public_id, "title": "Beach day", "privacy": "public"}
    expires = dt.datetime.fromisoformat(link["expires_at"].rstrip("Z"))
    assert dt.timedelta(hours=23) < expires - now() <= dt.timedelta(days=1)
    assert other["expires_at"] is not None and not other["has_password"]
    assert share(user, video, expires_in="never")["expires_at"] is None
    assert "password" not in str(link).replace("has_password", "")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"expires_in": "2d"}, "expires_in"),
        ({"password": "abc"}, "password"),
        ({"label": "x" * 81}, "label"),
        ({"allow_download": "maybe"}, "allow_download"),
        ({"video_id": 1}, "video_id"),
    ],
)
def test_bad_input_is_refused_and_leaves_no_link(user, video, body, field):
    r = user.post(f"/api/videos/{video.public_id}/shares", json=body)
    assert r.status_code == 400 and r.json["field"] == field
    assert user.get(f"/api/videos/{video.public_id}/shares").json == []


def test_my_shared_links_are_mine_alone(user, other_user, admin, anon, video):
    mine = share(user, video, label="for grandma")
    share(admin, video)
    assert anon.get("/api/shares").status_code == 401
    page = user.get("/api/shares").json
    assert [x["id"] for x in page["items"]] == [mine["id"]] and page["total_count"] == 1
    assert other_user.get("/api/shares").json["items"] == []
    assert len(admin.get("/api/shares").json["items"]) == 1


def test_revoking_is_for_the_creator_the_owner_or_an_admin(user, other_user, admin, anon, video):
    link, second, third = share(user, video), share(user, video), share(admin, video)
    assert anon.delete(f"/api/shares/{link['id']}").status_code == 401
    r = other_user.delete(f"/api/shares/{link['id']}")
    assert r.status_code == 404 and r.json["error_code"] == "share_not_found"
    assert user.delete("/api/shares/nosuchlink").status_code == 404
    assert user.delete(f"/api/shares/{link['id']}").status_code == 204
    assert user.delete(f"/api/shares/{link['id']}").status_code == 204  # already off
    assert admin.delete(f"/api/shares/{second['id']}").status_code == 204
    assert user.delete(f"/api/shares/{third['id']}").status_code == 204  # the video's owner
    statuses = {
        x["id"]: x["status"] for x in user.get(f"/api/videos/{video.public_id}/shares").json
    }
    assert set(statuses.values()) == {"revoked"}


# -- the guest's side ----------------------------------------------------------------------
GUEST_KEYS = {"kind", "requires_password", "unlocked", "access", "allow_download", "expires_at"}


def test_a_guest_with_the_link_gets_the_video_and_nothing_else(client, guest, user, video):
    link = share(user, video)
    out = opened(guest, link)
    assert set(out) == GUEST_KEYS | {"video", "media", "album"}
    assert out["kind"] == "video" and out["album"] is None
    assert out["video"] == {
        "id": video.public_id,
        "title": "Beach day",
        "description": "Waves & sand",
        "uploader_name": user.user["username"],
        "duration_seconds": 2.0,
        "width": None,
        "height": None,
        "created_at": out["video"]["created_at"],
    }
    assert out["media"]["download_url"] is None and not out["allow_download"]
    r = client.get(out["media"]["stream_url"], headers={"Range": "bytes=100-199"})
    assert r.status_code == 206 and r.data == file_bytes(SIZE)[100:200]
    assert client.get(out["media"]["thumbnail_url"]).status_code == 200
    # The link's media URLs name no user: the household's API stays closed to the guest.
    for path in (
        "/api/videos",
        "/api/videos/feed",
        f"/api/videos/{video.public_id}",
        f"/api/videos/{video.public_id}/comments",
        "/api/users",
        "/api/shares",
    ):
        assert guest.get(path).status_code == 401, path
    # And the link's media token opens no other file, nor the members' media route.
    token = out["media"]["stream_url"].split("token=")[1]
    other = make_video(client.application, user)
    assert (
        client.get(f"/media/shared/video/{other.public_id}.mp4?token={token}").status_code == 403
    )
    assert client.get(f"/media/videos/{video.public_id}.mp4?token={token}").status_code == 403
    assert (
        client.get(f"/media/shared/download/{video.public_id}.mp4?token={token}").status_code
        == 403
    )


def test_opening_is_counted_for_the_owner(guest, user, video):
    link = share(user, video)
    assert link["open_count"] == 0 and link["last_opened_at"] is None
    opened(guest, link)
    opened(guest, link)
    [listed] = user.get(f"/api/videos/{video.public_id}/shares").json
    assert listed["open_count"] == 2 and listed["last_opened_at"].endswith("Z")


def test_download_obeys_the_switch(client, guest, user, video):
    off = opened(guest, share(user, video))
    on = opened(guest, share(user, video, allow_download=True))
    r = client.get(on["media"]["download_url"])
    assert r.status_code == 200 and r.data == file_bytes(SIZE)
    assert r.headers["Content-Disposition"] == 'attachment; filename="Beach day.mp4"'
    assert off["media"]["download_url"] is None
    token = off["media"]["stream_url"].split("token=")[1]
    assert (
        client.get(f"/media/shared/download/{video.public_id}.mp4?token={token}").status_code
        == 403
    )


def test_unknown_expired_and_revoked_links_say_which(client, guest, user, video):
    assert guest.get("/api/guest/not-a-link").json["error_code"] == "share_not_found"
    expired, revoked = share(user, video, expires_in="1d"), share(user, video)
    playing = opened(guest, expired)["media"]["stream_url"]
    set_link(expired, expires_at=now() - dt.timedelta(seconds=1))
    assert user.delete(f"/api/shares/{revoked['id']}").status_code == 204
    r = guest.get(f"/api/guest/{token_of(expired)}")
    assert r.status_code == 410 and r.json["error_code"] == "share_expired"
    r = guest.get(f"/api/guest/{token_of(revoked)}")
    assert r.status_code == 410 and r.json["error_code"] == "share_revoked"
    assert client.get(playing).status_code == 410  # a stream started before stops too
    [e] = [x for x in user.get("/api/shares").json["items"] if x["id"] == expired["id"]]
    assert e["status"] == "expired"


def test_revoking_stops_media_urls_already_handed_out(client, guest, user, video):
    link = share(user, video, allow_download=True)
    media = opened(guest, link)["media"]
    for url in (media["stream_url"], media["thumbnail_url"], media["download_url"]):
        assert client.get(url, headers={"Range": "bytes=0-9"}).status_code in (200, 206)
    assert user.delete(f"/api/shares/{link['id']}").status_code == 204
    for url in (media["stream_url"], media["thumbnail_url"], media["download_url"]):
        r = client.get(url, headers={"Range": "bytes=10-19"})
        assert r.status_code == 410 and r.json["error_code"] == "share_revoked"


def test_private_keeps_the_link_working_and_deleting_kills_it(client, guest, user, video):
    link = share(user, video)
    assert (
        user.patch(
            f"/api/videos/{video.public_id}/privacy", json={"privacy": "private"}
        ).status_code
        == 200
    )
    media = opened(guest, link)["media"]
    assert client.get(media["stream_url"]).status_code == 200
    [listed] = user.get("/api/shares").json["items"]
    assert listed["video_is_private"] and listed["video"]["privacy"] == "private"
    assert user.delete(f"/api/videos/{video.public_id}").status_code == 204
    assert reload(video) is None
    assert guest.get(f"/api/guest/{token_of(link)}").status_code == 404
    assert client.get(media["stream_url"]).status_code in (403, 404)
    with db():
        assert ShareLink.select().count() == 0


def test_a_password_link_shows_nothing_until_unlocked(client, guest, user, video):
    link = share(user, video, password=PASSWORD)
    locked = opened(guest, link)
    assert locked["requires_password"] and not locked["unlocked"]
    assert locked["video"] is None and locked["media"] is None
    unlock = f"/api/guest/{token_of(link)}/unlock"
    # (Guessed from another device: one wrong guess per client and link is all this allows.)
    r = guest.post(unlock, json={"password": "wrong guess"}, environ_base=ELSEWHERE)
    assert r.status_code == 403 and r.json["error_code"] == "share_password_wrong"
    out = guest.post(unlock, json={"password": PASSWORD}).json
    assert out["unlocked"] and out["video"]["title"] == "Beach day"
    assert client.get(out["media"]["stream_url"]).status_code == 200
    # The unlock's access keeps the page open on reload; another link's does not.
    assert opened(guest, link, access=out["access"])["unlocked"]
    other = share(user, video, password=PASSWORD)
    assert not opened(guest, other, access=out["access"])["unlocked"]
    assert not opened(guest, link, access="forged")["unlocked"]


def test_wrong_passwords_are_rate_limited_per_link_and_client(client, user, video):
    link = share(user, video, password=PASSWORD)
    unlock = f"/api/guest/{token_of(link)}/unlock"
    here = Api(client)
    assert here.post(unlock, json={"password": "nope nope"}).status_code == 403  # one allowed
    r = here.post(unlock, json={"password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    # Another client may still open it with the right password.
    elsewhere = client.post(
        unlock, json={"password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert elsewhere.status_code == 200 and elsewhere.json["unlocked"]


def test_the_guest_page_carries_a_preview_for_chat_apps(client, user, video):
    link = share(user, video)
    r = client.get(link["path"])
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert '<meta property="og:title" content="Beach day" />' in html
    assert '<meta property="og:description" content="Waves &amp; sand" />' in html
    image = html.split('property="og:image" content="')[1].split('"')[0]
    assert image.startswith("http://localhost/media/shared/thumbnail/")
    assert client.get(image.removeprefix("http://localhost")).status_code == 200
    assert 'name="twitter:card" content="summary_large_image"' in html

    locked = client.get(share(user, video, password=PASSWORD)["path"]).get_data(as_text=True)
    assert "Beach day" not in locked and "og:image" not in locked
    gone = client.get("/s/no-such-link").get_data(as_text=True)
    assert "og:title" in gone and "og:image" not in gone


def test_the_link_survives_only_while_its_video_row_does(app, user, video):
    """The kind is stored; a video link keys its video and no album."""
    link = share(user, video)
    with db():
        row = ShareLink.get_by_id(link["id"])
        assert (
            row.target_kind == "video"
            and row.video_id == Video.get(Video.public_id == video.public_id).id
            and row.album_id is None
        )


def test_one_client_guessing_across_links_is_stopped(client, user, video):
    """One guess a link (login_attempts in this module), ten a client over all links."""
    here = {"REMOTE_ADDR": "10.0.0.1"}
    links = [share(user, video, password=PASSWORD) for _ in range(11)]
    for link in links[:10]:
        r = client.post(
            f"/api/guest/{token_of(link)}/unlock",
            json={"password": "nope nope"},
            environ_base=here,
        )
        assert r.status_code == 403
    r = client.post(
        f"/api/guest/{token_of(links[10])}/unlock", json={"password": PASSWORD}, environ_base=here
    )
    assert r.status_code == 429


def test_many_clients_guessing_one_link_lock_that_link(client, user, video):
    link = share(user, video, password=PASSWORD)
    unlock = f"/api/guest/{token_of(link)}/unlock"
    for n in range(10):
        r = client.post(
            unlock, json={"password": "nope nope"}, environ_base={"REMOTE_ADDR": f"10.1.0.{n}"}
        )
        assert r.status_code == 403
    r = client.post(unlock, json={"password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.2.0.1"})
    assert r.status_code == 429
    # Other links stay open to that client.
    other = share(user, video, password=PASSWORD)
    r = client.post(
        f"/api/guest/{token_of(other)}/unlock",
        json={"password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.2.0.1"},
    )
    assert r.status_code == 200


@pytest.mark.parametrize("who", ["anon", "other_user", "admin", "user"])
def test_guest_routes_answer_the_link_alone_whoever_asks(request, user, video, who):
    """A member's session adds nothing on the guest routes: the same video, the same
    media, the same refusals."""
    caller = request.getfixturevalue(who)
    link = share(user, video, password=PASSWORD)
    locked = opened(caller, link)
    assert locked["video"] is None
    r = caller.post(
        f"/api/guest/{token_of(link)}/unlock", json={"password": "wrong"}, environ_base=ELSEWHERE
    )
    assert r.status_code == 403
    out = caller.post(f"/api/guest/{token_of(link)}/unlock", json={"password": PASSWORD}).json
    assert set(out["video"]) == set(GUEST_KEYS_VIDEO)
    assert caller.client.get(out["media"]["stream_url"]).status_code == 200


GUEST_KEYS_VIDEO = (
    "id",
    "title",
    "description",
    "uploader_name",
    "duration_seconds",
    "width",
    "height",
    "created_at",
)
