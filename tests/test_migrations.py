"""Schema migrations: an old database is upgraded in place, and models match the schema."""

from __future__ import annotations

import pytest
from peewee import SqliteDatabase
from support import make_settings

from clipset.app import create_app
from clipset.store import migrations
from clipset.store.db import bind, database
from clipset.store.dirs import DataDir
from clipset.store.models import MODELS, is_public_id


def _version_1_database(tmp_path) -> DataDir:
    data = DataDir(tmp_path / "data")
    data.root.mkdir(parents=True)
    db = bind(data.database)
    with db.connection_context():
        assert migrations.migrate(db, target=1) == 1
        db.execute_sql(
            """INSERT INTO "user" (id, username, email, password_hash, role, is_active,
               token_version, quota_used_bytes, created_at)
               VALUES (1, 'host', 'host@example.com', 'x', 'admin', 1, 0, 0,
                       '2024-01-02 03:04:05')"""
        )
        db.execute_sql(
            """INSERT INTO "video" (id, storage_key, uploader_id, title, description, tags,
               privacy, is_featured, original_filename, source_size_bytes,
               processing_status, attempts, progress, view_count, like_count,
               comment_count, created_at)
               VALUES (7, 'abc123', 1, 'Grandma''s birthday party', 'cake', '["family"]',
                       'public', 0, 'party.mp4', 1234, 'completed', 1, 1.0, 5, 0, 0,
                       '2024-01-02 03:04:05')"""
        )
    database.close()
    return data


def test_old_database_is_upgraded_on_start(tmp_path):
    data = _version_1_database(tmp_path)
    create_app(make_settings(tmp_path))
    with database.connection_context():
        assert migrations.current_version(database) == migrations.LATEST
        user = database.execute_sql('SELECT username, email FROM "user"').fetchall()
        assert user == [("host", "host@example.com")]
        video = database.execute_sql(
            'SELECT id, title, uploader_id, view_count FROM "video"'
        ).fetchall()
        assert video == [(7, "Grandma's birthday party", 1, 5)]
        for word in ("birthday", "cake", "family", "grandma"):
            found = database.execute_sql(
                "SELECT rowid FROM video_search WHERE video_search MATCH ?", (word,)
            )
            assert found.fetchall() == [(7,)], word
        # The triggers keep the index in step from now on.
        database.execute_sql("UPDATE video SET title = 'Beach day' WHERE id = 7")
        match = "SELECT rowid FROM video_search WHERE video_search MATCH ?"
        assert database.execute_sql(match, ("beach",)).fetchall() == [(7,)]
        assert database.execute_sql(match, ("birthday",)).fetchall() == []
    assert data.database.is_file()


def test_start_up_is_idempotent(tmp_path):
    create_app(make_settings(tmp_path))
    database.close()
    create_app(make_settings(tmp_path))
    with database.connection_context():
        assert migrations.current_version(database) == migrations.LATEST


def test_a_newer_schema_is_refused(tmp_path):
    data = DataDir(tmp_path / "data")
    data.root.mkdir(parents=True)
    db = bind(data.database)
    with db.connection_context():
        db.execute_sql(f"PRAGMA user_version = {migrations.LATEST + 1}")
    database.close()
    with pytest.raises(RuntimeError, match="newer than this"):
        create_app(make_settings(tmp_path))
    database.close()


