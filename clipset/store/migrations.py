"""Forward-only schema migrations, tracked in SQLite's ``PRAGMA user_version`` (on
PostgreSQL, in the one-row ``schema_version`` table).

Each step is frozen SQL (never derived from the current models), applied in order inside
one IMMEDIATE transaction at start-up. Add a step; never edit one that has shipped. A step
is one tuple of portable statements, or ``{"sqlite": ..., "postgresql": ...}`` where the
two dialects need different SQL for the same meaning.
"""
from __future__ import annotations

import logging

from peewee import Database, PostgresqlDatabase

from .steps import (
    V8_CAPTIONS,
    V8_CAPTIONS_POSTGRESQL,
    V9_ALBUM_SHARES,
    V10_INSTANCES_POSTGRESQL,
    V11_STAND_INS,
    V12_WORKERS,
    V12_WORKERS_POSTGRESQL,
    V13_RETRY_ELSEWHERE,
    V14_BUCKET_FILES,
    V15_BUCKET_DELETES,
    V16_TRIMS,
    V17_INSTANCE_WORK,
)

log = logging.getLogger(__name__)

# Every migrating process takes this lock first, so two starting instances never both
# apply a step (the second finds the work done).
_MIGRATION_LOCK = 0x6D696772  # "migr"

V1_INITIAL = (
    """CREATE TABLE "category" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(64) NOT NULL, "slug" VARCHAR(80) NOT NULL, "created_at" DATETIME NOT NULL)""",
    """CREATE UNIQUE INDEX "category_name" ON "category" ("name")""",
    """CREATE UNIQUE INDEX "category_slug" ON "category" ("slug")""",
    """CREATE TABLE "user" ("id" INTEGER NOT NULL PRIMARY KEY, "username" VARCHAR(32) NOT NULL, "email" VARCHAR(254), "password_hash" VARCHAR(255) NOT NULL, "role" VARCHAR(16) NOT NULL, "is_active" INTEGER NOT NULL, "token_version" INTEGER NOT NULL, "quota_used_bytes" INTEGER NOT NULL, "created_at" DATETIME NOT NULL)""",
    """CREATE UNIQUE INDEX "user_username" ON "user" ("username")""",
    """CREATE TABLE "video" ("id" INTEGER NOT NULL PRIMARY KEY, "storage_key" VARCHAR(32) NOT NULL, "uploader_id" INTEGER NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "tags" TEXT NOT NULL, "category_id" INTEGER, "privacy" VARCHAR(16) NOT NULL, "is_featured" INTEGER NOT NULL, "original_filename" VARCHAR(255) NOT NULL, "source_size_bytes" INTEGER NOT NULL, "trim_start" REAL, "trim_end" REAL, "cover_time" REAL, "processing_status" VARCHAR(16) NOT NULL, "attempts" INTEGER NOT NULL, "progress" REAL NOT NULL, "error_message" TEXT, "transcode_mode" VARCHAR(16), "processing_started_at" DATETIME, "processing_finished_at" DATETIME, "duration_seconds" REAL, "width" INTEGER, "height" INTEGER, "fps" REAL, "video_codec" VARCHAR(32), "audio_codec" VARCHAR(32), "bitrate" INTEGER, "file_size_bytes" INTEGER, "view_count" INTEGER NOT NULL, "like_count" INTEGER NOT NULL, "comment_count" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("uploader_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("category_id") REFERENCES "category" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "video_storage_key" ON "video" ("storage_key")""",
    """CREATE INDEX "video_uploader_id" ON "video" ("uploader_id")""",
    """CREATE INDEX "video_category_id" ON "video" ("category_id")""",
    """CREATE INDEX "video_created_at" ON "video" ("created_at")""",
    """CREATE INDEX "video_processing_status_privacy_created_at" ON "video" ("processing_status", "privacy", "created_at")""",
    """CREATE TABLE "comment" ("id" INTEGER NOT NULL PRIMARY KEY, "video_id" INTEGER NOT NULL, "author_id" INTEGER NOT NULL, "body" TEXT NOT NULL, "timestamp_seconds" REAL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE, FOREIGN KEY ("author_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "comment_video_id" ON "comment" ("video_id")""",
    """CREATE INDEX "comment_author_id" ON "comment" ("author_id")""",
    """CREATE INDEX "comment_video_id_created_at" ON "comment" ("video_id", "created_at")""",
    """CREATE TABLE "config" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL, "updated_at" DATETIME NOT NULL)""",
    """CREATE TABLE "upload" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "filename" VARCHAR(255) NOT NULL, "content_type" VARCHAR(128), "length" INTEGER NOT NULL, "offset" INTEGER NOT NULL, "state" VARCHAR(16) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "expires_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "upload_user_id" ON "upload" ("user_id")""",
    """CREATE TABLE "draft" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "upload_id" VARCHAR(32) NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "tags" TEXT NOT NULL, "category_id" INTEGER, "privacy" VARCHAR(16) NOT NULL, "trim_start" REAL, "trim_end" REAL, "cover_time" REAL, "probe" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("upload_id") REFERENCES "upload" ("id") ON DELETE CASCADE, FOREIGN KEY ("category_id") REFERENCES "category" ("id") ON DELETE SET NULL)""",
    """CREATE INDEX "draft_user_id" ON "draft" ("user_id")""",
    """CREATE UNIQUE INDEX "draft_upload_id" ON "draft" ("upload_id")""",
    """CREATE INDEX "draft_category_id" ON "draft" ("category_id")""",
    """CREATE TABLE "invitation" ("id" INTEGER NOT NULL PRIMARY KEY, "token" VARCHAR(64) NOT NULL, "email" VARCHAR(254), "created_by_id" INTEGER, "created_at" DATETIME NOT NULL, "expires_at" DATETIME NOT NULL, "used_at" DATETIME, "used_by_id" INTEGER, "revoked" INTEGER NOT NULL, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("used_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "invitation_token" ON "invitation" ("token")""",
    """CREATE INDEX "invitation_created_by_id" ON "invitation" ("created_by_id")""",
    """CREATE INDEX "invitation_used_by_id" ON "invitation" ("used_by_id")""",
    """CREATE TABLE "like" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "video_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "like_user_id" ON "like" ("user_id")""",
    """CREATE INDEX "like_video_id" ON "like" ("video_id")""",
    """CREATE UNIQUE INDEX "like_video_id_user_id" ON "like" ("video_id", "user_id")""",
    """CREATE TABLE "view" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "video_id" INTEGER NOT NULL, "viewed_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "view_user_id" ON "view" ("user_id")""",
    """CREATE INDEX "view_video_id" ON "view" ("video_id")""",
    """CREATE INDEX "view_user_id_video_id_viewed_at" ON "view" ("user_id", "video_id", "viewed_at")""",
)

