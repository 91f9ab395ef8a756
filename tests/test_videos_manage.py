"""Managing videos: details, privacy, featuring and deletion, by owner or admin only."""

from __future__ import annotations

import datetime as dt

from video_rows import db, make_video, reload

from clipset.services.quota import week_start
from clipset.store.models import Category, Comment, Like, User, Video, View


def test_owner_edits_details_with_normalized_tags(app, user):
    with db():
        music = Category.create(name="Music", slug="music")
    video = make_video(app, user, title="old", description="keep me")
    r = user.patch(
        f"/api/videos/{video.public_id}/details",
        json={
            "title": "  New   title ",
            "tags": ["Cats", " cats", "DOGS ", "", "big  sky"],
            "category_id": music.id,
        },
    )
    assert r.status_code == 200, r.json
    assert r.json["title"] == "New title"
    assert r.json["tags"] == ["cats", "dogs", "big sky"]
    assert r.json["category_id"] == music.id
    assert r.json["description"] == "keep me"  # omitted fields stay
    # Search follows the edit (the FTS triggers).
    assert [v["id"] for v in user.get("/api/videos/search?q=dogs").json["items"]] == [
        video.public_id
    ]
    assert user.get("/api/videos/search?q=old").json["items"] == []
    r = user.patch(
        f"/api/videos/{video.public_id}/details", json={"category_id": None, "description": ""}
    )
    assert r.json["category_id"] is None and r.json["description"] == ""


def test_details_validation_names_the_field_and_changes_nothing(app, user):
    video = make_video(app, user, title="stays")
    cases = [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "d" * 5001}, "description"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"category_id": 999}, "category_id"),
        ({"tags": "notalist"}, "tags"),
        ({"privacy": "public"}, "privacy"),
    ]
    for body, field in cases:
        r = user.patch(
            f"/api/videos/{video.public_id}/details",
            json={"title": "changed", **body} if field != "title" else body,
        )
        assert r.status_code == 400, body
        assert r.json["field"].split(".")[0] == field, (body, r.json)
    assert reload(video).title == "stays"
    # 20 tags of 40 characters are fine; duplicates don't count twice.
    tags = [f"{i:02d}" + "x" * 38 for i in range(20)] + ["00" + "x" * 38]
    r = user.patch(f"/api/videos/{video.public_id}/details", json={"tags": tags})
    assert r.status_code == 200 and len(r.json["tags"]) == 20


def test_who_may_manage(app, user, other_user, admin, anon):
    public = make_video(app, user)
    private = make_video(app, user, privacy="private")
    pending = make_video(app, user, status="pending", files=False)
    for video, code in ((public, 403), (private, 404), (pending, 404)):
        for method, path, body in (
            ("PATCH", "details", {"title": "hijack"}),
            ("PATCH", "privacy", {"privacy": "private"}),
            ("DELETE", "", None),
        ):
            url = f"/api/videos/{video.public_id}/{path}".rstrip("/")
            r = other_user.request(method, url, json=body)
            assert r.status_code == code, (video.privacy, method, path)
            assert anon.request(method, url, json=body).status_code == 401
    r = other_user.patch(f"/api/videos/{public.public_id}/details", json={"title": "x"})
    assert r.json["error_code"] == "not_owner"
    assert reload(public).title == "clip" and reload(public).privacy == "public"
    # Admins manage anyone's video, the owner their own in any state.
    r = admin.patch(f"/api/videos/{private.public_id}/details", json={"title": "by admin"})
    assert r.status_code == 200 and r.json["title"] == "by admin"
    r = user.patch(f"/api/videos/{pending.public_id}/privacy", json={"privacy": "unlisted"})
    assert r.status_code == 200 and r.json["privacy"] == "unlisted"
    assert user.patch("/api/videos/999999/privacy", json={"privacy": "public"}).status_code == 404


def test_privacy_change_hides_the_video_at_once(app, user, other_user):
    video = make_video(app, user)
    assert other_user.get(f"/api/videos/{video.public_id}").status_code == 200
    r = user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "private"})
    assert r.status_code == 200 and r.json["privacy"] == "private"
    assert other_user.get(f"/api/videos/{video.public_id}").status_code == 404
    assert other_user.get("/api/videos").json["items"] == []
    r = user.patch(f"/api/videos/{video.public_id}/privacy", json={"privacy": "secret"})
    assert r.status_code == 400 and r.json["field"] == "privacy"
    r = user.patch(f"/api/videos/{video.public_id}/privacy", json={})
    assert r.status_code == 400 and r.json["field"] == "body"  # nothing to change


