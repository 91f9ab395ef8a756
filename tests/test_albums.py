"""Albums with members: every path for every kind of caller, and the private videos an
album shares (API, media URLs and live events)."""

from __future__ import annotations

import pytest
from test_realtime import connect, like, marker, receive, subscribe  # noqa: F401
from video_rows import make_video

ROLES = ("anonymous", "owner", "viewer", "contributor", "other", "admin")


@pytest.fixture
def cast(app, anon, admin, make_user):
    """An owner's album holding their private and public videos, shared with a viewer and
    a contributor; everyone also has a finished video of their own."""
    owner, viewer, contributor, other = (
        make_user(n) for n in ("owner", "viewer", "contrib", "other")
    )
    people = {
        "anonymous": anon,
        "owner": owner,
        "viewer": viewer,
        "contributor": contributor,
        "other": other,
        "admin": admin,
    }
    private = make_video(app, owner, title="Private birthday", privacy="private")
    public = make_video(app, owner, title="Beach day")
    own = {
        name: make_video(app, api, title=f"{name}'s clip", privacy="private")
        for name, api in people.items()
        if api.user
    }
    found = {"people": people, "private": private, "public": public, "own": own}
    found["album"] = fresh_album(found)
    return found


def fresh_album(cast) -> str:
    """The owner's album "Family": the private then the public video, a viewer and a
    contributor."""
    owner, people = cast["people"]["owner"], cast["people"]
    r = owner.post("/api/albums", json={"title": "Family", "description": "Us"})
    assert r.status_code == 201, r.json
    album = r.json["id"]
    r = owner.post(
        f"/api/albums/{album}/videos",
        json={"video_ids": [cast["private"].public_id, cast["public"].public_id]},
    )
    assert r.status_code == 200, r.json
    for name, role in (("viewer", "viewer"), ("contributor", "contributor")):
        r = owner.put(
            f"/api/albums/{album}/members/{people[name].user['id']}", json={"role": role}
        )
        assert r.status_code == 200, r.json
    return album


def _ids(page) -> list[str]:
    return [v["id"] for v in page["items"]]


# (method, path, body, {role: status}); {album}, {private}, {public}, {own}, {viewer_id},
# {other_id} are filled in per caller.
MATRIX = [
    (
        "GET",
        "/api/albums",
        None,
        dict(owner=200, viewer=200, contributor=200, other=200, admin=200),
    ),
    (
        "POST",
        "/api/albums",
        {"title": "Mine"},
        dict(owner=201, viewer=201, contributor=201, other=201, admin=201),
    ),
    (
        "GET",
        "/api/albums/{album}",
        None,
        dict(owner=200, viewer=200, contributor=200, other=404, admin=200),
    ),
    (
        "PATCH",
        "/api/albums/{album}",
        {"title": "Renamed"},
        dict(owner=200, viewer=403, contributor=403, other=404, admin=200),
    ),
    (
        "DELETE",
        "/api/albums/{album}",
        None,
        dict(owner=204, viewer=403, contributor=403, other=404, admin=204),
    ),
    (
        "GET",
        "/api/albums/{album}/videos",
        None,
        dict(owner=200, viewer=200, contributor=200, other=404, admin=200),
    ),
    (
        "POST",
        "/api/albums/{album}/videos",
        {"video_ids": ["{own}"]},
        dict(owner=200, viewer=403, contributor=200, other=404, admin=200),
    ),
    (
        "DELETE",
        "/api/albums/{album}/videos/{public}",
        None,
        dict(owner=204, viewer=403, contributor=403, other=404, admin=204),
    ),
    (
        "PUT",
        "/api/albums/{album}/order",
        {"video_ids": ["{public}", "{private}"]},
        dict(owner=204, viewer=403, contributor=403, other=404, admin=204),
    ),
    (
        "GET",
        "/api/albums/{album}/members",
        None,
        dict(owner=200, viewer=200, contributor=200, other=404, admin=200),
    ),
    (
        "PUT",
        "/api/albums/{album}/members/{other_id}",
        {"role": "viewer"},
        dict(owner=200, viewer=403, contributor=403, other=404, admin=200),
    ),
    (
        "DELETE",
        "/api/albums/{album}/members/{viewer_id}",
        None,
        dict(owner=204, viewer=204, contributor=403, other=404, admin=204),
    ),
]


