"""Media in an S3-compatible bucket (``media_store``), against moto's standalone server:
a processed video moves there and plays from presigned URLs (byte ranges answered by the
store), old signed URLs and guest links redirect to it, a new cover goes up, deleting
removes the objects; a store that is down leaves the video playing from disk until
``clipset migrate-media`` moves it, checked and resumable."""

from __future__ import annotations

import time
import urllib.request

import media_factory
import pytest
from test_jobs import queue, row, wait_for

from clipset import cli
from clipset.services.media_urls import MediaUrls
from clipset.store.db import database
from clipset.store.models import User, Video

WAIT_SECONDS = 60


@pytest.fixture
def settings_overrides(bucket_settings):
    return bucket_settings


def objects(s3, bucket: str) -> dict[str, int]:
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: o["Size"] for o in listing}


def in_bucket(video_id: str) -> Video:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        video = row(video_id)
        if video.bucket_files:
            return video
        time.sleep(0.05)
    raise AssertionError(f"video {video_id} never reached the bucket")


def fetch(url: str, **headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
        return answer.status, answer.read(), answer.headers


def test_a_processed_video_plays_from_the_bucket(
    app, user, other_user, s3, s3_endpoint, bucket_name, tmp_path
):
    services = app.extensions["clipset"]
    services.start()
    clip = media_factory.make_clip(tmp_path / "beach.mkv", duration=1.0)
    video_id = queue(services, user, clip)
    assert wait_for(video_id, "completed", "failed").processing_status == "completed"
    video = in_bucket(video_id)
    key = video.storage_key
    assert set(video.bucket_files.split()) >= {"video", "thumbnail", "thumbnail-320"}
    stored = objects(s3, bucket_name)
    assert stored[f"library/videos/{key}.mp4"] == video.file_size_bytes
    assert f"library/thumbnails/{key}.jpg" in stored
    # Off the disk once the store has them.
    assert not services.data.video_file(key).exists()
    assert not services.data.thumbnail_file(key).exists()

    # The stream URL is the store's own, and it answers byte ranges.
    r = other_user.get(f"/api/videos/stream/{video_id}")
    assert r.status_code == 200, r.json
    url = r.json["url"]
    # The pages may load from the store (pictures, videos, the previews' index).
    policy = r.headers["Content-Security-Policy"]
    assert (
        f"media-src 'self' blob: {s3_endpoint};" in policy
        and f"img-src 'self' data: blob: {s3_endpoint};" in policy
    )
    assert url.startswith(f"{s3_endpoint}/{bucket_name}/library/videos/{key}.mp4?")
    status, head, headers = fetch(url, Range="bytes=0-99")
    assert status == 206 and len(head) == 100
    assert headers["Content-Range"] == f"bytes 0-99/{video.file_size_bytes}"
    assert head[4:8] == b"ftyp"  # an MP4
    thumb = other_user.get(f"/api/videos/thumbnail/{video_id}").json
    assert thumb["url"].startswith(f"{s3_endpoint}/{bucket_name}/")
    assert all(v["url"].startswith(s3_endpoint) for v in thumb["srcset"]) and thumb["srcset"]
    assert fetch(thumb["srcset"][0]["url"])[1][:4] == b"RIFF"  # WebP

    # A signed /media URL handed out before the move still works: it redirects.
    with database.connection_context():
        owner = User.get_by_id(user.user["id"])
        old = MediaUrls(services.keys, 3600).issue(owner, Video.get_by_id(video.id), "video")
    moved = user.client.get(old["url"])
    assert moved.status_code == 302 and moved.location.startswith(s3_endpoint)

    # A new cover goes up too, and leaves nothing on disk.
    before = s3.get_object(Bucket=bucket_name, Key=f"library/thumbnails/{key}.jpg")["ETag"]
    assert user.put(f"/api/videos/{video_id}/cover", json={"time": 0.8}).status_code == 200
    after = s3.get_object(Bucket=bucket_name, Key=f"library/thumbnails/{key}.jpg")["ETag"]
    assert after != before and not services.data.thumbnail_file(key).exists()

    # A guest's download is the store's, saved under the video's title.
    link = user.post(f"/api/videos/{video_id}/shares", json={"allow_download": True}).json
    token = link["path"].removeprefix("/s/")
    guest = user.client.application.test_client()
    media = guest.get(f"/api/guest/{token}").json["media"]
    download = guest.get(media["download_url"])
    assert download.status_code == 302
    assert "attachment" in fetch(download.location)[2]["Content-Disposition"]

    # Deleting the video removes its objects.
    assert user.delete(f"/api/videos/{video_id}").status_code == 204
    assert not [k for k in objects(s3, bucket_name) if key in k]


def test_a_store_that_is_down_keeps_the_video_on_disk_until_migrate_media(
    app, user, other_user, s3, bucket_name, settings_overrides, tmp_path, capsys, monkeypatch
):
    services = app.extensions["clipset"]
    s3.delete_bucket(Bucket=bucket_name)  # the store refuses every file
    services.start()
    clip = media_factory.make_clip(tmp_path / "party.mkv", duration=1.0)
    video_id = queue(services, user, clip)
    video = wait_for(video_id, "completed", "failed")
    assert video.processing_status == "completed" and video.bucket_files is None
    assert services.data.video_file(video.storage_key).is_file()
    r = other_user.get(f"/api/videos/stream/{video_id}")
    assert r.json["url"].startswith("/media/videos/")
    assert other_user.client.get(r.json["url"]).status_code == 200
    services.stop()

    for name, value in settings_overrides.items():  # the command line reads them here
        monkeypatch.setenv(f"CLIPSET_{name.upper()}", value)
    url = f"s3://{bucket_name}/library"
    args = ["--data-dir", str(services.data.root)]
    # The doctor says so; migrate-media is refused with the store's reason, moving nothing.
    assert cli.main(["doctor", *args]) == 0
    assert f"Media store: {url} - The media store could not reach" in capsys.readouterr().out
    assert cli.main(["migrate-media", "--to", url, *args]) == 1
    assert "media store could not reach the bucket" in capsys.readouterr().err
    assert services.data.video_file(video.storage_key).is_file()
    # Refused unless media_store already names it (moved videos must keep playing).
    assert cli.main(["migrate-media", "--to", "s3://elsewhere", *args]) == 2
    assert "set media_store to s3://elsewhere first" in capsys.readouterr().err

    s3.create_bucket(Bucket=bucket_name)
    assert cli.main(["migrate-media", "--to", url, *args]) == 0
    assert "Moved 1 videos" in capsys.readouterr().out
    assert not services.data.video_file(video.storage_key).exists()
    assert f"library/videos/{video.storage_key}.mp4" in objects(s3, bucket_name)
    # A second run finds nothing left to move.
    assert cli.main(["migrate-media", "--to", url, *args]) == 0
    assert "Moved 0 videos" in capsys.readouterr().out
    assert "video" in row(video_id).bucket_files.split()