# The same tables on PostgreSQL: SERIAL ids, BOOLEAN flags, BIGINT byte counts, TIMESTAMP.
V1_INITIAL_POSTGRESQL = (
    """CREATE TABLE "category" ("id" SERIAL PRIMARY KEY, "name" VARCHAR(64) NOT NULL, "slug" VARCHAR(80) NOT NULL, "created_at" TIMESTAMP NOT NULL)""",
    """CREATE UNIQUE INDEX "category_name" ON "category" ("name")""",
    """CREATE UNIQUE INDEX "category_slug" ON "category" ("slug")""",
    """CREATE TABLE "user" ("id" SERIAL PRIMARY KEY, "username" VARCHAR(32) NOT NULL, "email" VARCHAR(254), "password_hash" VARCHAR(255) NOT NULL, "role" VARCHAR(16) NOT NULL, "is_active" BOOLEAN NOT NULL, "token_version" INTEGER NOT NULL, "quota_used_bytes" BIGINT NOT NULL, "created_at" TIMESTAMP NOT NULL)""",
    """CREATE UNIQUE INDEX "user_username" ON "user" ("username")""",
    """CREATE TABLE "video" ("id" SERIAL PRIMARY KEY, "storage_key" VARCHAR(32) NOT NULL, "uploader_id" INTEGER NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "tags" TEXT NOT NULL, "category_id" INTEGER, "privacy" VARCHAR(16) NOT NULL, "is_featured" BOOLEAN NOT NULL, "original_filename" VARCHAR(255) NOT NULL, "source_size_bytes" BIGINT NOT NULL, "trim_start" DOUBLE PRECISION, "trim_end" DOUBLE PRECISION, "cover_time" DOUBLE PRECISION, "processing_status" VARCHAR(16) NOT NULL, "attempts" INTEGER NOT NULL, "progress" DOUBLE PRECISION NOT NULL, "error_message" TEXT, "transcode_mode" VARCHAR(16), "processing_started_at" TIMESTAMP, "processing_finished_at" TIMESTAMP, "duration_seconds" DOUBLE PRECISION, "width" INTEGER, "height" INTEGER, "fps" DOUBLE PRECISION, "video_codec" VARCHAR(32), "audio_codec" VARCHAR(32), "bitrate" INTEGER, "file_size_bytes" BIGINT, "view_count" INTEGER NOT NULL, "like_count" INTEGER NOT NULL, "comment_count" INTEGER NOT NULL, "created_at" TIMESTAMP NOT NULL, FOREIGN KEY ("uploader_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("category_id") REFERENCES "category" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "video_storage_key" ON "video" ("storage_key")""",
    """CREATE INDEX "video_uploader_id" ON "video" ("uploader_id")""",
    """CREATE INDEX "video_category_id" ON "video" ("category_id")""",
    """CREATE INDEX "video_created_at" ON "video" ("created_at")""",
    """CREATE INDEX "video_processing_status_privacy_created_at" ON "video" ("processing_status", "privacy", "created_at")""",
    """CREATE TABLE "comment" ("id" SERIAL PRIMARY KEY, "video_id" INTEGER NOT NULL, "author_id" INTEGER NOT NULL, "body" TEXT NOT NULL, "timestamp_seconds" DOUBLE PRECISION, "created_at" TIMESTAMP NOT NULL, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE, FOREIGN KEY ("author_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "comment_video_id" ON "comment" ("video_id")""",
    """CREATE INDEX "comment_author_id" ON "comment" ("author_id")""",
    """CREATE INDEX "comment_video_id_created_at" ON "comment" ("video_id", "created_at")""",
    """CREATE TABLE "config" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL, "updated_at" TIMESTAMP NOT NULL)""",
    """CREATE TABLE "upload" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "filename" VARCHAR(255) NOT NULL, "content_type" VARCHAR(128), "length" BIGINT NOT NULL, "offset" BIGINT NOT NULL, "state" VARCHAR(16) NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, "expires_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "upload_user_id" ON "upload" ("user_id")""",
    """CREATE TABLE "draft" ("id" SERIAL PRIMARY KEY, "user_id" INTEGER NOT NULL, "upload_id" VARCHAR(32) NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "tags" TEXT NOT NULL, "category_id" INTEGER, "privacy" VARCHAR(16) NOT NULL, "trim_start" DOUBLE PRECISION, "trim_end" DOUBLE PRECISION, "cover_time" DOUBLE PRECISION, "probe" TEXT NOT NULL, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("upload_id") REFERENCES "upload" ("id") ON DELETE CASCADE, FOREIGN KEY ("category_id") REFERENCES "category" ("id") ON DELETE SET NULL)""",
    """CREATE INDEX "draft_user_id" ON "draft" ("user_id")""",
    """CREATE UNIQUE INDEX "draft_upload_id" ON "draft" ("upload_id")""",
    """CREATE INDEX "draft_category_id" ON "draft" ("category_id")""",
    """CREATE TABLE "invitation" ("id" SERIAL PRIMARY KEY, "token" VARCHAR(64) NOT NULL, "email" VARCHAR(254), "created_by_id" INTEGER, "created_at" TIMESTAMP NOT NULL, "expires_at" TIMESTAMP NOT NULL, "used_at" TIMESTAMP, "used_by_id" INTEGER, "revoked" BOOLEAN NOT NULL, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("used_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)""",
    """CREATE UNIQUE INDEX "invitation_token" ON "invitation" ("token")""",
    """CREATE INDEX "invitation_created_by_id" ON "invitation" ("created_by_id")""",
    """CREATE INDEX "invitation_used_by_id" ON "invitation" ("used_by_id")""",
    """CREATE TABLE "like" ("id" SERIAL PRIMARY KEY, "user_id" INTEGER NOT NULL, "video_id" INTEGER NOT NULL, "created_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "like_user_id" ON "like" ("user_id")""",
    """CREATE INDEX "like_video_id" ON "like" ("video_id")""",
    """CREATE UNIQUE INDEX "like_video_id_user_id" ON "like" ("video_id", "user_id")""",
    """CREATE TABLE "view" ("id" SERIAL PRIMARY KEY, "user_id" INTEGER NOT NULL, "video_id" INTEGER NOT NULL, "viewed_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "view_user_id" ON "view" ("user_id")""",
    """CREATE INDEX "view_video_id" ON "view" ("video_id")""",
    """CREATE INDEX "view_user_id_video_id_viewed_at" ON "view" ("user_id", "video_id", "viewed_at")""",
)