def _affinity(declared: str) -> str:
    """SQLite's type affinity (https://sqlite.org/datatype3.html, section 3.1)."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if any(s in t for s in ("CHAR", "CLOB", "TEXT")) or t == "JSON":
        return "TEXT"
    if any(s in t for s in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _schema(db: SqliteDatabase, table: str) -> dict:
    return {
        "columns": {
            (c.name, _affinity(c.data_type), c.null, c.primary_key) for c in db.get_columns(table)
        },
        "indexes": {(tuple(i.columns), i.unique) for i in db.get_indexes(table)},
        "foreign_keys": {
            (f.column, f.dest_table, f.dest_column, f.on_delete)
            for f in db.get_foreign_keys(table)
        },
    }


def test_models_match_the_migrated_schema(app):
    """Models and migrations cannot drift: the schema the models would create is the
    schema the migrations made."""
    reference = SqliteDatabase(":memory:")
    with reference.bind_ctx(MODELS):
        reference.create_tables(MODELS)
    with database.connection_context():
        tables = set(database.get_tables())
        for model in MODELS:
            table = model._meta.table_name
            assert table in tables
            migrated = _schema(database, table)
            assert migrated == _schema(reference, table), table
            assert {c.name for c in database.get_columns(table)} == {
                f.column_name for f in model._meta.sorted_fields
            }, table
    reference.close()


def _version_2_database(tmp_path) -> DataDir:
    """A database as the previous release left it: rows in every table the identity
    step rebuilds, and a deleted newest user (id 3) whose id must never come back."""
    data = DataDir(tmp_path / "data")
    data.root.mkdir(parents=True)
    db = bind(data.database)
    at = "'2024-01-02 03:04:05'"
    with db.connection_context():
        assert migrations.migrate(db, target=2) == 2
        for sql in (
            f"""INSERT INTO "user" VALUES (1, 'host', NULL, 'x', 'admin', 1, 4, 0, {at}),
                (2, 'kid', 'kid@example.com', 'x', 'user', 1, 0, 10, {at}),
                (3, 'gone', NULL, 'x', 'user', 1, 0, 0, {at})""",
            """DELETE FROM "user" WHERE id = 3""",
            f"""INSERT INTO "category" VALUES (5, 'Family', 'family', {at})""",
            f"""INSERT INTO "video" (id, storage_key, uploader_id, title, description, tags,
               category_id, privacy, is_featured, original_filename, source_size_bytes,
               processing_status, attempts, progress, view_count, like_count,
               comment_count, created_at)
               VALUES (7, 'k7', 1, 'Birthday party', 'cake', '["family"]', 5, 'unlisted',
                       0, 'a.mp4', 10, 'completed', 1, 1.0, 0, 1, 1, {at}),
                      (8, 'k8', 2, 'Beach day', '', '[]', NULL, 'public', 0, 'b.mp4', 10,
                       'completed', 1, 1.0, 0, 0, 0, {at})""",
            f"""INSERT INTO "comment" VALUES (11, 7, 2, 'Lovely', NULL, {at})""",
            f"""INSERT INTO "like" VALUES (12, 2, 7, {at})""",
            f"""INSERT INTO "view" VALUES (13, 2, 7, {at})""",
            f"""INSERT INTO "upload" VALUES ('u1', 2, 'c.mp4', NULL, 10, 10, 'complete',
                {at}, {at}, {at})""",
            f"""INSERT INTO "draft" VALUES (14, 2, 'u1', 'Draft', '', '[]', 5, 'public',
                NULL, NULL, NULL, '{{}}', {at}, {at})""",
            f"""INSERT INTO "invitation" VALUES (15, 'tok', NULL, 1, {at}, {at}, {at}, 2,
                0)""",
        ):
            db.execute_sql(sql)
    database.close()
    return data


def _rows(sql):
    return database.execute_sql(sql).fetchall()


def test_identity_step_keeps_data_links_and_search(tmp_path):
    _version_2_database(tmp_path)
    create_app(make_settings(tmp_path))
    with database.connection_context():
        assert migrations.current_version(database) == migrations.LATEST
        assert _rows('SELECT id, username, token_version FROM "user" ORDER BY id') == [
            (1, "host", 4),
            (2, "kid", 0),
        ]
        subjects = [s for (s,) in _rows('SELECT subject FROM "user"')]
        assert len(set(subjects)) == 2 and all(len(s) == 32 for s in subjects)
        videos = _rows('SELECT id, public_id, title, category_id FROM "video" ORDER BY id')
        assert [(v[0], v[2], v[3]) for v in videos] == [
            (7, "Birthday party", 5),
            (8, "Beach day", None),
        ]
        public = [v[1] for v in videos]
        assert len(set(public)) == 2 and all(is_public_id(p) for p in public)
        assert _rows('SELECT id, video_id, author_id FROM "comment"') == [(11, 7, 2)]
        assert _rows('SELECT id, user_id, upload_id, category_id FROM "draft"') == [
            (14, 2, "u1", 5)
        ]
        assert _rows('SELECT id, created_by_id, used_by_id FROM "invitation"') == [(15, 1, 2)]
        assert _rows('SELECT id FROM "like"') == [(12,)]
        assert _rows("PRAGMA foreign_key_check") == []
        assert _rows("PRAGMA foreign_keys") == [(1,)]
        match = "SELECT rowid FROM video_search WHERE video_search MATCH ?"
        assert _rows_with(match, "birthday") == [(7,)]
        database.execute_sql("UPDATE video SET title = 'Picnic' WHERE id = 7")
        assert _rows_with(match, "picnic") == [(7,)]
        assert _rows_with(match, "birthday") == []

        # Foreign keys still act: deleting a user takes their videos, comments, likes,
        # drafts; a category's removal empties the column.
        database.execute_sql('DELETE FROM "category" WHERE id = 5')
        assert _rows('SELECT category_id FROM "video" WHERE id = 7') == [(None,)]
        database.execute_sql('DELETE FROM "user" WHERE id = 2')
        assert _rows('SELECT id FROM "video"') == [(7,)]
        assert _rows('SELECT count(*) FROM "comment"') == [(0,)]
        assert _rows('SELECT count(*) FROM "draft"') == [(0,)]
        assert _rows('SELECT used_by_id FROM "invitation"') == [(None,)]

        # From now on ids only go up, even past deleted rows.
        database.execute_sql(
            """INSERT INTO "user" (subject, username, password_hash, role, is_active,
                token_version, quota_used_bytes, created_at)
                VALUES ('s', 'next', 'x', 'user', 1, 0, 0, '2024-01-03 00:00:00')"""
        )
        assert _rows("""SELECT id FROM "user" WHERE username = 'next'""") == [(3,)]


def _rows_with(sql, *params):
    return database.execute_sql(sql, params).fetchall()


def _autoincrement(db: SqliteDatabase) -> set[str]:
    return {
        name
        for name, sql in db.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        ).fetchall()
        if sql and "AUTOINCREMENT" in sql.upper()
    }


def test_ids_that_reach_urls_are_never_reused(app):
    """Every table whose id shows in a URL or a token is AUTOINCREMENT, in the models
    and in the migrated schema alike."""
    reference = SqliteDatabase(":memory:")
    with reference.bind_ctx(MODELS):
        reference.create_tables(MODELS)
    with database.connection_context():
        migrated = _autoincrement(database)
    assert migrated == _autoincrement(reference)
    assert {"user", "video", "comment", "draft", "invitation", "category"} <= migrated
    reference.close()
