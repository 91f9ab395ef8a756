"""The admin dashboard's insights: weekly history and disk forecast, quota use, the
activity feed and the processing queue. Rows are written with chosen timestamps."""

from __future__ import annotations

import datetime as dt

import pytest
from video_rows import db

from clipset.services import quota
from clipset.services.insights import forecast
from clipset.store.models import Comment, Config, Invitation, User, Video, now

WEEK = dt.timedelta(days=7)
H = dt.timedelta(hours=1)

ENDPOINTS = (
    ("GET", "/api/admin/stats/history", None),
    ("GET", "/api/admin/quota", None),
    ("GET", "/api/admin/activity", None),
    ("GET", "/api/admin/queue", None),
    ("PATCH", "/api/admin/queue/paused", {"paused": False}),
)


def iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds") + "Z"


def add_user(username: str, **fields) -> User:
    with db():
        return User.create(username=username, password_hash="x", **fields)


def add_video(owner_id: int, title: str, **fields) -> Video:
    with db():
        return Video.create(uploader=owner_id, title=title, **fields)


def test_admin_only(admin, user, anon):
    for method, url, body in ENDPOINTS:
        assert anon.request(method, url, json=body).status_code == 401, url
        r = user.request(method, url, json=body)
        assert r.status_code == 403 and r.json["error_code"] == "admin_required", url
        assert admin.request(method, url, json=body).status_code == 200, url


def test_bad_parameters_name_the_field(admin):
    for url, field in (
        ("/api/admin/stats/history?weeks=0", "weeks"),
        ("/api/admin/stats/history?weeks=105", "weeks"),
        ("/api/admin/stats/history?weeks=many", "weeks"),
        ("/api/admin/activity?limit=500", "limit"),
        ("/api/admin/activity?limit=0", "limit"),
        ("/api/admin/quota?page=0", "page"),
        ("/api/admin/quota?page_size=101", "page_size"),
    ):
        r = admin.get(url)
        assert r.status_code == 400, url
        assert r.json["error_code"] == "validation_error" and r.json["field"] == field, url
    for body in ({"paused": "yes"}, {"paused": 1}, {"paused": None}):
        r = admin.patch("/api/admin/queue/paused", json=body)
        assert r.status_code == 400 and r.json["field"] == "paused", body
    r = admin.patch("/api/admin/queue/paused", json={})
    assert r.status_code == 400 and r.json["field"] == "body"  # nothing to change


# -- history ----------------------------------------------------------------------------
def test_history_buckets_by_iso_week_with_empty_weeks_and_cumulative_storage(admin, user):
    uid = user.user["id"]
    this_week = quota.week_start()
    first = this_week - 4 * WEEK
    # Just before the window (Sunday 23:59:59): only in the running storage total.
    add_video(
        uid,
        "old",
        created_at=first - dt.timedelta(seconds=1),
        file_size_bytes=1000,
        source_size_bytes=5000,
    )
    # Week 1 from its first to its last second; one not processed yet (no output).
    add_video(uid, "monday", created_at=first + WEEK, file_size_bytes=100, source_size_bytes=200)
    add_video(
        uid,
        "sunday",
        created_at=first + 2 * WEEK - dt.timedelta(seconds=1),
        file_size_bytes=None,
        source_size_bytes=300,
    )
    add_user("weektwo", created_at=first + 2 * WEEK + 5 * H)  # a week with no uploads
    add_video(
        uid,
        "midweek",
        created_at=first + 3 * WEEK + 3 * 24 * H,
        file_size_bytes=50,
        source_size_bytes=70,
    )
    add_video(uid, "now", created_at=this_week, file_size_bytes=10, source_size_bytes=20)

    r = admin.get("/api/admin/stats/history?weeks=5")
    assert r.status_code == 200
    weeks = r.json["weeks"]
    assert [w["week_start"] for w in weeks] == [iso(first + i * WEEK) for i in range(5)]
    assert all(dt.date.fromisoformat(w["week_start"][:10]).weekday() == 0 for w in weeks)
    assert [w["uploads"] for w in weeks] == [0, 2, 0, 1, 1]
    assert [w["upload_bytes"] for w in weeks] == [0, 500, 0, 70, 20]
    assert [w["stored_bytes_total"] for w in weeks] == [1000, 1100, 1100, 1150, 1160]
    # The admin and the user of the fixtures registered this week.
    assert [w["new_users"] for w in weeks] == [0, 0, 1, 0, 2]

    growth = r.json["forecast"]
    assert growth["bytes_per_day"] > 0
    assert growth["days_until_full"] == pytest.approx(
        growth["disk_free_bytes"] / growth["bytes_per_day"]
    )

    assert len(admin.get("/api/admin/stats/history").json["weeks"]) == 12
    assert len(admin.get("/api/admin/stats/history?weeks=104").json["weeks"]) == 104
    one = admin.get("/api/admin/stats/history?weeks=1").json["weeks"]
    assert one == [
        {
            "week_start": iso(this_week),
            "uploads": 1,
            "upload_bytes": 20,
            "stored_bytes_total": 1160,
            "new_users": 2,
        }
    ]