def _fill(value, values):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    "method,path,body,expected", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX]
)
def test_every_album_path_for_every_caller(cast, method, path, body, expected):
    """Each caller on a fresh album: who may, who is refused (403 for members, 404 for
    the rest, 401 signed out), and a refusal changes nothing."""
    people, owner = cast["people"], cast["people"]["owner"]
    for role in ROLES:
        album = fresh_album(cast)
        values = {
            "album": album,
            "private": cast["private"].public_id,
            "public": cast["public"].public_id,
            "own": cast["own"][role if role != "anonymous" else "owner"].public_id,
            "viewer_id": people["viewer"].user["id"],
            "other_id": people["other"].user["id"],
        }
        r = people[role].request(method, _fill(path, values), json=_fill(body, values))
        want = 401 if role == "anonymous" else expected[role]
        assert r.status_code == want, (role, r.status_code, r.json)
        if want < 400:
            continue
        assert r.json["error_code"], role
        got = owner.get(f"/api/albums/{album}")
        assert got.status_code == 200 and got.json["title"] == "Family", role
        videos = owner.get(f"/api/albums/{album}/videos").json
        assert _ids(videos) == [cast["private"].public_id, cast["public"].public_id], role
        assert len(owner.get(f"/api/albums/{album}/members").json) == 2, role


def test_album_lists_show_only_albums_you_are_in(cast):
    people = cast["people"]
    for name in ("owner", "viewer", "contributor"):
        mine = people[name].get("/api/albums").json
        assert [a["id"] for a in mine] == [cast["album"]], name
        assert mine[0]["role"] == ("owner" if name == "owner" else name)
    assert people["other"].get("/api/albums").json == []
    assert people["admin"].get("/api/albums").json == []
    assert people["admin"].get(f"/api/albums/{cast['album']}").json["role"] == "admin"


def test_viewers_see_the_owners_private_video_and_others_do_not(app, cast):
    people, private = cast["people"], cast["private"]
    album = cast["album"]
    for name in ("viewer", "contributor", "admin", "owner"):
        assert _ids(people[name].get(f"/api/albums/{album}/videos").json) == [
            private.public_id,
            cast["public"].public_id,
        ], name
        assert people[name].get(f"/api/videos/{private.public_id}").status_code == 200, name
        url = people[name].get(f"/api/videos/stream/{private.public_id}").json["url"]
        assert people[name].get(url).status_code == 200, name
        assert people[name].get(f"/api/videos/{private.public_id}/comments").status_code == 200
    other = people["other"]
    assert other.get(f"/api/videos/{private.public_id}").status_code == 404
    assert other.get(f"/api/videos/stream/{private.public_id}").status_code == 404
    assert other.post(f"/api/videos/{private.public_id}/like").status_code == 404
    # Private stays out of the feed and lists for everyone but its owner.
    feed = people["viewer"].get("/api/videos/feed").json
    assert private.public_id not in [v["id"] for v in feed["items"]]


def test_leaving_or_being_removed_ends_access_at_once(cast):
    people, private, album = cast["people"], cast["private"], cast["album"]
    viewer = people["viewer"]
    url = viewer.get(f"/api/videos/stream/{private.public_id}").json["url"]
    r = people["owner"].delete(f"/api/albums/{album}/members/{viewer.user['id']}")
    assert r.status_code == 204
    assert viewer.get(f"/api/videos/{private.public_id}").status_code == 404
    assert viewer.get(url).status_code == 404  # a media URL issued before stops too
    assert viewer.get(f"/api/albums/{album}").status_code == 404


def test_a_contributors_private_video_is_shared_but_not_someone_elses(app, cast):
    people, album = cast["people"], cast["album"]
    mine = cast["own"]["contributor"]
    r = people["contributor"].post(
        f"/api/albums/{album}/videos", json={"video_ids": [mine.public_id]}
    )
    assert r.status_code == 200 and r.json["video_count"] == 3
    assert people["viewer"].get(f"/api/videos/{mine.public_id}").status_code == 200
    # A contributor cannot add someone else's video, even one they may see.
    r = people["contributor"].post(
        f"/api/albums/{album}/videos", json={"video_ids": [cast["public"].public_id]}
    )
    assert (r.status_code, r.json["error_code"]) == (403, "not_your_video")
    # The owner adds another user's public video; made private, it is not shared.
    theirs = make_video(app, people["other"], title="Other's")
    people["owner"].post(f"/api/albums/{album}/videos", json={"video_ids": [theirs.public_id]})
    assert theirs.public_id in _ids(people["viewer"].get(f"/api/albums/{album}/videos").json)
    people["other"].patch(f"/api/videos/{theirs.public_id}/privacy", json={"privacy": "private"})
    assert theirs.public_id not in _ids(people["viewer"].get(f"/api/albums/{album}/videos").json)
    assert people["viewer"].get(f"/api/videos/{theirs.public_id}").status_code == 404
    # Removing the contributor takes their private video out of the viewer's reach.
    people["owner"].delete(f"/api/albums/{album}/members/{people['contributor'].user['id']}")
    assert people["viewer"].get(f"/api/videos/{mine.public_id}").status_code == 404


