"""PostgreSQL: the frozen migration steps on an empty database and on an old one, the
schema matching the models, and ``clipset migrate-db`` from a household's SQLite file."""

from __future__ import annotations

import pytest
from support import PASSWORD, Api, make_settings
from video_rows import make_video

from clipset import cli
from clipset.app import create_app
from clipset.store import migrations
from clipset.store.db import bind_url, database
from clipset.store.models import MODELS, Video, is_public_id

# These bring their own databases (postgres_url), so one pass is enough.
pytestmark = pytest.mark.sqlite_only


def _columns(table: str) -> set[str]:
    rows = database.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,)
    ).fetchall()
    return {name for (name,) in rows}


def test_every_step_migrates_an_empty_database_and_models_match(postgres_url):
    db = bind_url(postgres_url)
    with db.connection_context():
        assert migrations.current_version(db) == 0
        assert migrations.migrate(db) == migrations.LATEST
        assert migrations.migrate(db) == migrations.LATEST  # idempotent
        for model in MODELS:
            expected = {f.column_name for f in model._meta.sorted_fields}
            extra = {"search_vector"} if model is Video else set()
            assert _columns(model._meta.table_name) == expected | extra, model


def test_an_old_database_is_upgraded_with_its_data(postgres_url, tmp_path):
    db = bind_url(postgres_url)
    with db.connection_context():
        assert migrations.migrate(db, target=1) == 1
        db.execute_sql(
            """INSERT INTO "user" (id, username, password_hash, role, is_active,
               token_version, quota_used_bytes, created_at)
               VALUES (1, 'host', 'x', 'admin', TRUE, 0, 0, '2024-01-02 03:04:05')"""
        )
        db.execute_sql(
            """INSERT INTO "video" (id, storage_key, uploader_id, title, description, tags,
               privacy, is_featured, original_filename, source_size_bytes,
               processing_status, attempts, progress, view_count, like_count,
               comment_count, created_at)
               VALUES (7, 'abc123', 1, 'Grandma''s café party', 'cake', '["family"]',
                       'public', FALSE, 'party.mp4', 1234, 'completed', 1, 1.0, 5, 0, 0,
                       '2024-01-02 03:04:05')"""
        )
    database.close()
    create_app(make_settings(tmp_path, database_url=postgres_url))
    with database.connection_context():
        assert migrations.current_version(database) == migrations.LATEST
        video = Video.get_by_id(7)
        assert is_public_id(video.public_id) and video.title == "Grandma's café party"
        assert len(video.uploader.subject) == 32
        match = """SELECT id FROM video WHERE search_vector @@
                   to_tsquery('simple', clipset_fold(%s))"""
        for word in ("grandma", "cafe", "CAFÉ", "family", "cak:*"):
            assert database.execute_sql(match, (word,)).fetchall() == [(7,)], word
        # The database keeps the search column in step with the row.
        database.execute_sql("UPDATE video SET title = 'Beach day' WHERE id = 7")
        assert database.execute_sql(match, ("beach",)).fetchall() == [(7,)]
        assert database.execute_sql(match, ("grandma",)).fetchall() == []


