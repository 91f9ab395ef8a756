"""Deletes the bucket could not carry out are not forgotten: with the store's endpoint
down, deleting a video records its objects; the doctor counts them; the scheduled retry
tries again (still down: they stay) and, once the store is back, removes them and their
rows. Against moto's standalone server: a second one on its own port, sharing the first's
buckets, stopped and started again as a store that goes away and comes back."""

from __future__ import annotations

import socket

import media_factory
import pytest
from test_jobs import queue, wait_for
from test_object_store import in_bucket, objects

from clipset import cli
from clipset.services.schedules import SLOT_KEY
from clipset.store.db import database
from clipset.store.models import BucketDelete, Config

S3_KEY_SETTINGS = ("s3_access_key_id", "s3_secret_access_key")


class Endpoint:
    """A moto server on a fixed port that can go down and come back."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def up(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def down(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def endpoint(s3_endpoint):  # s3_endpoint: moto's buckets exist (shared in this process)
    endpoint = Endpoint()
    endpoint.up()
    yield endpoint
    endpoint.down()


@pytest.fixture
def settings_overrides(endpoint, bucket_settings):
    return {**bucket_settings, "s3_endpoint_url": endpoint.url}


@pytest.fixture
def cli_settings(app, monkeypatch):
    """The command line (doctor, bucket-deletes) sees the app's media store."""
    settings = app.config["CLIPSET_SETTINGS"]
    for name in ("media_store", "s3_endpoint_url", "s3_region", *S3_KEY_SETTINGS):
        monkeypatch.setenv(f"CLIPSET_{name.upper()}", getattr(settings, name))


def pending() -> dict[str, int]:
    with database.connection_context():
        return {row.name: row.attempts for row in BucketDelete.select()}


def retry(services) -> None:
    """The scheduled retry, as its next turn runs it (on PostgreSQL a task runs once per
    period across instances: forget that this period's turn was taken)."""
    assert services.schedules.run("bucket.deletes")
    with database.connection_context():
        Config.delete().where(Config.key == SLOT_KEY.format("bucket.deletes")).execute()


def doctor(services, capsys) -> str:
    assert cli.main(["doctor", "--data-dir", str(services.data.root), "--port", "0"]) == 0
    return capsys.readouterr().out


def test_a_delete_the_store_missed_is_retried_until_the_objects_are_gone(
    app, user, s3, bucket_name, endpoint, tmp_path, capsys, cli_settings
):
    services = app.extensions["clipset"]
    services.start()
    clip = media_factory.make_clip(tmp_path / "picnic.mkv", duration=1.0)
    video_id = queue(services, user, clip)
    assert wait_for(video_id, "completed", "failed").processing_status == "completed"
    key = in_bucket(video_id).storage_key
    stored = [k for k in objects(s3, bucket_name) if key in k]
    assert f"library/videos/{key}.mp4" in stored

    endpoint.down()
    assert user.delete(f"/api/videos/{video_id}").status_code == 204
    # The objects are still there, and each is on the list to remove.
    assert sorted(k for k in objects(s3, bucket_name) if key in k) == sorted(stored)
    left = pending()
    assert {f"library/{name}" for name in left} >= set(stored)
    assert set(left.values()) == {1}
    report = doctor(services, capsys)
    assert f"Bucket deletes pending: {len(left)} object(s)" in report

    # A retry while the store is still away keeps them, counting the try.
    retry(services)
    assert pending() == {name: 2 for name in left}

    endpoint.up()
    retry(services)
    assert not [k for k in objects(s3, bucket_name) if key in k]
    assert pending() == {}
    assert "Bucket deletes pending: 0" in doctor(services, capsys)


def test_a_name_back_in_use_is_not_removed_by_a_retry(app, user, s3, bucket_name, tmp_path):
    """An edit may upload a file under a name whose old delete is pending: the retry
    leaves the new object alone."""
    services = app.extensions["clipset"]
    services.start()
    clip = media_factory.make_clip(tmp_path / "swing.mkv", duration=1.0)
    video_id = queue(services, user, clip)
    assert wait_for(video_id, "completed", "failed").processing_status == "completed"
    video = in_bucket(video_id)
    name = services.files.name("thumbnail", video.storage_key)
    with database.connection_context():
        BucketDelete.create(
            bucket=services.bucket.url,
            name=name,
            storage_key=video.storage_key,
            kind="thumbnail",
            error="left by an earlier edit",
        )
    retry(services)
    assert f"library/{name}" in objects(s3, bucket_name)
    assert pending() == {}


def test_a_bucket_media_store_no_longer_names_is_listed_retried_and_forgotten(
    app, s3, bucket_name, capsys, cli_settings
):
    """After media_store moves to another bucket, the old one's pending deletes are not
    retried on their own: the doctor points at them, and ``clipset bucket-deletes``
    lists, removes or forgets them."""
    services = app.extensions["clipset"]
    old = f"old-{bucket_name}"
    s3.create_bucket(Bucket=old)
    old_url = f"s3://{old}/library"
    for name in ("videos/k1.mp4", "thumbnails/k1.jpg"):
        s3.put_object(Bucket=old, Key=f"library/{name}", Body=b"left behind")
    with database.connection_context():
        for name, kind in (("videos/k1.mp4", "video"), ("thumbnails/k1.jpg", "thumbnail")):
            BucketDelete.create(
                bucket=old_url, name=name, storage_key="k1", kind=kind, error="was down"
            )
    data = ["--data-dir", str(services.data.root)]

    retry(services)  # the schedule leaves another bucket's rows alone
    assert pending() == {"videos/k1.mp4": 1, "thumbnails/k1.jpg": 1}
    report = doctor(services, capsys)
    assert f"Bucket deletes pending in {old_url}: 2 object(s), not tried again" in report
    assert f"clipset bucket-deletes --retry {old_url}" in report

    assert cli.main(["bucket-deletes", *data]) == 0
    listed = capsys.readouterr().out
    assert f"{old_url}: 2 object(s) still to remove, not media_store" in listed

    assert cli.main(["bucket-deletes", "--retry", old_url + "/", *data]) == 0
    out = capsys.readouterr().out
    assert f"Removed 2 object(s) from {old_url}." in out and "No bucket deletes pending." in out
    assert objects(s3, old) == {} and pending() == {}

    # A bucket emptied by hand: its list is dropped, nothing is asked of the store.
    with database.connection_context():
        BucketDelete.create(bucket=old_url, name="videos/k2.mp4", storage_key="k2", kind="video")
    assert cli.main(["bucket-deletes", "--forget", old_url, *data]) == 0
    assert "Forgot 1 pending delete(s)" in capsys.readouterr().out and pending() == {}

    assert cli.main(["bucket-deletes", "--retry", "http://not-a-bucket", *data]) == 2
    assert "--retry: give s3://bucket" in capsys.readouterr().err
