"""Likes and comments: idempotency, exact counters under concurrency, visibility,
validation, deletion rights, rate limiting and the events they publish."""

from __future__ import annotations

import http.client
import json
import threading

import pytest
import video_rows
from support import Api

from clipset.store.db import database
from clipset.store.models import Comment, Like, User, Video


@pytest.fixture
def make_video(app):
    """A video row, made directly (the pipeline is not under test here)."""

    def make(owner: Api, privacy="public", status="completed", duration=10.0) -> str:
        return video_rows.make_video(
            app, owner, privacy=privacy, status=status, files=False, duration_seconds=duration
        ).public_id

    return make


@pytest.fixture
def events(app):
    received = []
    unsubscribe = app.extensions["clipset"].events.subscribe(received.append)
    yield received
    unsubscribe()


def counts(video_id: str) -> dict:
    """The video's counters next to the rows they count."""
    with database.connection_context():
        video = Video.get(Video.public_id == video_id)
        return {
            "likes": video.like_count,
            "like_rows": Like.select().where(Like.video == video.id).count(),
            "comments": video.comment_count,
            "comment_rows": Comment.select().where(Comment.video == video.id).count(),
        }


def assert_consistent(video_id: str, likes: int, comments: int) -> None:
    assert counts(video_id) == {
        "likes": likes,
        "like_rows": likes,
        "comments": comments,
        "comment_rows": comments,
    }


# -- likes --------------------------------------------------------------------------------
def test_like_and_unlike_are_idempotent(user, other_user, make_video, events):
    vid = make_video(other_user)
    assert user.post(f"/api/videos/{vid}/like").json == {"like_count": 1, "liked": True}
    assert user.post(f"/api/videos/{vid}/like").json == {"like_count": 1, "liked": True}
    assert other_user.post(f"/api/videos/{vid}/like").json == {"like_count": 2, "liked": True}
    assert user.delete(f"/api/videos/{vid}/unlike").json == {"like_count": 1, "liked": False}
    assert user.delete(f"/api/videos/{vid}/unlike").json == {"like_count": 1, "liked": False}
    assert_consistent(vid, likes=1, comments=0)
    # Only real changes are announced, each after its commit with the count it made.
    assert [(e.type, e.data, e.video_id) for e in events] == [
        ("like.updated", {"video_id": vid, "like_count": 1}, vid),
        ("like.updated", {"video_id": vid, "like_count": 2}, vid),
        ("like.updated", {"video_id": vid, "like_count": 1}, vid),
    ]


def test_unlike_without_a_like_never_goes_negative(user, make_video):
    vid = make_video(user)
    for _ in range(2):
        r = user.delete(f"/api/videos/{vid}/unlike")
        assert r.status_code == 200 and r.json == {"like_count": 0, "liked": False}
    assert_consistent(vid, likes=0, comments=0)


def test_every_video_response_says_whether_the_caller_liked_it(
    user, other_user, admin, make_video
):
    """The like button's state comes with the video, in every list, whoever else liked it."""
    liked, plain = make_video(other_user), make_video(other_user)
    user.post(f"/api/videos/{liked}/like")

    def flags(caller: Api) -> dict[str, dict[int, bool]]:
        lists = {
            "one": [
                caller.get(f"/api/videos/{liked}").json,
                caller.get(f"/api/videos/{plain}").json,
            ]
        }
        for name, path in [
            ("list", "/api/videos"),
            ("feed", "/api/videos/feed"),
            ("search", "/api/videos/search?q=clip"),
            ("uploader", f"/api/videos/user/{other_user.user['id']}"),
        ]:
            lists[name] = caller.get(path).json["items"]
        return {name: {v["id"]: v["liked"] for v in items} for name, items in lists.items()}

    assert flags(user) == dict.fromkeys(flags(user), {liked: True, plain: False})
    assert flags(other_user) == dict.fromkeys(flags(user), {liked: False, plain: False})
    # The uploader's own library and changes they make answer for the uploader.
    assert {v["id"]: v["liked"] for v in other_user.get("/api/videos/mine").json["items"]} == {
        liked: False,
        plain: False,
    }
    other_user.post(f"/api/videos/{liked}/like")
    r = other_user.patch(f"/api/videos/{liked}/details", json={"title": "Renamed"})
    assert r.json["liked"] is True
    user.delete(f"/api/videos/{liked}/unlike")
    assert user.get(f"/api/videos/{liked}").json["liked"] is False
    assert admin.get(f"/api/videos/{liked}").json["liked"] is False


