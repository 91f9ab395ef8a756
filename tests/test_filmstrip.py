"""A draft's filmstrip: frames of its uploaded original, made with PyAV, behind a signed
URL only its owner's token opens, gone once the draft is posted or deleted."""

from __future__ import annotations

import io

import media_factory
import pytest
from PIL import Image
from test_drafts import draft

from clipset.media.filmstrip import TILE_HEIGHT, TILE_SCALE


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    return {
        "landscape": media_factory.landscape(d),
        "portrait": media_factory.portrait_rotated(d),
    }


def strip_of(api, draft_id: int) -> dict:
    r = api.get(f"/api/videos/drafts/{draft_id}/filmstrip")
    assert r.status_code == 200, r.json
    return r.json


def image(client, url: str, status: int = 200) -> Image.Image | None:
    r = client.get(url)
    assert r.status_code == status, r.data[:200]
    return Image.open(io.BytesIO(r.data)) if status == 200 else None


@pytest.mark.parametrize("clip", ["landscape", "portrait"])
def test_the_strip_shows_evenly_spaced_upright_frames(app, clips, user, clip):
    d = draft(user, clips[clip])
    strip = strip_of(user, d["id"])
    frames, duration = strip["frames"], strip["duration"]
    assert frames == len(strip["times"]) >= 5
    assert duration == pytest.approx(d["probe"]["duration"])
    # Each frame is the middle of its slice: they span the clip, in order.
    gaps = [b - a for a, b in zip(strip["times"], strip["times"][1:])]
    assert strip["times"][0] > 0 and strip["times"][-1] < duration
    assert max(gaps) - min(gaps) < 1e-6
    picture = image(user.client, strip["url"])
    assert picture.format == "JPEG" and picture.height == TILE_HEIGHT * TILE_SCALE
    tile_w = picture.width / frames
    assert tile_w == int(tile_w)
    # Frames keep the shape shown after processing (the portrait clip is stored turned,
    # with a rotation tag; the probe's size is as shown).
    shown_w, shown_h = (d["probe"]["width"], d["probe"]["height"])
    assert tile_w / picture.height == pytest.approx(shown_w / shown_h, rel=0.05)
    # Asked again, the same strip (made once).
    again = strip_of(user, d["id"])
    assert again["times"] == strip["times"]


def test_only_its_owner_opens_the_strip_and_it_goes_with_the_draft(app, clips, user, other_user):
    d = draft(user, clips["landscape"])
    url = strip_of(user, d["id"])["url"]
    assert other_user.get(f"/api/videos/drafts/{d['id']}/filmstrip").status_code == 404
    path, token = url.split("?token=")
    assert image(user.client, f"{path}?token={token[:-3]}xyz", 403) is None
    other = draft(user, clips["landscape"])
    other_path = f"/media/filmstrips/{other['id']}.jpg"
    assert image(user.client, f"{other_path}?token={token}", 403) is None  # bound to its draft
    data = app.extensions["clipset"].data
    strip_file = data.filmstrip_file(d["upload_id"])
    assert strip_file.is_file()
    r = user.post("/api/videos/finalize", json={"draft_id": d["id"]})
    assert r.status_code == 201
    assert not strip_file.exists()
    image(user.client, url, 404)  # its draft is posted: the link is dead
    strip_of(user, other["id"])
    assert user.delete(f"/api/videos/drafts/{other['id']}").status_code == 204
    assert not data.filmstrip_file(other["upload_id"]).exists()