def _household(tmp_path):
    """A SQLite Clipset with an admin, a user, videos, a like, a comment, an album with a
    member and two videos, and a Watch later entry (tables keyed by two columns); the newest
    video is deleted, so SQLite's highest id given is above the highest id left."""
    app = create_app(make_settings(tmp_path))
    client = app.test_client()
    r = client.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    admin = Api(client, r.json["access_token"], r.json["user"])
    videos = [make_video(app, admin, title=f"Summer picnic {n}", tags=["park"]) for n in range(3)]
    assert admin.post(f"/api/videos/{videos[0].public_id}/like").status_code in (200, 201)
    r = admin.post(f"/api/videos/{videos[0].public_id}/comment", json={"body": "Lovely day"})
    assert r.status_code == 201, r.json
    token = admin.post("/api/invitations", json={}).json["token"]
    body = {"invitation_token": token, "username": "grandma", "password": PASSWORD}
    r = client.post("/api/auth/register", json=body)
    assert r.status_code == 201, r.json
    album = admin.post("/api/albums", json={"title": "Picnics"}).json["id"]
    ids = [videos[1].public_id, videos[0].public_id]
    assert admin.post(f"/api/albums/{album}/videos", json={"video_ids": ids}).status_code == 200
    member = f"/api/albums/{album}/members/{r.json['user']['id']}"
    assert admin.put(member, json={"role": "viewer"}).status_code == 200
    assert admin.put(f"/api/videos/{videos[1].public_id}/later").status_code in (200, 204)
    assert admin.delete(f"/api/videos/{videos[2].public_id}").status_code in (200, 204)
    app.extensions["clipset"].stop()
    database.close()
    return videos, album


def test_migrate_db_copies_a_household_and_refuses_a_non_empty_target(
    postgres_url, tmp_path, capsys
):
    videos, album = _household(tmp_path)
    data_dir = str(tmp_path / "data")
    assert cli.main(["migrate-db", "--data-dir", data_dir, "--to", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "video: 2 rows" in out and "every table's rows and checksum match" in out

    # A second copy would mix two libraries: refused, and nothing changes.
    assert cli.main(["migrate-db", "--data-dir", data_dir, "--to", postgres_url]) == 1
    assert "is not empty" in capsys.readouterr().err

    app = create_app(make_settings(tmp_path, database_url=postgres_url))
    client = app.test_client()
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.json
    admin = Api(client, r.json["access_token"], r.json["user"])
    found = admin.get("/api/videos/search", query_string={"q": "summer pic"}).json["items"]
    assert {v["id"] for v in found} == {videos[0].public_id, videos[1].public_id}
    shown = admin.get(f"/api/videos/{videos[0].public_id}").json
    assert shown["like_count"] == 1 and shown["comment_count"] == 1
    entries = admin.get(f"/api/albums/{album}/videos").json["items"]
    assert [v["id"] for v in entries] == [videos[1].public_id, videos[0].public_id]
    members = admin.get(f"/api/albums/{album}/members").json
    assert [(m["user"]["username"], m["role"]) for m in members] == [("grandma", "viewer")]
    later = admin.get("/api/videos/later").json["items"]
    assert [v["id"] for v in later] == [videos[1].public_id]
    # Ids go on past the highest SQLite ever gave: the deleted video's is not reused.
    with database.connection_context():
        fresh = Video.create(uploader=admin.user["id"], title="new")
        assert fresh.id > videos[2].id
    app.extensions["clipset"].stop()


def test_migrate_db_refuses_what_is_not_postgresql(tmp_path, capsys):
    _household(tmp_path)
    code = cli.main(["migrate-db", "--data-dir", str(tmp_path / "data"), "--to", "mysql://x/y"])
    assert code == 2 and "postgresql://" in capsys.readouterr().err


def test_doctor_names_the_postgresql_database_without_its_password(postgres_url, tmp_path):
    from clipset.ops.doctor import report
    from clipset.settings import load

    secret = postgres_url.replace("clipset@", "clipset:s3cret@")
    text = report(load(make_settings(tmp_path, database_url=secret)))
    assert "Database: PostgreSQL at postgresql://clipset:***@" in text
    assert "s3cret" not in text and "not on PostgreSQL" in text


def test_cli_backup_says_it_is_not_for_postgresql(postgres_url, tmp_path, capsys):
    dest = tmp_path / "backups"
    dest.mkdir()
    argv = ["backup", str(dest), "--data-dir", str(tmp_path / "data")]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLIPSET_DATABASE_URL", postgres_url)
        assert cli.main(argv) == 1
    assert "pg_dump" in capsys.readouterr().err and not any(dest.iterdir())