def _create_users(n: int, services) -> list[str]:
    """Users straight in the database (argon2 for 16 sign-ups would only slow the test)."""
    with database.connection_context():
        users = [User.create(username=f"fan{i}", password_hash="-") for i in range(n)]
        return [services.tokens.issue(u.subject, u.token_version) for u in users]


def test_concurrent_likes_keep_exact_counts(app, live_server, user, make_video):
    vid = make_video(user)
    tokens = _create_users(16, app.extensions["clipset"])
    start = threading.Barrier(len(tokens))
    failures = []

    def fan(i: int, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
        headers = {"Authorization": f"Bearer {token}"}
        start.wait()
        # Like, unlike, like, ...: even-numbered fans end liking, odd ones not.
        steps = ["like", "unlike"] * 3 + (["like"] if i % 2 == 0 else [])
        for step in steps:
            method = "POST" if step == "like" else "DELETE"
            conn.request(method, f"/api/videos/{vid}/{step}", headers=headers)
            response = conn.getresponse()
            body = json.loads(response.read())
            if response.status != 200 or body["liked"] != (step == "like"):
                failures.append((i, step, response.status, body))
        conn.close()

    threads = [threading.Thread(target=fan, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert_consistent(vid, likes=8, comments=0)


def test_likes_list_newest_first_and_paginated(user, make_user, make_video):
    vid = make_video(user)
    fans = [make_user() for _ in range(3)]
    for fan in fans:
        assert fan.post(f"/api/videos/{vid}/like").status_code == 200
    first = user.get(f"/api/videos/{vid}/likes?page=1&page_size=2").json
    assert first["total_count"] == 3 and first["total_pages"] == 2 and first["has_more"]
    second = user.get(f"/api/videos/{vid}/likes?page=2&page_size=2").json
    assert not second["has_more"]
    names = [item["user"]["username"] for item in first["items"] + second["items"]]
    assert names == [f.user["username"] for f in reversed(fans)]
    item = first["items"][0]
    assert set(item) == {"user", "created_at"} and set(item["user"]) == {"id", "username"}
    assert item["created_at"].endswith("Z")
    r = user.get(f"/api/videos/{vid}/likes?page_size=101")
    assert r.status_code == 400 and r.json["field"] == "page_size"


# -- visibility ---------------------------------------------------------------------------
def test_private_video_is_invisible_to_others(user, other_user, admin, make_video, events):
    vid = make_video(user, privacy="private")
    for r in (
        other_user.post(f"/api/videos/{vid}/like"),
        other_user.delete(f"/api/videos/{vid}/unlike"),
        other_user.get(f"/api/videos/{vid}/likes"),
        other_user.post(f"/api/videos/{vid}/comment", json={"body": "hi"}),
        other_user.get(f"/api/videos/{vid}/comments"),
    ):
        assert r.status_code == 404 and r.json["error_code"] == "video_not_found"
    for viewer in (user, admin):
        assert viewer.post(f"/api/videos/{vid}/like").status_code == 200
        assert viewer.post(f"/api/videos/{vid}/comment", json={"body": "ok"}).status_code == 201
    assert user.get(f"/api/videos/{vid}/likes").json["total_count"] == 2
    assert admin.get(f"/api/videos/{vid}/comments").json["total_count"] == 2
    assert_consistent(vid, likes=2, comments=2)
    assert {e.video_id for e in events} == {vid}
    # A comment on a hidden video stays hidden: deleting it says "not found", not 403.
    comment_id = user.get(f"/api/videos/{vid}/comments").json["items"][0]["id"]
    r = other_user.delete(f"/api/comments/{comment_id}")
    assert r.status_code == 404 and r.json["error_code"] == "comment_not_found"


def test_unlisted_video_works_for_anyone_with_the_id(user, other_user, make_video):
    vid = make_video(user, privacy="unlisted")
    assert other_user.post(f"/api/videos/{vid}/like").json == {"like_count": 1, "liked": True}
    assert other_user.post(f"/api/videos/{vid}/comment", json={"body": "nice"}).status_code == 201
    assert other_user.get(f"/api/videos/{vid}/comments").json["total_count"] == 1
    assert other_user.get(f"/api/videos/{vid}/likes").json["total_count"] == 1


def test_unfinished_video(user, other_user, make_video):
    vid = make_video(user, status="pending")
    # The owner sees it but cannot interact yet; others don't see it at all.
    for r in (
        user.post(f"/api/videos/{vid}/like"),
        user.delete(f"/api/videos/{vid}/unlike"),
        user.post(f"/api/videos/{vid}/comment", json={"body": "soon"}),
    ):
        assert r.status_code == 409 and r.json["error_code"] == "not_ready"
    assert user.get(f"/api/videos/{vid}/comments").json["items"] == []
    r = other_user.post(f"/api/videos/{vid}/like")
    assert r.status_code == 404
    assert_consistent(vid, likes=0, comments=0)


def test_unknown_video_and_anonymous_caller(user, anon):
    r = user.post("/api/videos/999/like")
    assert r.status_code == 404 and r.json["error_code"] == "video_not_found"
    assert user.get("/api/videos/999/comments").status_code == 404
    assert anon.post("/api/videos/1/like").status_code == 401
    assert anon.get("/api/videos/1/comments").status_code == 401


# -- comments -----------------------------------------------------------------------------
def test_comment_is_created_and_announced(user, other_user, make_video, events):
    vid = make_video(user)
    r = other_user.post(
        f"/api/videos/{vid}/comment", json={"body": "  great shot  ", "timestamp_seconds": 4.5}
    )
    assert r.status_code == 201
    comment = r.json
    assert comment["body"] == "great shot" and comment["timestamp_seconds"] == 4.5
    assert comment["video_id"] == vid
    assert comment["author"] == {
        "id": other_user.user["id"],
        "username": other_user.user["username"],
    }
    assert set(comment) == {"id", "video_id", "author", "body", "timestamp_seconds", "created_at"}
    assert_consistent(vid, likes=0, comments=1)
    assert len(events) == 1 and events[0].type == "comment.created"
    assert events[0].video_id == vid
    # The event carries the same comment the API answered with, as JSON-ready data.
    assert events[0].data == {"video_id": vid, "comment": comment}
    json.dumps(events[0].message())


def test_comment_body_is_plain_text_returned_verbatim(user, make_video):
    vid = make_video(user)
    body = '<script>alert("x")</script> & <b>bold</b>'
    r = user.post(f"/api/videos/{vid}/comment", json={"body": body})
    assert r.status_code == 201 and r.json["body"] == body
    listed = user.get(f"/api/videos/{vid}/comments")
    assert listed.content_type == "application/json"
    assert listed.json["items"][0]["body"] == body
    assert "nosniff" in listed.headers["X-Content-Type-Options"]


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"body": ""}, "body", "comment_empty"),
        ({"body": "   \n\t "}, "body", "comment_empty"),
        ({"body": "x" * 2001}, "body", "comment_too_long"),
        ({"body": "hi", "timestamp_seconds": -1}, "timestamp_seconds", "validation_error"),
        ({"body": "hi", "timestamp_seconds": 10.5}, "timestamp_seconds", "validation_error"),
        (
            {"body": "hi", "timestamp_seconds": float("inf")},
            "timestamp_seconds",
            "validation_error",
        ),
        ({"body": "hi", "timestamp_seconds": "soon"}, "timestamp_seconds", "validation_error"),
        ({}, "body", "validation_error"),
        ({"body": 5}, "body", "validation_error"),
    ],
)
def test_comment_validation(user, make_video, events, payload, field, code):
    vid = make_video(user, duration=10.0)
    r = user.post(f"/api/videos/{vid}/comment", json=payload)
    assert r.status_code == 400
    assert r.json["field"] == field and r.json["error_code"] == code and r.json["detail"]
    assert_consistent(vid, likes=0, comments=0)
    assert events == []


