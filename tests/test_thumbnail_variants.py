"""Thumbnails at display size: processing makes WebP copies at the card widths, the
thumbnail's signed answer lists them for ``srcset``, and they go with the video."""

from __future__ import annotations

import io

import media_factory
from PIL import Image
from test_jobs import queue, wait_for

from clipset.services.media_urls import THUMBNAIL_WIDTHS


def test_processing_makes_webp_variants_served_for_srcset(app, user, other_user, tmp_path):
    services = app.extensions["clipset"]
    services.start()
    clip = media_factory.make_clip(tmp_path / "wide.mkv", width=1280, height=720, duration=1.0)
    video_id = queue(services, user, clip)
    video = wait_for(video_id, "completed", "failed")
    assert video.processing_status == "completed", video.error_message

    r = other_user.get(f"/api/videos/thumbnail/{video_id}")
    assert r.status_code == 200, r.json
    srcset = r.json["srcset"]
    assert [v["width"] for v in srcset] == list(THUMBNAIL_WIDTHS)
    for variant in srcset:
        got = other_user.client.get(variant["url"])
        assert got.status_code == 200 and got.mimetype == "image/webp"
        picture = Image.open(io.BytesIO(got.data))
        assert picture.format == "WEBP" and picture.width == variant["width"]
        assert picture.height == round(720 * variant["width"] / 1280)
    # A token is for its own file: the JPEG's doesn't open a variant, nor other widths.
    jpeg_token = r.json["url"].split("token=")[1]
    assert (
        other_user.client.get(
            f"/media/thumbnails/{video_id}.320.webp?token={jpeg_token}"
        ).status_code
        == 403
    )
    assert (
        other_user.client.get(
            f"/media/thumbnails/{video_id}.999.webp?token={jpeg_token}"
        ).status_code
        == 404
    )
    # The video page's other files are unchanged; deleting the video removes the copies.
    key = video.storage_key
    assert all(services.data.thumbnail_variant(key, w).is_file() for w in THUMBNAIL_WIDTHS)
    assert user.delete(f"/api/videos/{video_id}").status_code == 204
    assert list(services.data.thumbnails.glob(f"{key}*")) == []
    services.stop()