V2_SEARCH = (
    # Full-text search over title, description and tags, kept in step by triggers.
    """CREATE VIRTUAL TABLE "video_search" USING fts5(title, description, tags,
        content='video', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER "video_search_ai" AFTER INSERT ON "video" BEGIN
        INSERT INTO video_search(rowid, title, description, tags)
        VALUES (new.id, new.title, new.description, new.tags); END""",
    """CREATE TRIGGER "video_search_ad" AFTER DELETE ON "video" BEGIN
        INSERT INTO video_search(video_search, rowid, title, description, tags)
        VALUES ('delete', old.id, old.title, old.description, old.tags); END""",
    """CREATE TRIGGER "video_search_au" AFTER UPDATE OF title, description, tags ON "video"
        BEGIN
        INSERT INTO video_search(video_search, rowid, title, description, tags)
        VALUES ('delete', old.id, old.title, old.description, old.tags);
        INSERT INTO video_search(rowid, title, description, tags)
        VALUES (new.id, new.title, new.description, new.tags); END""",
    """INSERT INTO video_search(video_search) VALUES ('rebuild')""",
)

# On PostgreSQL the database keeps a tsvector of the same text (accents folded, no
# stemming, like unicode61 remove_diacritics) in a generated column under a GIN index.
# unaccent is not IMMUTABLE (its dictionary could change), so an immutable wrapper with
# the dictionary named is what a generated column may call.
V2_SEARCH_POSTGRESQL = (
    """CREATE EXTENSION IF NOT EXISTS unaccent""",
    """CREATE FUNCTION "clipset_fold"(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$""",
    """ALTER TABLE "video" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, "clipset_fold"("title" || ' ' || "description" || ' ' || "tags"))) STORED""",
    """CREATE INDEX "video_search_vector" ON "video" USING GIN ("search_vector")""",
)