def test_deleted_videos_leave_the_history(admin, user):
    video = add_video(
        user.user["id"],
        "gone",
        created_at=quota.week_start() - WEEK,
        file_size_bytes=700,
        source_size_bytes=900,
    )
    before = admin.get("/api/admin/stats/history?weeks=2").json["weeks"]
    assert [w["stored_bytes_total"] for w in before] == [700, 700]
    with db():
        Video.delete_by_id(video.id)
    after = admin.get("/api/admin/stats/history?weeks=2").json["weeks"]
    assert [(w["uploads"], w["stored_bytes_total"]) for w in after] == [(0, 0), (0, 0)]


def test_forecast_is_average_growth_over_the_window(app):
    insights = app.extensions["clipset"].insights
    uid = add_user("maker").id
    at = dt.datetime(2030, 1, 9, 12)  # a Wednesday noon; the window starts Mon 2029-12-31
    add_video(uid, "before", created_at=dt.datetime(2029, 12, 20), file_size_bytes=10_000)
    add_video(uid, "a", created_at=dt.datetime(2030, 1, 2), file_size_bytes=950)
    add_video(uid, "b", created_at=dt.datetime(2030, 1, 8, 23), file_size_bytes=950)
    add_video(uid, "after", created_at=dt.datetime(2030, 1, 10), file_size_bytes=10**9)
    with db():
        result = insights.history(2, at=at, disk_free=20_000)
    assert [w["stored_bytes_total"] for w in result["weeks"]] == [10_950, 11_900]
    # 1900 bytes over the 9.5 days from the window's start to `at`.
    assert result["forecast"] == {
        "bytes_per_day": pytest.approx(200),
        "disk_free_bytes": 20_000,
        "days_until_full": pytest.approx(100),
        "full_at": dt.date(2030, 4, 19),
    }
    with db():  # nothing new in a window after the last upload: no growth, no date
        quiet = insights.history(2, at=dt.datetime(2031, 6, 4), disk_free=20_000)
    assert quiet["forecast"] == {
        "bytes_per_day": 0,
        "disk_free_bytes": 20_000,
        "days_until_full": None,
        "full_at": None,
    }


@pytest.mark.parametrize("growth", [0, -5])
def test_no_growth_means_no_date(growth):
    assert forecast(growth, 7, 10**9, dt.datetime(2030, 1, 1)) == {
        "bytes_per_day": pytest.approx(growth / 7),
        "disk_free_bytes": 10**9,
        "days_until_full": None,
        "full_at": None,
    }


def test_forecast_of_an_empty_instance_has_no_date(admin):
    result = admin.get("/api/admin/stats/history?weeks=3").json
    assert result["forecast"]["bytes_per_day"] == 0
    assert result["forecast"]["days_until_full"] is None
    assert result["forecast"]["full_at"] is None
    assert result["forecast"]["disk_free_bytes"] > 0


# -- quota ------------------------------------------------------------------------------
def test_quota_use_heaviest_first_with_percent(admin):
    names = {"ann": 250, "bob": 1000, "cid": 1500, "abe": 250}
    ids = {name: add_user(name).id for name in names}
    with db():
        quota.roll_over()  # this week's counters, as the schedule leaves them
        for name, used in names.items():
            User.update(quota_used_bytes=used).where(User.id == ids[name]).execute()
    # Lowered after cid had uploaded 1500 bytes: over 100%.
    admin.patch("/api/admin/config", json={"weekly_upload_limit_bytes": 1000})

    r = admin.get("/api/admin/quota")
    assert r.status_code == 200
    body = r.json
    rows = [
        (i["user"]["username"], i["used_bytes"], i["limit_bytes"], i["percent"])
        for i in body["items"]
    ]
    assert rows == [
        ("cid", 1500, 1000, 150.0),
        ("bob", 1000, 1000, 100.0),
        ("abe", 250, 1000, 25.0),
        ("ann", 250, 1000, 25.0),
        ("admin", 0, 1000, 0.0),
    ]
    assert body["items"][0]["user"] == {"id": ids["cid"], "username": "cid"}
    start = quota.week_start()
    assert body["week_start"] == iso(start) and body["resets_at"] == iso(start + WEEK)
    assert body["total_count"] == 5

    page = admin.get("/api/admin/quota?page=2&page_size=2").json
    assert [i["user"]["username"] for i in page["items"]] == ["abe", "ann"]
    assert page["total_pages"] == 3 and page["has_more"] is True


