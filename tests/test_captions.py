"""Captions, seek previews and chapters: subtitle tracks of the input become caption
tracks, owners upload, replace and remove .srt/.vtt files (bad ones refused), search
finds caption words, the sprite sheet and its index are made and served, and chapters
are read from the description."""

from __future__ import annotations

import io
import time

import media_factory
import pytest
from PIL import Image

from clipset import media
from clipset.services.captions import MAX_BYTES, clean_cue_text
from clipset.services.chapters import chapters

WAIT_SECONDS = 60
SRT = b"""1
00:00:00,000 --> 00:00:01,500
Hello <font color="red">wombat</font> & friends

2
00:00:01,500 --> 00:00:02,800
<script>alert(1)</script><i>second</i> line
"""
VTT = b"""WEBVTT

NOTE a comment

00:00.000 --> 00:02.000 align:start
<b>Quokka</b> time
"""


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return media_factory.made_once(media_factory, tmp_path_factory.mktemp("clips"))


@pytest.fixture
def started(app):
    """The job workers running, so posted videos are processed."""
    app.extensions["clipset"].start()


def post(api, clip, title="Clip", description="") -> str:
    with open(clip, "rb") as f:
        r = api.client.post(
            "/api/videos",
            data={"file": (f, clip.name), "title": title, "description": description},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {api.token}"},
        )
    assert r.status_code == 201, r.json
    video_id = r.json["id"]
    deadline = time.monotonic() + WAIT_SECONDS
    while (status := api.get(f"/api/videos/{video_id}").json["processing_status"]) != "completed":
        assert status != "failed" and time.monotonic() < deadline, status
        time.sleep(0.05)
    return video_id


def upload(api, video_id, data, name="subs.srt", **fields):
    return api.client.post(
        f"/api/videos/{video_id}/captions",
        data={"file": (io.BytesIO(data), name), **{k: str(v) for k, v in fields.items()}},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {api.token}"},
    )


def fetch(api, url):
    return api.client.get(url)


def test_mov_text_and_subrip_tracks_become_caption_tracks(started, user, clips):
    mp4 = post(user, clips("mov_text_clip"))
    tracks = user.get(f"/api/videos/{mp4}/captions").json
    assert [(t["language"], t["label"], t["source"]) for t in tracks] == [
        ("en", "English", "file")
    ]
    vtt = fetch(user, tracks[0]["url"])
    assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"
    text = vtt.get_data(as_text=True)
    assert text.startswith("WEBVTT")
    assert "00:00:00.000 --> 00:00:01.000\nHello <i>little</i> zebra" in text
    assert "A <b>giraffe</b>\nwalks by" in text

    mkv = post(user, clips("subrip_clip"))
    tracks = user.get(f"/api/videos/{mkv}/captions").json
    assert sorted(t["language"] for t in tracks) == ["en", "fr"]
    french = next(t for t in tracks if t["language"] == "fr")
    assert "00:00:00.500 --> 00:00:02.000\nBonjour la girafe" in fetch(
        user, french["url"]
    ).get_data(as_text=True)


def test_owner_uploads_replaces_and_removes_captions(started, user, other_user, admin, clips):
    video_id = post(user, clips("landscape"))
    r = upload(user, video_id, SRT, language="en", label="English (CC)", default="true")
    assert r.status_code == 201, r.json
    first = r.json
    assert first["is_default"] and first["source"] == "upload"
    text = fetch(user, first["url"]).get_data(as_text=True)
    # Markup beyond what WebVTT cue text allows is gone, its words kept and escaped.
    assert "Hello wombat &amp; friends" in text
    assert "alert(1)<i>second</i> line" in text and "<script" not in text and "font" not in text

    # Another language adds a track; the same language replaces the uploaded one.
    assert upload(user, video_id, VTT, "subs.vtt", language="fr").status_code == 201
    r = upload(user, video_id, VTT, "new.vtt", language="en")
    assert r.status_code == 201, r.json
    tracks = user.get(f"/api/videos/{video_id}/captions").json
    assert sorted(t["language"] for t in tracks) == ["en", "fr"]
    english = next(t for t in tracks if t["language"] == "en")
    assert english["is_default"]  # the replaced track was the default; so is this one
    assert "<b>Quokka</b> time" in fetch(user, english["url"]).get_data(as_text=True)
    assert fetch(user, first["url"]).status_code == 404  # the old track is gone

    # Someone else may read them but not change them; an admin may.
    assert other_user.get(f"/api/videos/{video_id}/captions").status_code == 200
    r = upload(other_user, video_id, SRT, language="de")
    assert r.status_code == 403 and r.json["error_code"] == "not_owner"
    url = f"/api/videos/{video_id}/captions/{english['id']}"
    assert other_user.delete(url).status_code == 403
    r = admin.patch(url, json={"label": "English", "is_default": False})
    assert r.status_code == 200 and r.json["label"] == "English" and not r.json["is_default"]
    assert user.delete(url).status_code == 204
    assert [t["language"] for t in user.get(f"/api/videos/{video_id}/captions").json] == ["fr"]
    assert user.delete(url).json["error_code"] == "caption_not_found"