# Ids that are never reused (AUTOINCREMENT) on every table whose id reaches a URL or a
# token, a random per-user subject for tokens, and an unguessable public id per video.
# SQLite can only add AUTOINCREMENT by rebuilding a table: new table, copy, drop, rename,
# then its indexes (and the video search triggers) again; rowids are kept, so the search
# index and every foreign key stay valid. Runs with foreign keys off (see ``migrate``).
# One random base64url character; eleven of them in the row's own expression (a subquery
# would be evaluated once for all rows) make a public id of 66 random bits.
_ID_CHAR = ("substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', "
            "(random() & 63) + 1, 1)")
_PUBLIC_ID = " || ".join([_ID_CHAR] * 11)

V3_IDENTITIES = (
    """CREATE TABLE "user_new" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "subject" VARCHAR(32) NOT NULL, "username" VARCHAR(32) NOT NULL, "email" VARCHAR(254), "password_hash" VARCHAR(255) NOT NULL, "role" VARCHAR(16) NOT NULL, "is_active" INTEGER NOT NULL, "token_version" INTEGER NOT NULL, "quota_used_bytes" INTEGER NOT NULL, "created_at" DATETIME NOT NULL)""",
    """INSERT INTO "user_new" ("id", "subject", "username", "email", "password_hash", "role", "is_active", "token_version", "quota_used_bytes", "created_at")
        SELECT "id", lower(hex(randomblob(16))), "username", "email", "password_hash", "role", "is_active", "token_version", "quota_used_bytes", "created_at" FROM "user" """,
    """DROP TABLE "user" """,
    """ALTER TABLE "user_new" RENAME TO "user" """,
    """CREATE UNIQUE INDEX "user_username" ON "user" ("username")""",
    """CREATE UNIQUE INDEX "user_subject" ON "user" ("subject")""",

    """CREATE TABLE "category_new" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" VARCHAR(64) NOT NULL, "slug" VARCHAR(80) NOT NULL, "created_at" DATETIME NOT NULL)""",
    """INSERT INTO "category_new" SELECT "id", "name", "slug", "created_at" FROM "category" """,
    """DROP TABLE "category" """,
    """ALTER TABLE "category_new" RENAME TO "category" """,
    """CREATE UNIQUE INDEX "category_name" ON "category" ("name")""",
    """CREATE UNIQUE INDEX "category_slug" ON "category" ("slug")""",

    """CREATE TABLE "video_new" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "public_id" VARCHAR(11) NOT NULL, "storage_key" VARCHAR(32) NOT NULL, "uploader_id" INTEGER NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "tags" TEXT NOT NULL, "category_id" INTEGER, "privacy" VARCHAR(16) NOT NULL, "is_featured" INTEGER NOT NULL, "original_filename" VARCHAR(255) NOT NULL, "source_size_bytes" INTEGER NOT NULL, "trim_start" REAL, "trim_end" REAL, "cover_time" REAL, "processing_status" VARCHAR(16) NOT NULL, "attempts" INTEGER NOT NULL, "progress" REAL NOT NULL, "error_message" TEXT, "transcode_mode" VARCHAR(16), "processing_started_at" DATETIME, "processing_finished_at" DATETIME, "duration_seconds" REAL, "width" INTEGER, "height" INTEGER, "fps" REAL, "video_codec" VARCHAR(32), "audio_codec" VARCHAR(32), "bitrate" INTEGER, "file_size_bytes" INTEGER, "view_count" INTEGER NOT NULL, "like_count" INTEGER NOT NULL, "comment_count" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("uploader_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("category_id") REFERENCES "category" ("id") ON DELETE SET NULL)""",
    f"""INSERT INTO "video_new" SELECT "id", {_PUBLIC_ID}, "storage_key", "uploader_id", "title", "description", "tags", "category_id", "privacy", "is_featured", "original_filename", "source_size_bytes", "trim_start", "trim_end", "cover_time", "processing_status", "attempts", "progress", "error_message", "transcode_mode", "processing_started_at", "processing_finished_at", "duration_seconds", "width", "height", "fps", "video_codec", "audio_codec", "bitrate", "file_size_bytes", "view_count", "like_count", "comment_count", "created_at" FROM "video" """,
    """DROP TABLE "video" """,
    """ALTER TABLE "video_new" RENAME TO "video" """,
    """CREATE UNIQUE INDEX "video_public_id" ON "video" ("public_id")""",
    """CREATE UNIQUE INDEX "video_storage_key" ON "video" ("storage_key")""",
    """CREATE INDEX "video_uploader_id" ON "video" ("uploader_id")""",
    """CREATE INDEX "video_category_id" ON "video" ("category_id")""",
    """CREATE INDEX "video_created_at" ON "video" ("created_at")""",
    """CREATE INDEX "video_processing_status_privacy_created_at" ON "video" ("processing_status", "privacy", "created_at")""",
    """CREATE TRIGGER "video_search_ai" AFTER INSERT ON "video" BEGIN
        INSERT INTO video_search(rowid, title, description, tags)
        VALUES (new.id, new.title, new.description, new.tags); END""",
    """CREATE TRIGGER "video_search_ad" AFTER DELETE ON "video" BEGIN
        INSERT INTO video_search(video_search, rowid, title, description, tags)
        VALUES ('delete', old.id, old.title, old.description, old.tags); END""",
    """CREATE TRIGGER "video_search_au" AFTER UPDATE OF title, description, tags ON "video"
        BEGIN
        INSERT INTO video_search(video_search, rowid, title, description, tags)
        VALUES ('delete', old.id, old.title, old.description, old.tags);
        INSERT INTO video_search(rowid, title, description, tags)
        VALUES (new.id, new.title, new.description, new.tags); END""",

    """CREATE TABLE "comment_new" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "video_id" INTEGER NOT NULL, "author_id" INTEGER NOT NULL, "body" TEXT NOT NULL, "timestamp_seconds" REAL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE, FOREIGN KEY ("author_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """INSERT INTO "comment_new" SELECT "id", "video_id", "author_id", "body", "timestamp_seconds", "created_at" FROM "comment" """,
    """DROP TABLE "comment" """,
    """ALTER TABLE "comment_new" RENAME TO "comment" """,
    """CREATE INDEX "comment_video_id" ON "comment" ("video_id")""",
    """CREATE INDEX "comment_author_id" ON "comment" ("author_id")""",
    """CREATE INDEX "comment_video_id_created_at" ON "comment" ("video_id", "created_at")""",

    """CREATE TABLE "draft_new" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" INTEGER NOT NULL, "upload_id" VARCHAR(32) NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "tags" TEXT NOT NULL, "category_id" INTEGER, "privacy" VARCHAR(16) NOT NULL, "trim_start" REAL, "trim_end" REAL, "cover_time" REAL, "probe" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("upload_id") REFERENCES "upload" ("id") ON DELETE CASCADE, FOREIGN KEY ("category_id") REFERENCES "category" ("id") ON DELETE SET NULL)""",
    """INSERT INTO "draft_new" SELECT "id", "user_id", "upload_id", "title", "description", "tags", "category_id", "privacy", "trim_start", "trim_end", "cover_time", "probe", "created_at", "updated_at" FROM "draft" """,
    """DROP TABLE "draft" """,
    """ALTER TABLE "draft_new" RENAME TO "draft" """,
    """CREATE INDEX "draft_user_id" ON "draft" ("user_id")""",
    """CREATE UNIQUE INDEX "draft_upload_id" ON "draft" ("upload_id")""",
    """CREATE INDEX "draft_category_id" ON "draft" ("category_id")""",

    """CREATE TABLE "invitation_new" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "token" VARCHAR(64) NOT NULL, "email" VARCHAR(254), "created_by_id" INTEGER, "created_at" DATETIME NOT NULL, "expires_at" DATETIME NOT NULL, "used_at" DATETIME, "used_by_id" INTEGER, "revoked" INTEGER NOT NULL, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("used_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)""",
    """INSERT INTO "invitation_new" SELECT "id", "token", "email", "created_by_id", "created_at", "expires_at", "used_at", "used_by_id", "revoked" FROM "invitation" """,
    """DROP TABLE "invitation" """,
    """ALTER TABLE "invitation_new" RENAME TO "invitation" """,
    """CREATE UNIQUE INDEX "invitation_token" ON "invitation" ("token")""",
    """CREATE INDEX "invitation_created_by_id" ON "invitation" ("created_by_id")""",
    """CREATE INDEX "invitation_used_by_id" ON "invitation" ("used_by_id")""",
)

