"""Album share links: who may make, list, change and revoke them; what a guest with the
link reaches (the album's videos in order, private ones of its owner and contributors
too, nothing else); expiry, revocation, passwords, deleting the album and taking a video
out of it."""

from __future__ import annotations

import datetime as dt

import pytest
from support import Api
from test_shares import ELSEWHERE, PASSWORD, opened, set_link, token_of
from video_rows import db, file_bytes, make_video

from clipset.store.models import ShareLink, now

SIZE = 5000


@pytest.fixture
def settings_overrides(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(
        "<html><head><title>Clipset</title></head><body></body></html>"
    )
    return {"login_attempts": 1, "web_dist": str(dist)}


@pytest.fixture
def cast(app, anon, client, admin, make_user):
    """Ann's album "Family": her private video, her public one and a contributor's
    private one, in that order; a viewer and a contributor; someone else outside it."""
    owner, member, contributor, other = (make_user(n) for n in ("ann", "bea", "cid", "dan"))
    album = owner.post("/api/albums", json={"title": "Family", "description": "Us & ours"})
    assert album.status_code == 201, album.json
    album_id = album.json["id"]
    for api, role in ((member, "viewer"), (contributor, "contributor")):
        r = owner.put(f"/api/albums/{album_id}/members/{api.user['id']}", json={"role": role})
        assert r.status_code == 200, r.json
    private = make_video(app, owner, title="Private birthday", privacy="private", size=SIZE)
    public = make_video(app, owner, title="Beach day", size=SIZE)
    theirs = make_video(app, contributor, title="Cid's secret", privacy="private", size=SIZE)
    r = owner.post(
        f"/api/albums/{album_id}/videos",
        json={"video_ids": [private.public_id, public.public_id]},
    )
    assert r.status_code == 200, r.json
    r = contributor.post(f"/api/albums/{album_id}/videos", json={"video_ids": [theirs.public_id]})
    assert r.status_code == 200, r.json
    return {
        "album": album_id,
        "anonymous": anon,
        "guest": Api(client),
        "owner": owner,
        "member": member,
        "contributor": contributor,
        "other": other,
        "admin": admin,
        "videos": [private, public, theirs],
    }


def share_album(api: Api, album: str, **body) -> dict:
    r = api.post(f"/api/albums/{album}/shares", json=body)
    assert r.status_code == 201, r.json
    return r.json


def titles(out: dict) -> list[str]:
    return [x["video"]["title"] for x in out["album"]["videos"]]


ORDER = ["Private birthday", "Beach day", "Cid's secret"]


# -- the owner's side: anonymous, guest, owner, member, other user, admin -----------------
@pytest.mark.parametrize(
    "who, made, listed",
    [
        ("anonymous", 401, 401),
        ("guest", 401, 401),
        ("member", 403, 403),
        ("contributor", 403, 403),
        ("other", 404, 404),
        ("owner", 201, 200),
        ("admin", 201, 200),
    ],
)
def test_only_the_owner_or_an_admin_makes_and_lists_an_albums_links(cast, who, made, listed):
    path = f"/api/albums/{cast['album']}/shares"
    r = cast[who].post(path, json={"label": "for grandma"})
    assert r.status_code == made, r.json
    if made == 403:
        assert r.json["error_code"] == "not_album_owner"
    if made == 404:
        assert r.json["error_code"] == "album_not_found"  # not even that it exists
    assert cast[who].get(path).status_code == listed
    if made == 201:
        assert r.json["target_kind"] == "album" and r.json["video"] is None
        assert r.json["album"] == {"id": cast["album"], "title": "Family"}
        assert [x["id"] for x in cast["owner"].get(path).json] == [r.json["id"]]
    else:
        assert cast["owner"].get(path).json == []


def test_bad_input_leaves_no_album_link(cast):
    owner, path = cast["owner"], f"/api/albums/{cast['album']}/shares"
    for body, field in (
        ({"expires_in": "2d"}, "expires_in"),
        ({"password": "abc"}, "password"),
        ({"label": "x" * 81}, "label"),
        ({"album_id": "x"}, "album_id"),
    ):
        r = owner.post(path, json=body)
        assert r.status_code == 400 and r.json["field"] == field, r.json
    assert owner.post("/api/albums/AAAAAAAAAAA/shares", json={}).status_code == 404
    assert owner.get(path).json == []


def test_album_links_are_listed_on_my_shared_links(cast, app):
    owner = cast["owner"]
    album_link = share_album(owner, cast["album"], label="family link")
    video = make_video(app, owner, title="Solo")
    r = owner.post(f"/api/videos/{video.public_id}/shares", json={"label": "solo link"})
    items = owner.get("/api/shares").json["items"]
    assert [(x["target_kind"], x["label"]) for x in items] == [
        ("video", "solo link"),
        ("album", "family link"),
    ]
    assert items[1]["album"]["title"] == "Family" and not items[1]["video_is_private"]
    assert items[0]["video"]["id"] == video.public_id and items[0]["album"] is None
    assert r.status_code == 201 and album_link["status"] == "active"
    assert cast["member"].get("/api/shares").json["items"] == []


# -- the guest's side ----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["guest", "anonymous", "member", "other", "admin", "owner"])
def test_the_link_shows_the_album_in_order_private_videos_included(cast, who):
    link = share_album(cast["owner"], cast["album"])
    out = opened(cast[who], link)
    assert out["kind"] == "album" and out["video"] is None and out["media"] is None
    album = out["album"]
    assert (album["title"], album["description"], album["owner_name"]) == (
        "Family",
        "Us & ours",
        "ann",
    )
    assert titles(out) == ORDER
    assert [x["video"]["uploader_name"] for x in album["videos"]] == ["ann", "ann", "cid"]
    assert set(album["videos"][0]["video"]) == {
        "id",
        "title",
        "description",
        "uploader_name",
        "duration_seconds",
        "width",
        "height",
        "created_at",
    }
    assert album["cover_thumbnail_url"] == album["videos"][0]["media"]["thumbnail_url"]


def test_a_guest_plays_each_video_and_reaches_nothing_else(cast, client):
    guest, album = cast["guest"], cast["album"]
    out = opened(guest, share_album(cast["owner"], album))
    second = out["album"]["videos"][1]["media"]
    r = client.get(second["stream_url"], headers={"Range": "bytes=100-199"})
    assert r.status_code == 206 and r.data == file_bytes(SIZE)[100:200]
    assert client.get(second["thumbnail_url"]).status_code == 200
    assert second["download_url"] is None
    for path in (
        f"/api/albums/{album}",
        f"/api/albums/{album}/videos",
        f"/api/albums/{album}/members",
        f"/api/albums/{album}/shares",
        "/api/albums",
        "/api/videos/feed",
        f"/api/videos/{cast['videos'][0].public_id}",
        "/api/users",
    ):
        assert guest.get(path).status_code == 401, path
    # One video's token opens neither another video of the album nor a download.
    token = second["stream_url"].split("token=")[1]
    first = cast["videos"][0].public_id
    assert client.get(f"/media/shared/video/{first}.mp4?token={token}").status_code == 403
    public = cast["videos"][1].public_id
    assert client.get(f"/media/shared/download/{public}.mp4?token={token}").status_code == 403


def test_an_album_link_shows_only_what_a_viewer_of_it_would_see(app, cast):
    """An admin's album may hold a member's private video the admin can see; a viewer of
    the album does not see it, and neither does the album's guest."""
    admin, other = cast["admin"], cast["other"]
    hidden = make_video(app, other, title="Dan's own", privacy="private")
    pending = make_video(app, admin, title="Still working", status="processing", files=False)
    r = admin.post("/api/albums", json={"title": "Admin's"})
    album = r.json["id"]
    ids = [hidden.public_id, cast["videos"][1].public_id, pending.public_id]
    assert admin.post(f"/api/albums/{album}/videos", json={"video_ids": ids}).status_code == 200
    out = opened(cast["guest"], share_album(admin, album))
    assert titles(out) == ["Beach day"]


def test_taking_a_video_out_of_the_album_takes_it_out_of_the_link_at_once(cast, client):
    owner, guest, album = cast["owner"], cast["guest"], cast["album"]
    link = share_album(owner, album, allow_download=True)
    media = opened(guest, link)["album"]["videos"][1]["media"]
    assert client.get(media["stream_url"], headers={"Range": "bytes=0-9"}).status_code == 206
    public = cast["videos"][1].public_id
    assert owner.delete(f"/api/albums/{album}/videos/{public}").status_code == 204
    for url in (media["stream_url"], media["thumbnail_url"], media["download_url"]):
        r = client.get(url, headers={"Range": "bytes=10-19"})
        assert r.status_code == 404, url
    assert titles(opened(guest, link)) == ["Private birthday", "Cid's secret"]
    # Put back, it is within reach again (the link names the album, not a list of videos).
    assert owner.post(f"/api/albums/{album}/videos", json={"video_ids": [public]}).json
    assert client.get(media["stream_url"], headers={"Range": "bytes=0-9"}).status_code == 206


def test_a_contributor_who_leaves_takes_their_private_video_out_of_the_link(cast, client):
    contributor, album = cast["contributor"], cast["album"]
    link = share_album(cast["owner"], album)
    media = opened(cast["guest"], link)["album"]["videos"][2]["media"]
    assert client.get(media["stream_url"]).status_code == 200
    assert (
        contributor.delete(f"/api/albums/{album}/members/{contributor.user['id']}").status_code
        == 204
    )
    assert client.get(media["stream_url"]).status_code == 404
    assert titles(opened(cast["guest"], link)) == ORDER[:2]


def test_deleting_the_album_kills_its_links(cast, client):
    owner, guest = cast["owner"], cast["guest"]
    link = share_album(owner, cast["album"])
    media = opened(guest, link)["album"]["videos"][0]["media"]
    assert owner.delete(f"/api/albums/{cast['album']}").status_code == 204
    r = guest.get(f"/api/guest/{token_of(link)}")
    assert r.status_code == 404 and r.json["error_code"] == "share_not_found"
    assert client.get(media["stream_url"]).status_code == 404
    assert owner.get("/api/shares").json["items"] == []
    with db():
        assert ShareLink.select().count() == 0


def test_expired_and_revoked_album_links_say_which_and_stop_their_media(cast, client):
    owner, guest = cast["owner"], cast["guest"]
    expired, revoked = share_album(owner, cast["album"]), share_album(owner, cast["album"])
    old = opened(guest, expired)["album"]["videos"][0]["media"]["stream_url"]
    playing = opened(guest, revoked)["album"]["videos"][1]["media"]["stream_url"]
    set_link(expired, expires_at=now() - dt.timedelta(seconds=1))
    assert cast["member"].delete(f"/api/shares/{revoked['id']}").status_code == 404
    assert cast["admin"].delete(f"/api/shares/{revoked['id']}").status_code == 204
    for link, code in ((expired, "share_expired"), (revoked, "share_revoked")):
        r = guest.get(f"/api/guest/{token_of(link)}")
        assert r.status_code == 410 and r.json["error_code"] == code
    for url, code in ((old, "share_expired"), (playing, "share_revoked")):
        r = client.get(url, headers={"Range": "bytes=0-9"})
        assert r.status_code == 410 and r.json["error_code"] == code
    statuses = {x["id"]: x["status"] for x in owner.get("/api/shares").json["items"]}
    assert statuses == {expired["id"]: "expired", revoked["id"]: "revoked"}


def test_a_password_album_link_shows_nothing_until_unlocked_and_limits_guesses(cast, client):
    link = share_album(cast["owner"], cast["album"], password=PASSWORD)
    guest = cast["guest"]
    locked = opened(guest, link)
    assert locked["kind"] == "album" and locked["requires_password"]
    assert locked["album"] is None and not locked["unlocked"]
    unlock = f"/api/guest/{token_of(link)}/unlock"
    r = guest.post(unlock, json={"password": "wrong guess"}, environ_base=ELSEWHERE)
    assert r.status_code == 403 and r.json["error_code"] == "share_password_wrong"
    r = guest.post(unlock, json={"password": PASSWORD}, environ_base=ELSEWHERE)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1  # that client waits
    out = guest.post(unlock, json={"password": PASSWORD}).json
    assert out["unlocked"] and titles(out) == ORDER
    assert client.get(out["album"]["videos"][0]["media"]["stream_url"]).status_code == 200
    assert titles(opened(guest, link, access=out["access"])) == ORDER


def test_each_page_load_counts_once_however_much_is_played(cast, client):
    owner, guest = cast["owner"], cast["guest"]
    link = share_album(owner, cast["album"])
    out = opened(guest, link)
    for entry in out["album"]["videos"]:
        for start in (0, 1000, 2000):
            ranged = {"Range": f"bytes={start}-{start + 99}"}
            assert client.get(entry["media"]["stream_url"], headers=ranged).status_code == 206
        assert client.get(entry["media"]["thumbnail_url"]).status_code == 200
    assert client.get(link["path"]).status_code == 200  # the page itself, and its preview
    [listed] = owner.get(f"/api/albums/{cast['album']}/shares").json
    assert listed["open_count"] == 1 and listed["last_opened_at"] is not None


def test_the_album_page_carries_a_preview_with_its_cover(cast, client):
    owner, album = cast["owner"], cast["album"]
    cover = cast["videos"][1].public_id
    assert owner.patch(f"/api/albums/{album}", json={"cover_video_id": cover}).status_code == 200
    html = client.get(share_album(owner, album)["path"]).get_data(as_text=True)
    assert '<meta property="og:title" content="Family" />' in html
    assert '<meta property="og:description" content="Us &amp; ours" />' in html
    assert '<meta property="og:type" content="website" />' in html
    image = html.split('property="og:image" content="')[1].split('"')[0]
    assert f"/media/shared/thumbnail/{cover}.jpg" in image
    assert client.get(image.removeprefix("http://localhost")).status_code == 200
    locked = client.get(share_album(owner, album, password=PASSWORD)["path"])
    text = locked.get_data(as_text=True)
    assert "Family" not in text and "og:image" not in text
    assert "An album shared with you" in text


# -- changing a link -----------------------------------------------------------------------
def test_the_owner_changes_label_expiry_and_download_of_a_link(cast, client):
    owner, guest = cast["owner"], cast["guest"]
    link = share_album(owner, cast["album"], label="for grandma", expires_in="1d")
    media = opened(guest, link)["album"]["videos"][1]["media"]
    assert media["download_url"] is None
    r = owner.patch(
        f"/api/shares/{link['id']}",
        json={"label": " for  grandpa ", "expires_in": "30d", "allow_download": True},
    )
    assert r.status_code == 200, r.json
    changed = r.json
    assert changed["label"] == "for grandpa" and changed["allow_download"]
    expires = dt.datetime.fromisoformat(changed["expires_at"].rstrip("Z"))
    assert dt.timedelta(days=29) < expires - now() <= dt.timedelta(days=30)
    assert changed["token"] == link["token"] and changed["has_password"] is False
    download = opened(guest, link)["album"]["videos"][1]["media"]["download_url"]
    assert client.get(download).status_code == 200
    # Switching downloads off again stops the download URL already handed out.
    r = owner.patch(f"/api/shares/{link['id']}", json={"allow_download": False})
    assert r.status_code == 200 and not r.json["allow_download"]
    assert r.json["label"] == "for grandpa"  # what was not sent stays
    r = client.get(download)
    assert r.status_code == 403 and r.json["error_code"] == "download_off"
    r = owner.patch(f"/api/shares/{link['id']}", json={"expires_in": "never"})
    assert r.json["expires_at"] is None
    [listed] = owner.get(f"/api/albums/{cast['album']}/shares").json
    assert (listed["label"], listed["expires_at"], listed["allow_download"]) == (
        "for grandpa",
        None,
        False,
    )


def test_an_expired_link_can_be_given_more_time(cast):
    owner, guest = cast["owner"], cast["guest"]
    link = share_album(owner, cast["album"])
    set_link(link, expires_at=now() - dt.timedelta(seconds=1))
    assert guest.get(f"/api/guest/{token_of(link)}").status_code == 410
    r = owner.patch(f"/api/shares/{link['id']}", json={"expires_in": "7d"})
    assert r.status_code == 200 and r.json["status"] == "active"
    assert titles(opened(guest, link)) == ORDER


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 401),
        ("guest", 401),
        ("member", 404),
        ("contributor", 404),
        ("other", 404),
        ("owner", 200),
        ("admin", 200),
    ],
)
def test_only_the_creator_the_owner_or_an_admin_changes_a_link(cast, who, status):
    link = share_album(cast["owner"], cast["album"], label="before")
    r = cast[who].patch(f"/api/shares/{link['id']}", json={"label": "after"})
    assert r.status_code == status, r.json
    [listed] = cast["owner"].get(f"/api/albums/{cast['album']}/shares").json
    assert listed["label"] == ("after" if status == 200 else "before")