def test_only_admins_feature(app, user, admin):
    video = make_video(app, user)
    r = user.patch(f"/api/videos/{video.public_id}/feature", json={"is_featured": True})
    assert r.status_code == 403 and r.json["error_code"] == "admin_required"
    assert user.get("/api/videos/featured").json["items"] == []
    r = admin.patch(f"/api/videos/{video.public_id}/feature", json={"is_featured": True})
    assert r.status_code == 200 and r.json["is_featured"] is True
    assert [v["id"] for v in user.get("/api/videos/featured").json["items"]] == [video.public_id]
    r = admin.patch(f"/api/videos/{video.public_id}/feature", json={"is_featured": False})
    assert r.json["is_featured"] is False
    assert admin.patch("/api/videos/999999/feature", json={"is_featured": True}).status_code == 404


def test_delete_removes_row_files_and_gives_quota_back(app, user, other_user):
    data = app.extensions["clipset"].data
    video = make_video(app, user, source_size_bytes=3000)
    data.original_file(video.storage_key).write_bytes(b"original")
    with db():
        User.update(quota_used_bytes=10_000).where(User.id == user.user["id"]).execute()
        Like.create(user=other_user.user["id"], video=video.id)
        Comment.create(video=video.id, author=other_user.user["id"], body="nice")
        View.create(user=other_user.user["id"], video=video.id)
    files = (
        data.video_file(video.storage_key),
        data.thumbnail_file(video.storage_key),
        data.original_file(video.storage_key),
    )
    assert all(f.exists() for f in files)

    r = user.delete(f"/api/videos/{video.public_id}")
    assert r.status_code == 204 and r.data == b""
    assert reload(video) is None
    assert not any(f.exists() for f in files)
    with db():
        assert User.get_by_id(user.user["id"]).quota_used_bytes == 7000
        assert Like.select().count() == Comment.select().count() == View.select().count() == 0
    assert user.get(f"/api/videos/{video.public_id}").status_code == 404
    assert user.delete(f"/api/videos/{video.public_id}").status_code == 404


def test_delete_of_last_weeks_upload_leaves_this_weeks_quota(app, user, admin):
    old = make_video(
        app, user, source_size_bytes=3000, created_at=week_start() - dt.timedelta(days=1)
    )
    with db():
        User.update(quota_used_bytes=5000).where(User.id == user.user["id"]).execute()
    assert admin.delete(f"/api/videos/{old.public_id}").status_code == 204  # admins may delete
    with db():
        assert User.get_by_id(user.user["id"]).quota_used_bytes == 5000
        assert Video.select().count() == 0


def test_files_left_behind_by_a_failed_removal_are_set_aside_at_start_up(app, user):
    # Deleting a video removes its files after the commit; a crash there, or a file held
    # open (Windows refuses to delete it), leaves files no row refers to.
    services = app.extensions["clipset"]
    data = services.data
    kept, gone = make_video(app, user), make_video(app, user)
    data.original_file(kept.storage_key).write_bytes(b"kept original")
    data.original_file(gone.storage_key).write_bytes(b"only copy of the source")
    video_bytes = data.video_file(gone.storage_key).read_bytes()
    with db():
        Video.delete().where(Video.id == gone.id).execute()
    (data.uploads / "abandoned-without-row").write_bytes(b"partial")

    services.start()
    services.stop()

    # Nothing a row refers to moves; the rest waits in media/unclaimed, never deleted,
    # except the thumbnail, which is made again from the video.
    assert data.original_file(kept.storage_key).read_bytes() == b"kept original"
    assert data.video_file(kept.storage_key).exists()
    assert data.thumbnail_file(kept.storage_key).exists()
    assert sorted(
        p.relative_to(data.unclaimed).as_posix() for p in data.unclaimed.rglob("*") if p.is_file()
    ) == sorted(
        [
            f"originals/{gone.storage_key}",
            f"videos/{gone.storage_key}.mp4",
            "uploads/abandoned-without-row",
        ]
    )
    assert (data.unclaimed / "videos" / f"{gone.storage_key}.mp4").read_bytes() == video_bytes
    assert not data.thumbnail_file(gone.storage_key).exists()
    assert user.get(f"/api/videos/{kept.public_id}").status_code == 200