# PostgreSQL's sequences never hand out an id twice already, so only the new columns:
# 122 random bits for a subject, and a public id of 66 bits hashed from as many.
V3_IDENTITIES_POSTGRESQL = (
    """ALTER TABLE "user" ADD COLUMN "subject" VARCHAR(32)""",
    """UPDATE "user" SET "subject" = replace(gen_random_uuid()::text, '-', '')""",
    """ALTER TABLE "user" ALTER COLUMN "subject" SET NOT NULL""",
    """CREATE UNIQUE INDEX "user_subject" ON "user" ("subject")""",
    """ALTER TABLE "video" ADD COLUMN "public_id" VARCHAR(11)""",
    """UPDATE "video" SET "public_id" = substr(translate(encode(sha256(gen_random_uuid()::text::bytea), 'base64'), '+/', '-_'), 1, 11)""",
    """ALTER TABLE "video" ALTER COLUMN "public_id" SET NOT NULL""",
    """CREATE UNIQUE INDEX "video_public_id" ON "video" ("public_id")""",
)

V5_LIST_INDEXES = (
    # Each public sort, a user's page and the featured row read their first page straight
    # off an index instead of sorting every listed video.
    """CREATE INDEX "video_processing_status_privacy_view_count" ON "video" ("processing_status", "privacy", "view_count")""",
    """CREATE INDEX "video_processing_status_privacy_like_count" ON "video" ("processing_status", "privacy", "like_count")""",
    """CREATE INDEX "video_processing_status_privacy_is_featured_created_at" ON "video" ("processing_status", "privacy", "is_featured", "created_at")""",
    """CREATE INDEX "video_uploader_id_created_at" ON "video" ("uploader_id", "created_at")""",
)