def test_unfinished_videos_stay_their_owners(app, cast):
    people, album = cast["people"], cast["album"]
    pending = make_video(
        app, people["owner"], title="Processing", privacy="private", status="processing"
    )
    r = people["owner"].post(
        f"/api/albums/{album}/videos", json={"video_ids": [pending.public_id]}
    )
    assert r.status_code == 200
    assert pending.public_id not in _ids(people["viewer"].get(f"/api/albums/{album}/videos").json)
    assert people["viewer"].get(f"/api/videos/{pending.public_id}").status_code == 404


def test_bulk_add_is_all_or_nothing_and_keeps_order(app, cast):
    owner, album = cast["people"]["owner"], cast["album"]
    a, b = (make_video(app, owner, title=t) for t in ("A", "B"))
    r = owner.post(
        f"/api/albums/{album}/videos",
        json={"video_ids": [a.public_id, "AAAAAAAAAAA", b.public_id]},
    )
    assert (r.status_code, r.json["error_code"]) == (404, "video_not_found")
    assert len(_ids(owner.get(f"/api/albums/{album}/videos").json)) == 2
    r = owner.post(
        f"/api/albums/{album}/videos",
        json={"video_ids": [b.public_id, a.public_id, b.public_id, cast["public"].public_id]},
    )
    assert r.status_code == 200
    assert _ids(owner.get(f"/api/albums/{album}/videos").json) == [
        cast["private"].public_id,
        cast["public"].public_id,
        b.public_id,
        a.public_id,
    ]


def test_reordering_keeps_hidden_videos_in_place(app, cast):
    people, album = cast["people"], cast["album"]
    owner = people["owner"]
    theirs = make_video(app, people["other"], title="Other's")
    c = make_video(app, owner, title="C")
    owner.post(f"/api/albums/{album}/videos", json={"video_ids": [theirs.public_id, c.public_id]})
    people["other"].patch(f"/api/videos/{theirs.public_id}/privacy", json={"privacy": "private"})
    p, q = cast["private"].public_id, cast["public"].public_id
    assert _ids(owner.get(f"/api/albums/{album}/videos").json) == [p, q, c.public_id]
    r = owner.put(f"/api/albums/{album}/order", json={"video_ids": [c.public_id, q, p]})
    assert r.status_code == 204
    assert _ids(owner.get(f"/api/albums/{album}/videos").json) == [c.public_id, q, p]
    assert _ids(people["admin"].get(f"/api/albums/{album}/videos").json) == [
        c.public_id,
        q,
        theirs.public_id,
        p,
    ]
    r = owner.put(f"/api/albums/{album}/order", json={"video_ids": ["AAAAAAAAAAA"]})
    assert (r.status_code, r.json["error_code"]) == (400, "video_not_in_album")


def test_album_edits_cover_and_delete(cast):
    owner, album = cast["people"]["owner"], cast["album"]
    assert owner.get(f"/api/albums/{album}").json["cover_video_id"] == cast["private"].public_id
    r = owner.patch(
        f"/api/albums/{album}",
        json={"cover_video_id": cast["public"].public_id, "description": "Summer"},
    )
    assert r.status_code == 200 and r.json["cover_video_id"] == cast["public"].public_id
    assert r.json["description"] == "Summer"
    r = owner.patch(f"/api/albums/{album}", json={"cover_video_id": "AAAAAAAAAAA"})
    assert (r.status_code, r.json["error_code"]) == (400, "cover_not_in_album")
    r = owner.patch(f"/api/albums/{album}", json={"title": "   "})
    assert r.status_code == 400
    assert owner.delete(f"/api/albums/{album}").status_code == 204
    assert owner.get(f"/api/albums/{album}").status_code == 404
    # The videos are still there.
    assert owner.get(f"/api/videos/{cast['private'].public_id}").status_code == 200
    assert (
        cast["people"]["viewer"].get(f"/api/videos/{cast['private'].public_id}").status_code == 404
    )


