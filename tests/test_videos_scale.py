"""Lists and search whose cost is bounded: capped totals and the ranked search window."""

from __future__ import annotations

import datetime as dt

from video_rows import make_video

from clipset.services import catalog
from clipset.store.models import now


def ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_capped_total_is_a_truthful_lower_bound(app, user, other_user, monkeypatch):
    start = now() - dt.timedelta(days=1)
    made = [
        make_video(
            app, user, title=f"clip {i}", files=False, created_at=start + dt.timedelta(minutes=i)
        ).public_id
        for i in range(9)
    ]
    monkeypatch.setattr(catalog, "COUNT_CAP", 4)
    first = other_user.get("/api/videos?page_size=2").json
    # Counted up to the cap (plus one): "at least 5", and there are more pages.
    assert first["total_count"] == 5 and first["has_more"] is True
    assert first["total_pages"] == 3
    # Asking further counts past the page asked for, so every page is reachable...
    seen = []
    page = 1
    while True:
        body = other_user.get(f"/api/videos?page_size=2&page={page}").json
        assert body["total_count"] >= min(9, page * 2)
        seen += [item["id"] for item in body["items"]]
        if not body["has_more"]:
            break
        page += 1
    # ...with no overlap or gap, and the last page knows the exact total.
    assert seen == list(reversed(made))
    assert body["total_count"] == 9 and body["total_pages"] == 5
    # Below the cap totals stay exact.
    monkeypatch.setattr(catalog, "COUNT_CAP", 100)
    assert other_user.get("/api/videos?page_size=2").json["total_count"] == 9


def test_search_ranks_by_relevance_and_hides_what_lists_hide(app, user, other_user):
    weak = make_video(app, user, title="a long walk on a wide beach at sunset", files=False)
    strong = make_video(
        app, user, title="sunset", tags=["sunset"], description="sunset sunset", files=False
    )
    for status, privacy in (
        ("completed", "private"),
        ("completed", "unlisted"),
        ("pending", "public"),
        ("failed", "public"),
    ):
        make_video(
            app, user, title="sunset sunset sunset", status=status, privacy=privacy, files=False
        )
    r = other_user.get("/api/videos/search?q=sunset")
    assert ids(r) == [strong.public_id, weak.public_id]
    assert r.json["total_count"] == 2 and r.json["has_more"] is False


def test_search_window_keeps_the_newest_matches_ranked(app, user, other_user, monkeypatch):
    start = now() - dt.timedelta(days=1)
    old_best = make_video(
        app, user, title="ocean ocean ocean", tags=["ocean"], files=False, created_at=start
    )
    newer = [
        make_video(
            app,
            user,
            title=f"ocean view {i}",
            files=False,
            created_at=start + dt.timedelta(minutes=i + 1),
        ).public_id
        for i in range(4)
    ]
    hidden = make_video(
        app,
        user,
        title="ocean ocean",
        privacy="private",
        files=False,
        created_at=start + dt.timedelta(hours=1),
    )
    monkeypatch.setattr(catalog, "SEARCH_WINDOW", 3)
    r = other_user.get("/api/videos/search?q=ocean&page_size=2")
    # The three newest listed matches (the private one takes no place in the window).
    assert r.json["total_count"] == 3 and r.json["total_pages"] == 2
    page2 = other_user.get("/api/videos/search?q=ocean&page_size=2&page=2")
    found = ids(r) + ids(page2)
    assert sorted(found) == sorted(newer[1:])
    assert old_best.public_id not in found and hidden.public_id not in found
    monkeypatch.setattr(catalog, "SEARCH_WINDOW", 1000)
    assert ids(other_user.get("/api/videos/search?q=ocean"))[0] == old_best.public_id