def test_comment_limits_at_the_edges(user, make_video):
    vid = make_video(user, duration=10.0)
    r = user.post(
        f"/api/videos/{vid}/comment", json={"body": "y" * 2000, "timestamp_seconds": 10.0}
    )
    assert r.status_code == 201 and len(r.json["body"]) == 2000
    r = user.post(f"/api/videos/{vid}/comment", json={"body": "z", "timestamp_seconds": 0})
    assert r.status_code == 201 and r.json["timestamp_seconds"] == 0
    # Without a known duration only the lower bound applies.
    unknown = make_video(user, duration=None)
    r = user.post(f"/api/videos/{unknown}/comment", json={"body": "z", "timestamp_seconds": 99})
    assert r.status_code == 201


def test_comments_newest_first_and_paginated(user, other_user, make_video):
    vid = make_video(user)
    for i in range(5):
        author = user if i % 2 else other_user
        assert author.post(f"/api/videos/{vid}/comment", json={"body": f"c{i}"}).status_code == 201
    pages = [user.get(f"/api/videos/{vid}/comments?page={p}&page_size=2").json for p in (1, 2, 3)]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert all(p["total_count"] == 5 and p["total_pages"] == 3 for p in pages)
    bodies = [item["body"] for p in pages for item in p["items"]]
    assert bodies == ["c4", "c3", "c2", "c1", "c0"]
    assert user.get(f"/api/videos/{vid}/comments?page=4&page_size=2").json["items"] == []