def test_members_and_roles(cast):
    people, album = cast["people"], cast["album"]
    owner = people["owner"]
    members = owner.get(f"/api/albums/{album}/members").json
    assert {(m["user"]["username"], m["role"]) for m in members} == {
        ("viewer", "viewer"),
        ("contrib", "contributor"),
    }
    r = owner.put(
        f"/api/albums/{album}/members/{people['viewer'].user['id']}", json={"role": "contributor"}
    )
    assert r.status_code == 200 and r.json["role"] == "contributor"
    r = owner.put(f"/api/albums/{album}/members/{owner.user['id']}", json={"role": "viewer"})
    assert (r.status_code, r.json["error_code"]) == (400, "owner_is_member")
    r = owner.put(f"/api/albums/{album}/members/999999", json={"role": "viewer"})
    assert (r.status_code, r.json["error_code"]) == (404, "user_not_found")
    r = owner.put(
        f"/api/albums/{album}/members/{people['other'].user['id']}", json={"role": "boss"}
    )
    assert r.status_code == 400


def test_album_ids_are_random_and_bad_ones_are_not_found(cast):
    owner = cast["people"]["owner"]
    assert len(cast["album"]) == 11
    for bad in ("1", "AAAAAAAAAAA", "x" * 300, "..%2F"):
        assert owner.get(f"/api/albums/{bad}").status_code == 404


def test_live_events_about_a_shared_private_video_reach_members_only(
    app,
    live_server,
    cast,
    marker,  # noqa: F811 (the fixture imported above)
):

    people, private = cast["people"], cast["private"]
    sockets = {}
    for name in ("owner", "viewer", "contributor", "admin", "other"):
        sockets[name] = connect(live_server, people[name])
        subscribe(sockets[name], private.public_id, marker.video.public_id)
    like(app, private, 3)
    for name in ("owner", "viewer", "contributor", "admin"):
        assert receive(sockets[name]) == {
            "type": "like.updated",
            "video_id": private.public_id,
            "like_count": 3,
        }, name
    marker(*sockets.values())  # other: the marker is the first thing it hears
    # A member removed hears nothing more about it.
    people["owner"].delete(f"/api/albums/{cast['album']}/members/{people['viewer'].user['id']}")
    like(app, private, 4)
    assert receive(sockets["owner"])["like_count"] == 4
    marker(sockets["viewer"], sockets["other"])
    for ws in sockets.values():
        ws.close()


def test_deleting_a_video_or_a_user_leaves_no_trace_in_albums(cast):
    people, album = cast["people"], cast["album"]
    owner, private = people["owner"], cast["private"]
    owner.patch(f"/api/albums/{album}", json={"cover_video_id": private.public_id})
    assert owner.delete(f"/api/videos/{private.public_id}").status_code == 204
    got = owner.get(f"/api/albums/{album}").json
    assert got["video_count"] == 1 and got["cover_video_id"] == cast["public"].public_id
    # A deleted member leaves the album; a deleted owner takes their albums along.
    admin = people["admin"]
    assert admin.delete(f"/api/users/{people['viewer'].user['id']}").status_code == 204
    assert [m["user"]["username"] for m in owner.get(f"/api/albums/{album}/members").json] == [
        "contrib"
    ]
    assert admin.delete(f"/api/users/{owner.user['id']}").status_code == 204
    assert admin.get(f"/api/albums/{album}").status_code == 404
    assert people["contributor"].get("/api/albums").json == []


def test_the_api_document_lists_the_album_and_list_routes_with_their_refusals(anon):
    spec = anon.get("/api/openapi.json").json
    want = {
        "/api/albums": {"get", "post"},
        "/api/albums/{album_id}": {"get", "patch", "delete"},
        "/api/albums/{album_id}/videos": {"get", "post"},
        "/api/albums/{album_id}/videos/{video_id}": {"delete"},
        "/api/albums/{album_id}/order": {"put"},
        "/api/albums/{album_id}/members": {"get"},
        "/api/albums/{album_id}/members/{user_id}": {"put", "delete"},
        "/api/videos/liked": {"get"},
        "/api/videos/later": {"get"},
        "/api/videos/{video_id}/later": {"get", "put", "delete"},
    }
    for path, methods in want.items():
        assert set(spec["paths"][path]) >= methods, path
        for method in methods:
            responses = spec["paths"][path][method]["responses"]
            assert "401" in responses, (path, method)
            if "{album_id}" in path:
                assert "404" in responses, (path, method)
    manage = spec["paths"]["/api/albums/{album_id}"]["patch"]["responses"]
    assert "403" in manage