# Albums with members and a "Watch later" list per user. Portable SQL (no AUTOINCREMENT,
# TIMESTAMP for times): albums have random ids, the other tables composite keys.
V6_ALBUMS = (
    """CREATE TABLE "album" ("id" VARCHAR(11) NOT NULL PRIMARY KEY, "owner_id" INTEGER NOT NULL, "title" VARCHAR(200) NOT NULL, "description" TEXT NOT NULL, "cover_video_id" INTEGER, "created_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("cover_video_id") REFERENCES "video" ("id") ON DELETE SET NULL)""",
    """CREATE INDEX "album_owner_id" ON "album" ("owner_id")""",
    """CREATE INDEX "album_cover_video_id" ON "album" ("cover_video_id")""",
    """CREATE TABLE "album_member" ("album_id" VARCHAR(11) NOT NULL, "user_id" INTEGER NOT NULL, "role" VARCHAR(16) NOT NULL, "created_at" TIMESTAMP NOT NULL, PRIMARY KEY ("album_id", "user_id"), FOREIGN KEY ("album_id") REFERENCES "album" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "album_member_album_id" ON "album_member" ("album_id")""",
    """CREATE INDEX "album_member_user_id" ON "album_member" ("user_id")""",
    """CREATE TABLE "album_video" ("album_id" VARCHAR(11) NOT NULL, "video_id" INTEGER NOT NULL, "added_by_id" INTEGER, "position" INTEGER NOT NULL, "added_at" TIMESTAMP NOT NULL, PRIMARY KEY ("album_id", "video_id"), FOREIGN KEY ("album_id") REFERENCES "album" ("id") ON DELETE CASCADE, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE, FOREIGN KEY ("added_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)""",
    """CREATE INDEX "album_video_album_id" ON "album_video" ("album_id")""",
    """CREATE INDEX "album_video_video_id" ON "album_video" ("video_id")""",
    """CREATE INDEX "album_video_added_by_id" ON "album_video" ("added_by_id")""",
    """CREATE INDEX "album_video_album_id_position" ON "album_video" ("album_id", "position")""",
    """CREATE TABLE "watch_later" ("user_id" INTEGER NOT NULL, "video_id" INTEGER NOT NULL, "added_at" TIMESTAMP NOT NULL, PRIMARY KEY ("user_id", "video_id"), FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "watch_later_user_id" ON "watch_later" ("user_id")""",
    """CREATE INDEX "watch_later_video_id" ON "watch_later" ("video_id")""",
    """CREATE INDEX "watch_later_user_id_added_at" ON "watch_later" ("user_id", "added_at")""",
)


