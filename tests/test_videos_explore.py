"""Browsing videos: lists, the feed, search, featured, a user's videos, the library,
single lookups and view counting, with the visibility rule on every path."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import pytest
from video_rows import db, make_video, reload

from clipset.store.models import Category, View, now

LIST_PATHS = (
    "/api/videos",
    "/api/videos/feed",
    "/api/videos/featured",
    "/api/videos/search?q=clip",
    "/api/videos/mine",
    "/api/videos/mine/recent",
)


def pids(*videos) -> list[str]:
    return [v.public_id for v in videos]


@pytest.fixture
def world(app, user, admin):
    """One video of ``user`` in every state that must stay out of lists, plus a public one."""
    v = {
        name: make_video(app, user, title=f"clip {name}", is_featured=True, **kw)
        for name, kw in {
            "public": {},
            "unlisted": {"privacy": "unlisted"},
            "private": {"privacy": "private"},
            "pending": {"status": "pending", "files": False},
            "processing": {"status": "processing", "files": False},
            "failed": {"status": "failed", "files": False},
        }.items()
    }
    return v


def ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_every_read_path_needs_sign_in(anon, world, user):
    paths = LIST_PATHS + (
        f"/api/videos/{world['public'].public_id}",
        f"/api/videos/user/{user.user['id']}",
        f"/api/videos/by-key/{world['public'].storage_key}",
    )
    for path in paths:
        r = anon.get(path)
        assert r.status_code == 401, path
    assert anon.post(f"/api/videos/{world['public'].public_id}/views").status_code == 401


def test_lists_feed_search_show_only_public_finished_videos(world, user, other_user, admin):
    public = [world["public"].public_id]
    for viewer in (other_user, user, admin):
        assert ids(viewer.get("/api/videos")) == public
        assert ids(viewer.get("/api/videos/feed")) == public
        assert ids(viewer.get("/api/videos/search?q=clip")) == public
        assert ids(viewer.get("/api/videos/featured")) == public
        assert ids(viewer.get("/api/videos?q=clip")) == public
    assert ids(other_user.get(f"/api/videos/user/{user.user['id']}")) == public
    assert ids(admin.get(f"/api/videos/user/{user.user['id']}")) == public
    # The owner sees everything of their own on their page and in the library.
    everything = sorted(v.public_id for v in world.values())
    assert sorted(ids(user.get(f"/api/videos/user/{user.user['id']}"))) == everything
    assert sorted(ids(user.get("/api/videos/mine"))) == everything
    assert ids(other_user.get("/api/videos/mine")) == []
    assert other_user.get("/api/videos/user/999999").status_code == 404


def test_single_lookup_follows_visibility(world, user, other_user, admin):
    seen_by_others = {"public", "unlisted"}
    for name, video in world.items():
        for viewer in (user, admin):
            assert viewer.get(f"/api/videos/{video.public_id}").status_code == 200
            assert viewer.get(f"/api/videos/by-key/{video.storage_key}").status_code == 200
        expected = 200 if name in seen_by_others else 404
        r = other_user.get(f"/api/videos/{video.public_id}")
        assert r.status_code == expected, name
        r2 = other_user.get(f"/api/videos/by-key/{video.storage_key}")
        assert r2.status_code == expected, name
    # Hidden and missing look the same: nothing leaks.
    hidden = other_user.get(f"/api/videos/{world['private'].public_id}")
    missing = other_user.get("/api/videos/999999")
    assert hidden.json == missing.json and hidden.json["error_code"] == "video_not_found"
    assert other_user.get("/api/videos/by-key/nope").status_code == 404


def test_video_shape(world, other_user, user):
    body = other_user.get(f"/api/videos/{world['public'].public_id}").json
    assert body["uploader"] == {"id": user.user["id"], "username": user.user["username"]}
    assert body["created_at"].endswith("Z")
    for key in (
        "title",
        "description",
        "tags",
        "category_id",
        "privacy",
        "is_featured",
        "storage_key",
        "processing_status",
        "error_message",
        "transcode_mode",
        "duration_seconds",
        "width",
        "height",
        "fps",
        "file_size_bytes",
        "view_count",
        "like_count",
        "comment_count",
        "processing_started_at",
        "processing_finished_at",
    ):
        assert key in body


def test_feed_cursor_pages_through_ties_without_duplicates(app, user, other_user):
    tie = now().replace(microsecond=0) - dt.timedelta(minutes=5)
    videos = [make_video(app, user, title=f"t{i}", created_at=tie, files=False) for i in range(7)]
    videos += [
        make_video(
            app, user, title=f"old{i}", files=False, created_at=tie - dt.timedelta(seconds=i + 1)
        )
        for i in range(4)
    ]
    make_video(app, user, privacy="unlisted", created_at=tie, files=False)
    expected = [
        v.public_id
        for v in sorted(videos, key=lambda v: (v.created_at, v.public_id), reverse=True)
    ]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/videos/feed?limit=3" + (f"&cursor={cursor}" if cursor else "")
        r = other_user.get(url)
        assert r.status_code == 200
        seen += [item["id"] for item in r.json["items"]]
        pages += 1
        if pages == 2:  # a new upload mid-scroll must not shift what comes next
            make_video(app, user, title="brand new", files=False)
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
        # The cursor carries no integer key, not even base64-encoded.
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        assert not any(isinstance(part, int) for part in decoded)
    assert seen == expected and pages == 4


def test_feed_limits_and_bad_cursor(app, user, other_user):
    for i in range(3):
        make_video(app, user, files=False)
    r = other_user.get("/api/videos/feed")
    assert len(r.json["items"]) == 3 and r.json["next_cursor"] is None
    for bad in ("limit=0", "limit=51", "cursor=%%%", "cursor=bm9wZQ", "limit=x"):
        r = other_user.get(f"/api/videos/feed?{bad}")
        assert r.status_code == 400, bad
    assert other_user.get("/api/videos/feed?cursor=bm9wZQ").json["error_code"] == "invalid_cursor"


def test_list_filters_sorts_and_paging(app, user, other_user, admin):
    with db():
        music = Category.create(name="Music", slug="music")
    a = make_video(app, user, title="a", view_count=5, like_count=1, category=music.id)
    b = make_video(app, other_user, title="b", view_count=9, like_count=0)
    c = make_video(app, user, title="c", view_count=1, like_count=7)
    assert ids(other_user.get("/api/videos?sort_by=view_count")) == pids(b, a, c)
    assert ids(other_user.get("/api/videos?sort_by=view_count&order=asc")) == pids(c, a, b)
    assert ids(other_user.get("/api/videos?sort_by=like_count")) == pids(c, a, b)
    assert ids(other_user.get("/api/videos")) == pids(c, b, a)
    assert ids(other_user.get(f"/api/videos?category_id={music.id}")) == [a.public_id]
    assert ids(other_user.get(f"/api/videos?uploaded_by={user.user['id']}")) == pids(c, a)
    page = other_user.get("/api/videos?page=2&page_size=2").json
    assert [i["id"] for i in page["items"]] == [a.public_id]
    assert (page["total_count"], page["total_pages"], page["has_more"]) == (3, 2, False)
    for bad in ("sort_by=title", "order=up", "page=0", "page_size=101", "category_id=x"):
        r = other_user.get(f"/api/videos?{bad}")
        assert r.status_code == 400 and r.json["error_code"] == "validation_error", bad


ODD_QUERIES = [
    '"',
    "'",
    'foo"bar',
    "AND",
    "OR NOT",
    "*",
    "(",
    ")",
    "NEAR(a b)",
    "title:x",
    "^",
    "-",
    "+",
    "🙂",
    "a" * 200,
    "\\",
    "%",
    "_",
    "clip OR",
    "  ",
    "{}",
    "x'; DROP TABLE video;--",
    "clip*",
    '"clip"',
]


def test_search_never_fails_on_odd_input(app, user, other_user):
    video = make_video(app, user, title="clip", files=False)
    for query in ODD_QUERIES:
        r = other_user.get("/api/videos/search", query_string={"q": query})
        assert r.status_code in (200, 400), (query, r.json)
        r = user.get("/api/videos/mine", query_string={"search": query})
        assert r.status_code == 200, (query, r.json)
        r = other_user.get("/api/videos", query_string={"q": query})
        assert r.status_code == 200, (query, r.json)
    # Operators are taken literally, yet the words in them still find the video.
    for query in ("clip!", "clip*", '"clip"', "(clip)"):
        assert ids(other_user.get("/api/videos/search", query_string={"q": query})) == [
            video.public_id
        ], query


def test_search_matches_title_description_tags_prefix_and_accents(app, user, other_user):
    cafe = make_video(app, user, title="Café évening", files=False)
    desc = make_video(app, user, title="other", description="a walk by the river", files=False)
    tagged = make_video(app, user, title="third", tags=["skateboarding", "park"], files=False)
    hidden = make_video(app, user, title="cafe secret", privacy="unlisted", files=False)

    def search(q):
        return set(ids(other_user.get("/api/videos/search", query_string={"q": q})))

    assert search("cafe") == {cafe.public_id}
    assert search("CAFÉ!!") == {cafe.public_id}
    assert search('"evening') == {cafe.public_id}
    assert search("riv") == {desc.public_id}  # prefix on the last word
    assert search("walk river") == {desc.public_id}  # every word must match
    assert search("skate") == {tagged.public_id}
    assert search("park, third") == {tagged.public_id}
    assert search("nothing-here") == set()
    assert hidden.public_id not in search("secret")
    # The owner's library searches their hidden ones too.
    assert ids(user.get("/api/videos/mine?search=secret")) == [hidden.public_id]
    assert other_user.get("/api/videos/search").status_code == 400  # q is required


def test_mine_sorts_and_recent(app, user, other_user):
    base = now() - dt.timedelta(hours=1)
    b = make_video(
        app, user, title="Banana", size=300, status="pending", files=False, created_at=base
    )
    a = make_video(
        app,
        user,
        title="apple",
        size=900,
        privacy="private",
        files=False,
        created_at=base + dt.timedelta(minutes=1),
    )
    c = make_video(
        app,
        user,
        title="cherry",
        size=100,
        status="failed",
        files=False,
        created_at=base + dt.timedelta(minutes=2),
    )
    make_video(app, other_user, title="not mine", files=False)
    assert ids(user.get("/api/videos/mine")) == pids(c, a, b)
    assert ids(user.get("/api/videos/mine?sort_by=title&sort_order=asc")) == pids(a, b, c)
    assert ids(user.get("/api/videos/mine?sort_by=file_size_bytes")) == pids(a, b, c)
    assert user.get("/api/videos/mine?sort_by=bogus").status_code == 400
    recent = user.get("/api/videos/mine/recent?limit=2")
    assert [v["id"] for v in recent.json] == pids(c, a)
    assert user.get("/api/videos/mine/recent?limit=21").status_code == 400


def test_views_count_once_per_user_per_hour(app, user, other_user, admin):
    video = make_video(app, user)
    url = f"/api/videos/{video.public_id}/views"
    assert other_user.post(url).json == {"view_count": 1, "counted": True}
    assert other_user.post(url).json == {"view_count": 1, "counted": False}
    assert user.post(url).json == {"view_count": 2, "counted": True}
    # A view from two hours ago no longer blocks a new one.
    with db():
        View.update(viewed_at=now() - dt.timedelta(hours=2)).where(
            View.user == other_user.user["id"]
        ).execute()
    assert other_user.post(url).json == {"view_count": 3, "counted": True}
    assert reload(video).view_count == 3
    with db():
        assert View.select().where(View.video == video.id).count() == 3


def test_views_respect_visibility_and_readiness(app, user, other_user):
    private = make_video(app, user, privacy="private")
    pending = make_video(app, user, status="pending", files=False)
    assert other_user.post(f"/api/videos/{private.public_id}/views").status_code == 404
    r = user.post(f"/api/videos/{pending.public_id}/views")
    assert r.status_code == 409 and r.json["error_code"] == "not_ready"
    assert other_user.post("/api/videos/999999/views").status_code == 404
    assert reload(private).view_count == 0


def test_videos_are_known_by_unguessable_public_ids_only(app, user, other_user):
    """Ids in responses are 11 URL-safe random characters; counting integers, or any id
    not shaped like a public one, finds nothing; the public id of an unlisted video
    works for anyone signed in."""
    unlisted = make_video(app, user, privacy="unlisted")
    body = user.get(f"/api/videos/{unlisted.public_id}").json
    assert body["id"] == unlisted.public_id and re.fullmatch(r"[A-Za-z0-9_-]{11}", body["id"])
    assert other_user.get(f"/api/videos/{unlisted.public_id}").status_code == 200
    stream = other_user.get(f"/api/videos/stream/{unlisted.public_id}").json["url"]
    assert stream.startswith(f"/media/videos/{unlisted.public_id}.mp4?token=")
    for guess in (
        str(unlisted.id),
        "1",
        unlisted.public_id[:10],
        unlisted.public_id + "A",
        "a.b.c.d.e.f",
        "a" * 11,
    ):
        for path in (
            f"/api/videos/{guess}",
            f"/api/videos/stream/{guess}",
            f"/api/videos/{guess}/comments",
        ):
            r = other_user.get(path)
            assert r.status_code == 404, (path, r.json)
            assert r.json["error_code"] == "video_not_found"
    assert other_user.post(f"/api/videos/{unlisted.id}/like").status_code == 404