def test_bad_changes_are_refused_and_change_nothing(cast, app):
    owner = cast["owner"]
    link = share_album(owner, cast["album"], label="keep")
    for body, field in (
        ({"expires_in": "2d"}, "expires_in"),
        ({"label": "x" * 81}, "label"),
        ({"allow_download": "maybe"}, "allow_download"),
        ({"password": "newpass1"}, "password"),
    ):
        r = owner.patch(f"/api/shares/{link['id']}", json=body)
        assert r.status_code == 400 and r.json["field"] == field, r.json
    assert owner.patch("/api/shares/nosuchlink", json={"label": "x"}).status_code == 404
    assert owner.delete(f"/api/shares/{link['id']}").status_code == 204
    r = owner.patch(f"/api/shares/{link['id']}", json={"expires_in": "never"})
    assert r.status_code == 409 and r.json["error_code"] == "share_revoked"
    [listed] = owner.get(f"/api/albums/{cast['album']}/shares").json
    assert (listed["label"], listed["status"]) == ("keep", "revoked")
    # Video links change the same way.
    video = make_video(app, owner, title="Solo")
    made = owner.post(f"/api/videos/{video.public_id}/shares", json={}).json
    r = owner.patch(f"/api/shares/{made['id']}", json={"allow_download": True, "label": "v"})
    assert r.status_code == 200 and r.json["allow_download"] and r.json["video"]["title"] == "Solo"
