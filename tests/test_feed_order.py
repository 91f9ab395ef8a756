"""The feed's order: unwatched before watched, uploaders taking turns, and a cursor whose
pages never repeat or skip while the viewer watches and others post."""

from __future__ import annotations

import datetime as dt

import pytest
from video_rows import make_video

from clipset.store.models import now


def feed_ids(viewer, limit=50) -> list[str]:
    """Every id the feed gives, page by page, and checks that none comes twice."""
    seen, cursor = [], None
    while True:
        url = f"/api/videos/feed?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        r = viewer.get(url)
        assert r.status_code == 200, r.json
        seen += [item["id"] for item in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            assert len(seen) == len(set(seen))
            return seen


@pytest.fixture
def household(app, make_user):
    """Ann posts a batch of six within an hour, Ben two earlier, Cat one a day before."""
    ann, ben, cat, viewer = (make_user(name) for name in ("ann", "ben", "cat", "viewer"))
    base = now() - dt.timedelta(days=1)
    clips = {
        **{
            f"ann{i}": make_video(app, ann, created_at=base + dt.timedelta(hours=20, minutes=i))
            for i in range(6)
        },
        "ben0": make_video(app, ben, created_at=base + dt.timedelta(hours=10)),
        "ben1": make_video(app, ben, created_at=base + dt.timedelta(hours=11)),
        "cat0": make_video(app, cat, created_at=base),
    }
    ids = {name: video.public_id for name, video in clips.items()}
    return {"ann": ann, "ben": ben, "cat": cat, "viewer": viewer, "ids": ids, "app": app}


def names(household, got: list[str]) -> list[str]:
    by_id = {pid: name for name, pid in household["ids"].items()}
    return [by_id.get(pid, pid) for pid in got]


def test_uploaders_take_turns_newest_first_within_a_turn(household):
    order = names(household, feed_ids(household["viewer"]))
    # Turn one is everyone's newest (Ann's batch doesn't bury Ben and Cat), then the rest.
    assert order == ["ann5", "ben1", "cat0", "ann4", "ben0", "ann3", "ann2", "ann1", "ann0"]


def test_watched_videos_come_after_the_unwatched(household):
    viewer, ids = household["viewer"], household["ids"]
    for name in ("ann5", "ben1", "ann4"):
        assert viewer.post(f"/api/videos/{ids[name]}/views").status_code == 200
    order = names(household, feed_ids(viewer))
    assert order == [
        *["ann3", "ben0", "cat0", "ann2", "ann1", "ann0"],  # unwatched, taking turns
        *["ann5", "ben1", "ann4"],  # watched, in turns of their own
    ]
    # Watching is the viewer's own: another viewer's feed is unchanged.
    assert names(household, feed_ids(household["ben"]))[:3] == ["ann5", "ben1", "cat0"]


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_pages_never_repeat_or_skip_while_watching_and_posting(household, limit):
    viewer, ids, app = household["viewer"], household["ids"], household["app"]
    viewer.post(f"/api/videos/{ids['ben0']}/views")
    expected = feed_ids(viewer)
    seen, cursor, page = [], None, 0
    while True:
        url = f"/api/videos/feed?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = viewer.get(url).json
        seen += [item["id"] for item in body["items"]]
        page += 1
        if page == 1:
            # Mid-scroll: the viewer watches what was shown and what is still to come,
            # and others post; none of it moves the walk under the reader.
            for pid in (*seen, expected[-2]):
                assert viewer.post(f"/api/videos/{pid}/views").status_code == 200
            make_video(app, household["cat"], title="posted meanwhile")
            make_video(app, household["ben"], title="also meanwhile")
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    # Starting again takes in the new posts and what was watched.
    fresh = feed_ids(viewer)
    assert len(fresh) == len(expected) + 2 and set(expected) <= set(fresh)
    assert not set(fresh[:2]) & set(expected)  # the new posts, unwatched and newest
    watched = {*seen[:limit], expected[-2], ids["ben0"]}
    assert set(fresh[-len(watched) :]) == watched  # what was watched meanwhile comes last


def test_a_cursor_from_an_older_walk_keeps_its_snapshot(household):
    viewer, app = household["viewer"], household["app"]
    first = viewer.get("/api/videos/feed?limit=3").json
    make_video(app, household["cat"], title="later")
    rest = viewer.get(f"/api/videos/feed?limit=50&cursor={first['next_cursor']}").json
    got = [v["id"] for v in first["items"] + rest["items"]]
    assert got == list(dict.fromkeys(got)) and len(got) == 9  # the new one waits for a restart
    assert len(feed_ids(viewer)) == 10