def test_quota_of_a_past_week_shows_as_reset(admin, user):
    with db():
        User.update(quota_used_bytes=700).execute()
        last_week = (quota.week_start() - WEEK).date().isoformat()
        Config.put(quota.WEEK_KEY, last_week)
    items = admin.get("/api/admin/quota").json["items"]
    assert [i["used_bytes"] for i in items] == [0, 0]


def test_quota_percent_with_a_zero_limit(admin, user):
    with db():
        quota.roll_over()
        User.update(quota_used_bytes=5).where(User.id == user.user["id"]).execute()
    admin.patch("/api/admin/config", json={"weekly_upload_limit_bytes": 0})
    items = admin.get("/api/admin/quota").json["items"]
    assert [(i["user"]["username"], i["percent"]) for i in items] == [
        (user.user["username"], 100.0),
        ("admin", 0.0),
    ]


# -- activity ---------------------------------------------------------------------------
def test_activity_merges_every_table_newest_first(admin, user):
    t0 = now() - dt.timedelta(days=10)
    uid, admin_id = user.user["id"], admin.user["id"]
    with db():
        Invitation.create(
            token="t-carol",
            email="carol@example.com",
            created_by=admin_id,
            created_at=t0,
            expires_at=t0 + WEEK,
        )
        carol = User.create(username="carol", password_hash="x", created_at=t0 + 1 * H)
        Invitation.update(used_at=t0 + 2 * H, used_by=carol).where(
            Invitation.token == "t-carol"
        ).execute()
        clip = Video.create(
            uploader=uid,
            title="Beach",
            original_filename="beach.mov",
            created_at=t0 + 3 * H,
            processing_status="completed",
            transcode_mode="remux",
            processing_finished_at=t0 + 4 * H,
        )
        Comment.create(video=clip, author=carol, body="c" * 140, created_at=t0 + 5 * H)
        Comment.create(video=clip, author=carol, body="d" * 5000, created_at=t0 + 6 * H)
        broken = Video.create(
            uploader=uid,
            title="Broken",
            created_at=t0 + 7 * H,
            processing_status="failed",
            error_message="e" * 300,
            processing_finished_at=t0 + 8 * H,
        )
        waiting = Video.create(uploader=uid, title="Waiting", created_at=t0 + 9 * H)

    r = admin.get("/api/admin/activity")
    assert r.status_code == 200
    items = r.json["items"]
    ats = [i["at"] for i in items]
    assert ats == sorted(ats, reverse=True)
    # The fixtures' sign-ups happened just now, so they lead.
    cutoff = iso(t0 + 10 * H)
    assert {i["type"] for i in items if i["at"] > cutoff} == {
        "user.registered",
        "invitation.created",
        "invitation.used",
    }
    old = [
        (i["type"], i["at"], i["actor"] and i["actor"]["username"], i["video"], i["detail"])
        for i in items
        if i["at"] <= cutoff
    ]
    name = user.user["username"]
    beach = {"id": clip.public_id, "title": "Beach"}
    assert old == [
        (
            "video.uploaded",
            iso(t0 + 9 * H),
            name,
            {"id": waiting.public_id, "title": "Waiting"},
            None,
        ),
        (
            "video.failed",
            iso(t0 + 8 * H),
            name,
            {"id": broken.public_id, "title": "Broken"},
            "e" * 139 + "…",
        ),
        (
            "video.uploaded",
            iso(t0 + 7 * H),
            name,
            {"id": broken.public_id, "title": "Broken"},
            None,
        ),
        ("comment.posted", iso(t0 + 6 * H), "carol", beach, "d" * 139 + "…"),
        ("comment.posted", iso(t0 + 5 * H), "carol", beach, "c" * 140),
        ("video.processed", iso(t0 + 4 * H), name, beach, "remux"),
        ("video.uploaded", iso(t0 + 3 * H), name, beach, "beach.mov"),
        ("invitation.used", iso(t0 + 2 * H), "carol", None, "carol@example.com"),
        ("user.registered", iso(t0 + 1 * H), "carol", None, None),
        ("invitation.created", iso(t0), "admin", None, "carol@example.com"),
    ]
    assert all(len(i["detail"] or "") <= 140 for i in items)

    limited = admin.get("/api/admin/activity?limit=6").json["items"]
    assert limited == items[:6]
    assert len(admin.get("/api/admin/activity?limit=200").json["items"]) == len(items)


