"""Schema migrations: an old database is upgraded in place, and models match the schema."""
from __future__ import annotations

import pytest
from peewee import SqliteDatabase

from clipset import migrations
from clipset.app import create_app
from clipset.db import bind, database
from clipset.dirs import DataDir
from clipset.models import MODELS
from support import make_settings


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
                       '2024-01-02 03:04:05')""")
        db.execute_sql(
            """INSERT INTO "video" (id, storage_key, uploader_id, title, description, tags,
               privacy, is_featured, original_filename, source_size_bytes,
               processing_status, attempts, progress, view_count, like_count,
               comment_count, created_at)
               VALUES (7, 'abc123', 1, 'Grandma''s birthday party', 'cake', '["family"]',
                       'public', 0, 'party.mp4', 1234, 'completed', 1, 1.0, 5, 0, 0,
                       '2024-01-02 03:04:05')""")
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
            'SELECT id, title, uploader_id, view_count FROM "video"').fetchall()
        assert video == [(7, "Grandma's birthday party", 1, 5)]
        for word in ("birthday", "cake", "family", "grandma"):
            found = database.execute_sql(
                "SELECT rowid FROM video_search WHERE video_search MATCH ?", (word,))
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
        "columns": {(c.name, _affinity(c.data_type), c.null, c.primary_key)
                    for c in db.get_columns(table)},
        "indexes": {(tuple(i.columns), i.unique) for i in db.get_indexes(table)},
        "foreign_keys": {(f.column, f.dest_table, f.dest_column, f.on_delete)
                         for f in db.get_foreign_keys(table)},
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
                f.column_name for f in model._meta.sorted_fields}, table
    reference.close()