@pytest.mark.parametrize(
    "data, name, fields, status, code",
    [
        (b"just some words\n", "a.srt", {"language": "en"}, 400, "invalid_captions"),
        (b"\x00\x01binary", "a.srt", {"language": "en"}, 400, "invalid_captions"),
        (SRT, "a.txt", {"language": "en"}, 400, "invalid_captions"),
        (SRT, "a.srt", {"language": "english!"}, 400, "validation_error"),
        (SRT, "a.srt", {}, 400, "validation_error"),
        (SRT + b"\n" * MAX_BYTES, "a.srt", {"language": "en"}, 413, "captions_too_large"),
    ],
)
def test_bad_caption_files_are_refused_and_leave_nothing(
    started, user, clips, data, name, fields, status, code
):
    video_id = post(user, clips("landscape"))
    r = upload(user, video_id, data, name, **fields)
    assert (r.status_code, r.json["error_code"]) == (status, code), r.json
    assert user.get(f"/api/videos/{video_id}/captions").json == []


def test_search_finds_a_caption_word(started, user, other_user, clips):
    from_file = post(user, clips("mov_text_clip"), title="Savanna")
    uploaded = post(user, clips("landscape"), title="Outback")
    assert upload(user, uploaded, SRT, language="en").status_code == 201
    found = lambda q: [v["id"] for v in other_user.get(f"/api/videos/search?q={q}").json["items"]]
    assert found("giraffe") == [from_file]
    assert found("wombat") == [uploaded]
    # Removing the track takes its words out of the search.
    track = user.get(f"/api/videos/{uploaded}/captions").json[0]
    user.delete(f"/api/videos/{uploaded}/captions/{track['id']}")
    assert found("wombat") == []


def test_seek_previews_are_made_and_served(started, user, other_user, clips):
    video_id = post(user, clips("mov_text_clip"))
    previews = other_user.get(f"/api/videos/{video_id}/previews").json
    index = fetch(other_user, previews["index_url"])
    assert index.status_code == 200 and index.mimetype == "text/vtt"
    cues = [line for line in index.get_data(as_text=True).splitlines() if "#xywh=" in line]
    assert len(cues) == 3  # a 3 s clip: one tile a second
    assert cues[1] == "sprite.jpg#xywh=160,0,160,120"
    sprite = fetch(other_user, previews["sprite_url"])
    assert sprite.status_code == 200 and sprite.mimetype == "image/jpeg"
    sheet = Image.open(io.BytesIO(sprite.get_data()))
    assert sheet.size == (480, 120)
    # The token is the video's and that kind's: it opens nothing else.
    token = previews["sprite_url"].split("token=")[1]
    assert fetch(other_user, f"/media/previews/{video_id}.vtt?token={token}").status_code == 403


def test_transcode_takes_previews_from_its_own_frames(tmp_path, clips):
    # A phone clip stored landscape, shown portrait: the tiles are upright too.
    src = media_factory.make_clip(tmp_path / "tall.mp4", duration=2.0, rotation=90)
    out = [tmp_path / n for n in ("out.mp4", "thumb.jpg", "sprite.jpg", "index.vtt")]
    options = media.Options(force_transcode=True)
    result = media.process(src, out[0], out[1], options, dst_previews=(out[2], out[3]))
    assert result.mode == "transcode" and result.previews
    assert Image.open(out[2]).size == (2 * 160, 214)  # two tiles 160 wide, upright
    assert out[3].read_text().count("#xywh=") == 2


def test_cue_text_keeps_only_what_webvtt_allows():
    assert clean_cue_text("<b>bold <i>both</b> plain") == "<b>bold <i>both</i></b> plain"
    assert clean_cue_text('<v Ann "x">Hi</v>') == '<v Ann "x">Hi</v>'
    assert clean_cue_text("a --> b\n\n\nc") == "a → b\nc"
    assert clean_cue_text("<img src=x onerror=alert(1)>5 < 6 &amp; 7") == "5 &lt; 6 &amp; 7"


@pytest.mark.parametrize(
    "description, duration, expected",
    [
        (
            "0:00 Intro\n1:05 Cake\n12:30 Presents",
            900,
            [(0, "Intro"), (65, "Cake"), (750, "Presents")],
        ),
        ("Party!\n\n00:00 - Start\n1:02:03 — The end", 4000, [(0, "Start"), (3723, "The end")]),
        ("(0:00) Hello\n[0:10] World", None, [(0, "Hello"), (10, "World")]),
        ("0:00 Intro\n5:00 Past the end\n0:30 x", 60, []),  # out of order: not chapters
        ("0:00 Intro\n0:30 Middle\n5:00 Past the end", 60, [(0, "Intro"), (30, "Middle")]),
        ("0:10 Late start\n0:20 Other", 60, []),  # must start at 0:00
        ("0:00 Only one", 60, []),
        ("0:00 A\n0:75 B", 600, []),  # 75 seconds is not a time
        ("We met at 0:00 and left at 1:00", 600, []),
        ("", None, []),
    ],
)
def test_chapters_from_the_description(description, duration, expected):
    assert [(c["start"], c["title"]) for c in chapters(description, duration)] == expected


def test_chapters_are_sent_with_the_video(started, user, clips):
    video_id = post(user, clips("mov_text_clip"), description="0:00 Intro\n0:02 Giraffe")
    video = user.get(f"/api/videos/{video_id}").json
    assert video["chapters"] == [
        {"start": 0.0, "title": "Intro"},
        {"start": 2.0, "title": "Giraffe"},
    ]