# Portable SQL (TIMESTAMP and BOOLEAN, a text primary key), so the step also suits
# PostgreSQL; on SQLite TIMESTAMP has DATETIME's affinity.
V7_SHARE_LINKS = (
    """CREATE TABLE "share_link" ("id" VARCHAR(16) NOT NULL PRIMARY KEY, "token" VARCHAR(64) NOT NULL, "target_kind" VARCHAR(16) NOT NULL, "video_id" INTEGER, "created_by_id" INTEGER NOT NULL, "label" VARCHAR(80) NOT NULL, "password_hash" VARCHAR(255), "allow_download" BOOLEAN NOT NULL, "created_at" TIMESTAMP NOT NULL, "expires_at" TIMESTAMP, "revoked_at" TIMESTAMP, "last_opened_at" TIMESTAMP, "open_count" INTEGER NOT NULL, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id") ON DELETE CASCADE)""",
    """CREATE UNIQUE INDEX "share_link_token" ON "share_link" ("token")""",
    """CREATE INDEX "share_link_video_id" ON "share_link" ("video_id")""",
    """CREATE INDEX "share_link_created_by_id" ON "share_link" ("created_by_id")""",
)


STEPS: tuple[tuple[str, tuple[str, ...] | dict[str, tuple[str, ...]]], ...] = (
    ("initial schema", {"sqlite": V1_INITIAL, "postgresql": V1_INITIAL_POSTGRESQL}),
    ("full-text video search", {"sqlite": V2_SEARCH, "postgresql": V2_SEARCH_POSTGRESQL}),
    ("ids never reused, public video ids", {"sqlite": V3_IDENTITIES, "postgresql": V3_IDENTITIES_POSTGRESQL}),
    ("video recording date", {
        "sqlite": ("""ALTER TABLE "video" ADD COLUMN "recorded_at" DATETIME""",),
        "postgresql": ("""ALTER TABLE "video" ADD COLUMN "recorded_at" TIMESTAMP""",)}),
    ("list indexes", V5_LIST_INDEXES),
    ("albums and saved lists", V6_ALBUMS),
    ("share links", V7_SHARE_LINKS),
    ("captions and previews", {"sqlite": V8_CAPTIONS, "postgresql": V8_CAPTIONS_POSTGRESQL}),
    ("album share links", V9_ALBUM_SHARES),
    ("several app instances", {"sqlite": (), "postgresql": V10_INSTANCES_POSTGRESQL}),
    ("playable while processing", V11_STAND_INS),
    ("remote transcode workers", {"sqlite": V12_WORKERS, "postgresql": V12_WORKERS_POSTGRESQL}),
    ("a failed job retried elsewhere", V13_RETRY_ELSEWHERE),
    ("media in a bucket", V14_BUCKET_FILES),
    ("bucket deletes retried", V15_BUCKET_DELETES),
    ("trims in the database", V16_TRIMS),
    ("work owned by its instance", V17_INSTANCE_WORK),
)
LATEST = len(STEPS)




