"""The admin area: runtime configuration and statistics."""

from __future__ import annotations

import re

import pytest
from support import make_settings

from clipset.app import create_app
from clipset.settings import GiB
from clipset.store.db import database
from clipset.store.models import Upload, Video, now

MiB = 1024**2
DEFAULTS = {
    "max_file_size_bytes": 4 * GiB,
    "weekly_upload_limit_bytes": 20 * GiB,
    "accepted_formats": [
        "mp4",
        "mov",
        "m4v",
        "mkv",
        "webm",
        "avi",
        "mts",
        "3gp",
        "mpg",
        "dv",
        "gif",
    ],
    "worker_count": 1,
    "keep_originals": False,
    "backup_dir": None,
    "backup_interval_hours": 24,
    "backup_keep": 7,
}


def test_admin_only(admin, user, anon):
    for api, status in ((anon, 401), (user, 403)):
        assert api.get("/api/admin/config").status_code == status
        assert api.patch("/api/admin/config", json={"worker_count": 2}).status_code == status
        assert api.get("/api/admin/stats").status_code == status
    assert admin.get("/api/admin/config").json["worker_count"] == 1


def test_config_defaults_come_from_settings(admin):
    assert admin.get("/api/admin/config").json == DEFAULTS


@pytest.mark.parametrize(
    "settings_overrides", [{"worker_count": 3, "accepted_formats": "mp4,webm"}]
)
def test_config_defaults_follow_overridden_settings(admin):
    config = admin.get("/api/admin/config").json
    assert config["worker_count"] == 3 and config["accepted_formats"] == ["mp4", "webm"]


def test_patch_applies_at_once_and_persists(tmp_path, app, admin):
    r = admin.patch("/api/admin/config", json={"worker_count": 4, "keep_originals": True})
    assert r.status_code == 200
    assert r.json == {**DEFAULTS, "worker_count": 4, "keep_originals": True}
    assert admin.get("/api/admin/config").json == r.json
    assert app.extensions["clipset"].config["worker_count"] == 4

    r = admin.patch(
        "/api/admin/config",
        json={
            "accepted_formats": [" MP4", "webm"],
            "max_file_size_bytes": MiB,
            "weekly_upload_limit_bytes": 0,
        },
    )
    expected = {
        "max_file_size_bytes": MiB,
        "weekly_upload_limit_bytes": 0,
        "accepted_formats": ["mp4", "webm"],
        "worker_count": 4,
        "keep_originals": True,
        "backup_dir": None,
        "backup_interval_hours": 24,
        "backup_keep": 7,
    }
    assert r.json == expected
    assert admin.patch("/api/admin/config", json={}).status_code == 400  # nothing to change
    assert admin.get("/api/admin/config").json == expected
    # The database wins over the settings defaults, across restarts too.
    database.close()
    again = create_app(make_settings(tmp_path))
    with database.connection_context():
        assert again.extensions["clipset"].config.get() == expected


@pytest.mark.parametrize(
    "body, field",
    [
        ({"max_file_size_bytes": MiB - 1}, "max_file_size_bytes"),
        ({"max_file_size_bytes": "big"}, "max_file_size_bytes"),
        ({"weekly_upload_limit_bytes": -1}, "weekly_upload_limit_bytes"),
        ({"worker_count": -1}, "worker_count"),
        ({"worker_count": 9}, "worker_count"),
        ({"worker_count": None}, "worker_count"),
        ({"worker_count": 2.5}, "worker_count"),
        ({"accepted_formats": []}, "accepted_formats"),
        ({"accepted_formats": "mp4"}, "accepted_formats"),
        ({"accepted_formats": ["mp4", "exe"]}, "accepted_formats"),
        ({"keep_originals": "yes"}, "keep_originals"),
        ({"max_duration_seconds": 5}, "max_duration_seconds"),
    ],
)
def test_patch_refuses_bad_values_and_changes_nothing(admin, body, field):
    r = admin.patch("/api/admin/config", json={"keep_originals": True, **body})
    assert r.status_code == 400
    assert r.json["error_code"] == "validation_error" and r.json["field"] == field
    assert admin.get("/api/admin/config").json == DEFAULTS


def test_patch_refuses_bad_json(admin):
    r = admin.client.patch(
        "/api/admin/config",
        data="worker_count=2",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert r.status_code == 400 and r.json["error_code"] == "invalid_json"


def test_stats(app, admin, user, make_user):
    data = app.extensions["clipset"].data
    admin.patch(f"/api/users/{make_user().user['id']}/active", json={"is_active": False})
    statuses = [
        "pending",
        "pending",
        "processing",
        "completed",
        "completed",
        "completed",
        "failed",
    ]
    with database.connection_context():
        for status in statuses:
            Video.create(
                uploader=user.user["id"],
                title="clip",
                processing_status=status,
                file_size_bytes=1000 if status == "completed" else None,
            )
        upload = Upload.create(
            user=user.user["id"], filename="big.mov", length=10**9, expires_at=now()
        )
    data.original_file("waiting").write_bytes(b"o" * 300)
    data.upload_file(upload.id).write_bytes(b"u" * 20)  # 20 of 10**9 bytes arrived

    r = admin.get("/api/admin/stats")
    assert r.status_code == 200
    stats = r.json
    assert stats["users"] == {"total": 3, "active": 2, "admins": 1}
    assert stats["videos"] == {
        "total": 7,
        "by_status": {"pending": 2, "processing": 1, "completed": 3, "failed": 1},
    }
    assert stats["queue_length"] == 3
    assert stats["bytes_stored"] == 3 * 1000 + 300 + 20
    assert 0 < stats["disk_free_bytes"] <= stats["disk_total_bytes"]


def test_stats_of_an_empty_instance(admin):
    stats = admin.get("/api/admin/stats").json
    assert stats["videos"]["total"] == 0 and stats["bytes_stored"] == 0
    assert stats["videos"]["by_status"] == dict.fromkeys(
        ("pending", "processing", "completed", "failed"), 0
    )
    assert stats["queue_length"] == 0 and stats["users"]["admins"] == 1


def test_backups_can_be_turned_off_by_null_and_stay_off(admin):
    r = admin.patch("/api/admin/config", json={"backup_dir": None})
    assert r.status_code == 200, r.json
    assert r.json["backup_dir"] is None
    assert admin.get("/api/admin/config").json["backup_dir"] is None
    assert admin.patch("/api/admin/config", json={"backup_dir": ""}).status_code == 200


def test_the_backup_folder_is_an_absolute_path_as_the_api_document_says(admin, anon, tmp_path):
    patch = anon.get("/api/openapi.json").json["components"]["schemas"]["ConfigPatch"]
    text = next(b for b in patch["properties"]["backup_dir"]["anyOf"] if b["type"] == "string")
    absolute = re.compile(text["pattern"])
    dest = tmp_path / "nas"
    dest.mkdir()
    assert absolute.match(str(dest))
    r = admin.patch("/api/admin/config", json={"backup_dir": str(dest)})
    assert r.status_code == 200 and r.json["backup_dir"] == str(dest), r.json
    for relative in ("nas", "./nas", "backups/clipset"):
        assert not absolute.match(relative)
        r = admin.patch("/api/admin/config", json={"backup_dir": relative, "backup_keep": 3})
        assert r.status_code == 400, r.json
        assert r.json["error_code"] == "backup_dir_invalid" and r.json["field"] == "backup_dir"
        assert "absolute path" in r.json["detail"]
    # Nothing of a refused change is kept.
    config = admin.get("/api/admin/config").json
    assert config["backup_dir"] == str(dest) and config["backup_keep"] == 7
