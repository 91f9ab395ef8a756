"""Favourites (the videos you liked) and Watch later: your own lists, showing only what
you may still see."""

from __future__ import annotations

from video_rows import make_video


def _ids(r) -> list[str]:
    assert r.status_code == 200, r.json
    return [v["id"] for v in r.json["items"]]


def test_favourites_list_liked_videos_latest_first(app, user, other_user):
    a, b, c = (make_video(app, other_user, title=t) for t in ("A", "B", "C"))
    for video in (a, c, b):
        assert user.post(f"/api/videos/{video.public_id}/like").status_code == 200
    assert _ids(user.get("/api/videos/liked")) == [b.public_id, c.public_id, a.public_id]
    assert all(v["liked"] for v in user.get("/api/videos/liked").json["items"])
    user.delete(f"/api/videos/{c.public_id}/unlike")
    assert _ids(user.get("/api/videos/liked")) == [b.public_id, a.public_id]
    # Made private by its owner, a liked video drops out of the list.
    other_user.patch(f"/api/videos/{a.public_id}/privacy", json={"privacy": "private"})
    assert _ids(user.get("/api/videos/liked")) == [b.public_id]
    assert _ids(other_user.get("/api/videos/liked")) == []


def test_watch_later_add_remove_and_list(app, user, other_user):
    a, b = (make_video(app, other_user, title=t) for t in ("A", "B"))
    path = f"/api/videos/{a.public_id}/later"
    assert user.get(path).json == {"video_id": a.public_id, "saved": False}
    for _ in range(2):  # twice changes nothing
        r = user.put(path)
        assert r.status_code == 200 and r.json == {"video_id": a.public_id, "saved": True}
    user.put(f"/api/videos/{b.public_id}/later")
    assert _ids(user.get("/api/videos/later")) == [b.public_id, a.public_id]
    assert user.get(path).json["saved"] is True
    r = user.delete(path)
    assert r.status_code == 200 and r.json["saved"] is False
    assert _ids(user.get("/api/videos/later")) == [b.public_id]
    assert _ids(other_user.get("/api/videos/later")) == []  # lists are per user


def test_hidden_videos_cannot_be_saved_and_signed_out_callers_get_nothing(
    app, anon, user, other_user
):
    private = make_video(app, other_user, title="Secret", privacy="private")
    for method in ("GET", "PUT", "DELETE"):
        r = user.request(method, f"/api/videos/{private.public_id}/later")
        assert (r.status_code, r.json["error_code"]) == (404, "video_not_found")
        assert anon.request(method, f"/api/videos/{private.public_id}/later").status_code == 401
    for path in ("/api/videos/liked", "/api/videos/later"):
        assert anon.get(path).status_code == 401
    # Saved while visible, then made private: gone from the list, back when public again.
    public = make_video(app, other_user, title="Open")
    user.put(f"/api/videos/{public.public_id}/later")
    other_user.patch(f"/api/videos/{public.public_id}/privacy", json={"privacy": "private"})
    assert _ids(user.get("/api/videos/later")) == []
    other_user.patch(f"/api/videos/{public.public_id}/privacy", json={"privacy": "public"})
    assert _ids(user.get("/api/videos/later")) == [public.public_id]