def dialect(db: Database) -> str:
    return "postgresql" if isinstance(getattr(db, "obj", db), PostgresqlDatabase) else "sqlite"


def statements(step: int, db: Database) -> tuple[str, ...]:
    """The SQL of step ``step`` (1-based) for ``db``'s dialect."""
    sql = STEPS[step - 1][1]
    return sql[dialect(db)] if isinstance(sql, dict) else sql


def current_version(db: Database) -> int:
    if dialect(db) == "postgresql":
        if not db.table_exists("schema_version"):
            return 0
        return db.execute_sql('SELECT "version" FROM "schema_version"').fetchone()[0]
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def _refuse_newer(version: int) -> None:
    if version > LATEST:
        raise RuntimeError(f"database schema version {version} is newer than this "
                           f"Clipset ({LATEST}); upgrade Clipset")


def migrate(db: Database, target: int = LATEST) -> int:
    """Bring the schema up to ``target``; returns the version it ended at."""
    if dialect(db) == "postgresql":
        return _migrate_postgresql(db, target)
    return _migrate_sqlite(db, target)


def _migrate_postgresql(db: Database, target: int) -> int:
    """Each step in its own transaction (PostgreSQL's DDL is transactional), under a lock
    so concurrent starts apply it once; foreign keys stay on, no step there rebuilds a
    table."""
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        db.execute_sql('CREATE TABLE IF NOT EXISTS "schema_version" ("version" INTEGER NOT NULL)')
        if db.execute_sql('SELECT count(*) FROM "schema_version"').fetchone()[0] == 0:
            db.execute_sql('INSERT INTO "schema_version" ("version") VALUES (0)')
    version = current_version(db)
    _refuse_newer(version)
    while version < target:
        with db.atomic():
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            version = current_version(db)
            if version >= target:
                break
            for sql in statements(version + 1, db):
                db.execute_sql(sql)
            version += 1
            db.execute_sql('UPDATE "schema_version" SET "version" = %s', (version,))
        log.info("database schema migrated to version %d (%s)", version, STEPS[version - 1][0])
    return version


def _migrate_sqlite(db: Database, target: int) -> int:
    """Foreign keys are off while steps run: dropping a table being rebuilt must not
    cascade into its children. Each step checks them before it commits instead.
    """
    version = current_version(db)
    _refuse_newer(version)
    if version >= target:
        return version
    db.execute_sql("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
    try:
        while version < target:
            name = STEPS[version][0]
            with db.atomic("IMMEDIATE"):
                for sql in statements(version + 1, db):
                    db.execute_sql(sql)
                broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration {name!r} broke foreign keys: {broken[:5]}")
                version += 1
                db.execute_sql(f"PRAGMA user_version = {version}")
            log.info("database schema migrated to version %d (%s)", version, name)
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
    return version