def test_delete_comment_rights_and_counts(user, other_user, make_user, admin, make_video, events):
    vid = make_video(user)
    stranger = make_user()

    def post(author: Api, body: str) -> int:
        return author.post(f"/api/videos/{vid}/comment", json={"body": body}).json["id"]

    mine, theirs = post(other_user, "mine"), post(stranger, "theirs")
    # Neither another commenter nor the video's owner may delete someone's comment.
    for who in (stranger, user):
        r = who.delete(f"/api/comments/{mine}")
        assert r.status_code == 403 and r.json["error_code"] == "not_comment_author"
    assert_consistent(vid, likes=0, comments=2)

    events.clear()
    assert other_user.delete(f"/api/comments/{mine}").status_code == 204
    assert admin.delete(f"/api/comments/{theirs}").status_code == 204
    assert_consistent(vid, likes=0, comments=0)
    assert [(e.type, e.data, e.video_id) for e in events] == [
        ("comment.deleted", {"video_id": vid, "comment_id": mine}, vid),
        ("comment.deleted", {"video_id": vid, "comment_id": theirs}, vid),
    ]
    for gone in (mine, theirs, 12345):
        r = admin.delete(f"/api/comments/{gone}")
        assert r.status_code == 404 and r.json["error_code"] == "comment_not_found"
    assert_consistent(vid, likes=0, comments=0)
    assert user.get(f"/api/videos/{vid}/comments").json["total_count"] == 0


def test_comment_posting_is_rate_limited_per_user(user, other_user, make_video, events):
    vid = make_video(user)
    for i in range(10):
        assert user.post(f"/api/videos/{vid}/comment", json={"body": f"{i}"}).status_code == 201
    r = user.post(f"/api/videos/{vid}/comment", json={"body": "one too many"})
    assert r.status_code == 429 and r.json["error_code"] == "rate_limited"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    # The refused comment left nothing behind, and other users are not held up.
    assert_consistent(vid, likes=0, comments=10)
    assert len(events) == 10
    assert other_user.post(f"/api/videos/{vid}/comment", json={"body": "me"}).status_code == 201


def test_social_routes_are_in_the_openapi_document(anon):
    paths = anon.get("/api/openapi.json").json["paths"]
    for path in (
        "/api/videos/{video_id}/like",
        "/api/videos/{video_id}/unlike",
        "/api/videos/{video_id}/likes",
        "/api/videos/{video_id}/comment",
        "/api/videos/{video_id}/comments",
        "/api/comments/{comment_id}",
    ):
        assert path in paths