def test_activity_of_removed_people_has_no_actor(admin, make_user):
    newcomer = make_user("leaver")
    admin.delete(f"/api/users/{newcomer.user['id']}")
    items = admin.get("/api/admin/activity").json["items"]
    assert [i["type"] for i in items].count("invitation.used") == 1
    used = next(i for i in items if i["type"] == "invitation.used")
    assert used["actor"] is None
    assert "leaver" not in {i["actor"]["username"] for i in items if i["actor"]}


# -- queue ------------------------------------------------------------------------------
def test_queue_groups_and_orders_videos(admin, user):
    uid, t = user.user["id"], now()

    def video(title, status, **fields):
        return add_video(uid, title, processing_status=status, **fields).public_id

    video("second", "pending", created_at=t - 3 * H, source_size_bytes=123)
    video("third", "pending", created_at=t - 1 * H)
    video("first", "pending", created_at=t - 5 * H)
    running = video(
        "running",
        "processing",
        created_at=t - 6 * H,
        attempts=1,
        progress=40.5,
        processing_started_at=t - 0.2 * H,
    )
    video(
        "old failure",
        "failed",
        created_at=t - 72 * H,
        attempts=2,
        processing_finished_at=t - 48 * H,
        error_message="unreadable",
    )
    video(
        "new failure",
        "failed",
        created_at=t - 9 * H,
        attempts=1,
        processing_finished_at=t - 1 * H,
        error_message="disk full",
    )
    video(
        "done earlier",
        "completed",
        created_at=t - 3 * H,
        transcode_mode="transcode",
        processing_started_at=t - 3 * H,
        processing_finished_at=t - 2 * H,
    )
    video(
        "done just now",
        "completed",
        created_at=t - 1 * H,
        transcode_mode="remux",
        processing_finished_at=t - 0.5 * H,
    )
    video("done yesterday", "completed", created_at=t - 30 * H, processing_finished_at=t - 25 * H)

    r = admin.get("/api/admin/queue")
    assert r.status_code == 200
    q = r.json

    def titles(group):
        return [v["title"] for v in q[group]]

    assert titles("pending") == ["first", "second", "third"]
    assert q["pending_total"] == 3
    assert titles("processing") == ["running"]
    assert titles("failed") == ["new failure", "old failure"]
    assert titles("recent") == ["done just now", "done earlier"]
    assert q["paused"] is False

    assert q["pending"][1]["source_size_bytes"] == 123
    assert q["processing"][0] == {
        "id": running,
        "title": "running",
        "uploader": {"id": uid, "username": user.user["username"]},
        "processing_status": "processing",
        "progress": 40.5,
        "attempts": 1,
        "error_message": None,
        "transcode_mode": None,
        "created_at": iso(t - 6 * H),
        "processing_started_at": iso(t - 0.2 * H),
        "processing_finished_at": None,
        "source_size_bytes": 0,
    }
    assert q["failed"][0]["error_message"] == "disk full"
    assert q["recent"][0]["transcode_mode"] == "remux"


def test_queue_caps_long_lists(admin, user):
    t = now()
    with db():
        Video.insert_many(
            [
                {
                    "uploader": user.user["id"],
                    "title": f"f{i}",
                    "storage_key": f"f{i}",
                    "processing_status": "failed",
                    "processing_finished_at": t - i * H,
                }
                for i in range(55)
            ]
            + [
                {
                    "uploader": user.user["id"],
                    "title": f"p{i}",
                    "storage_key": f"p{i}",
                    "created_at": t - i * H,
                }
                for i in range(105)
            ]
        ).execute()
    q = admin.get("/api/admin/queue").json
    assert [v["title"] for v in q["failed"]] == [f"f{i}" for i in range(50)]
    assert len(q["pending"]) == 100 and q["pending_total"] == 105
    assert q["pending"][0]["title"] == "p104"


def test_pausing_and_resuming_the_queue(admin):
    r = admin.patch("/api/admin/queue/paused", json={"paused": True})
    assert r.status_code == 200 and r.json == {"paused": True}
    assert admin.get("/api/admin/queue").json["paused"] is True
    r = admin.patch("/api/admin/queue/paused", json={"paused": False})
    assert r.json == {"paused": False}
    assert admin.get("/api/admin/queue").json["paused"] is False
