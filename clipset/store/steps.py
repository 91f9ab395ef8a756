"""The frozen SQL of the schema steps from the eighth on (``migrations.py`` lists every
step and runs them; it grew too long to hold their SQL as well). Never edit a step that
shipped: add one."""

from __future__ import annotations

# Caption tracks of a video (their WebVTT and its plain words), the video's default track
# and every track's words in one column the search index reads. The table and columns are
# portable SQL; the search index is SQLite's FTS5, rebuilt with that column (FTS5 tables
# can't gain one), and its triggers follow it.
V8_CAPTIONS = (
    """CREATE TABLE "caption" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "video_id" INTEGER NOT NULL, "language" VARCHAR(35) NOT NULL, "label" VARCHAR(64) NOT NULL, "source" VARCHAR(16) NOT NULL, "vtt" TEXT NOT NULL, "text" TEXT NOT NULL, "created_at" TIMESTAMP NOT NULL, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
    """CREATE INDEX "caption_video_id" ON "caption" ("video_id")""",
    """ALTER TABLE "video" ADD COLUMN "caption_text" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "video" ADD COLUMN "default_caption" VARCHAR(32)""",
    """DROP TRIGGER "video_search_ai" """,
    """DROP TRIGGER "video_search_ad" """,
    """DROP TRIGGER "video_search_au" """,
    """DROP TABLE "video_search" """,
    """CREATE VIRTUAL TABLE "video_search" USING fts5(title, description, tags, caption_text,
        content='video', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER "video_search_ai" AFTER INSERT ON "video" BEGIN
        INSERT INTO video_search(rowid, title, description, tags, caption_text)
        VALUES (new.id, new.title, new.description, new.tags, new.caption_text); END""",
    """CREATE TRIGGER "video_search_ad" AFTER DELETE ON "video" BEGIN
        INSERT INTO video_search(video_search, rowid, title, description, tags, caption_text)
        VALUES ('delete', old.id, old.title, old.description, old.tags, old.caption_text); END""",
    """CREATE TRIGGER "video_search_au" AFTER UPDATE OF title, description, tags, caption_text
        ON "video" BEGIN
        INSERT INTO video_search(video_search, rowid, title, description, tags, caption_text)
        VALUES ('delete', old.id, old.title, old.description, old.tags, old.caption_text);
        INSERT INTO video_search(rowid, title, description, tags, caption_text)
        VALUES (new.id, new.title, new.description, new.tags, new.caption_text); END""",
    """INSERT INTO video_search(video_search) VALUES ('rebuild')""",
)

# The same on PostgreSQL: the table and columns, and the generated search vector made
# again with the caption words (a generated column's expression cannot be altered).
V8_CAPTIONS_POSTGRESQL = (
    V8_CAPTIONS[0],
    V8_CAPTIONS[1],
    V8_CAPTIONS[2],
    V8_CAPTIONS[3],
    """DROP INDEX "video_search_vector" """,
    """ALTER TABLE "video" DROP COLUMN "search_vector" """,
    """ALTER TABLE "video" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, "clipset_fold"("title" || ' ' || "description" || ' ' || "tags" || ' ' || "caption_text"))) STORED""",
    """CREATE INDEX "video_search_vector" ON "video" USING GIN ("search_vector")""",
)

# Album share links: a link's album, deleted with it. Portable SQL: both databases add a
# nullable column with a foreign key in place (SQLite allows it when the default is NULL),
# so neither rebuilds the table.
V9_ALBUM_SHARES = (
    """ALTER TABLE "share_link" ADD COLUMN "album_id" VARCHAR(11) REFERENCES "album" ("id") ON DELETE CASCADE""",
    """CREATE INDEX "share_link_album_id" ON "share_link" ("album_id")""",
)

# PostgreSQL only (SQLite has one process, which keeps these in memory): login attempts
# every instance counts (security.ratelimit), and events too large for one NOTIFY
# (store.notify). Neither table is data: migrate-db has nothing of them to copy.
V10_INSTANCES_POSTGRESQL = (
    """CREATE TABLE "rate_hit" ("id" BIGSERIAL PRIMARY KEY, "bucket" VARCHAR(64) NOT NULL, "key" TEXT NOT NULL, "at" DOUBLE PRECISION NOT NULL)""",
    """CREATE INDEX "rate_hit_bucket_key_at" ON "rate_hit" ("bucket", "key", "at")""",
    """CREATE INDEX "rate_hit_bucket_at" ON "rate_hit" ("bucket", "at")""",
    """CREATE TABLE "relayed_event" ("id" BIGSERIAL PRIMARY KEY, "payload" TEXT NOT NULL, "created_at" TIMESTAMPTZ NOT NULL DEFAULT now())""",
    """CREATE INDEX "relayed_event_created_at" ON "relayed_event" ("created_at")""",
)

# The MIME type (with codecs) of the original's stand-in while processing runs.
V11_STAND_INS = ("""ALTER TABLE "video" ADD COLUMN "stand_in_type" VARCHAR(128)""",)

# Remote transcode workers: the worker table (a hashed token each, revocable) and the
# lease a worker holds on the job it claimed, on the video row the claim updates.
V12_WORKERS = (
    """CREATE TABLE "worker" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" DATETIME NOT NULL, "revoked_at" DATETIME, "last_seen_at" DATETIME, "address" VARCHAR(64), "encoder" VARCHAR(32), "jobs_done" INTEGER NOT NULL)""",
    """CREATE UNIQUE INDEX "worker_token_hash" ON "worker" ("token_hash")""",
    """ALTER TABLE "video" ADD COLUMN "worker_id" INTEGER""",
    """ALTER TABLE "video" ADD COLUMN "lease_token" VARCHAR(32)""",
    """ALTER TABLE "video" ADD COLUMN "lease_expires_at" DATETIME""",
)

V12_WORKERS_POSTGRESQL = (
    """CREATE TABLE "worker" ("id" SERIAL PRIMARY KEY, "name" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" TIMESTAMP NOT NULL, "revoked_at" TIMESTAMP, "last_seen_at" TIMESTAMP, "address" VARCHAR(64), "encoder" VARCHAR(32), "jobs_done" INTEGER NOT NULL)""",
    """CREATE UNIQUE INDEX "worker_token_hash" ON "worker" ("token_hash")""",
    """ALTER TABLE "video" ADD COLUMN "worker_id" INTEGER""",
    """ALTER TABLE "video" ADD COLUMN "lease_token" VARCHAR(32)""",
    """ALTER TABLE "video" ADD COLUMN "lease_expires_at" TIMESTAMP""",
)

# Step 13, retried elsewhere: the same SQL on both dialects.
V13_RETRY_ELSEWHERE = ("""ALTER TABLE "video" ADD COLUMN "failed_by_worker_id" INTEGER""",)

# Step 14, media in a bucket (media_store): the kinds of a video's files the bucket holds.
V14_BUCKET_FILES = ("""ALTER TABLE "video" ADD COLUMN "bucket_files" VARCHAR(255)""",)

# Step 15, bucket objects a delete could not remove yet (services/bucket_deletes.py), one
# row per object of one bucket, retried on a schedule. Portable SQL (a composite key).
V15_BUCKET_DELETES = (
    """CREATE TABLE "bucket_delete" ("bucket" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "storage_key" VARCHAR(32) NOT NULL, "kind" VARCHAR(32) NOT NULL, "attempts" INTEGER NOT NULL, "error" TEXT, "created_at" TIMESTAMP NOT NULL, "tried_at" TIMESTAMP NOT NULL, PRIMARY KEY ("bucket", "name"))""",
)

# Step 16, a video's last trim in the database (services/edits.py), so every instance
# answers its state and a trim a dead process left running can be told from one running.
V16_TRIMS = (
    """CREATE TABLE "trim" ("video_id" INTEGER NOT NULL PRIMARY KEY, "state" VARCHAR(16) NOT NULL, "percent" DOUBLE PRECISION NOT NULL, "error" TEXT, "started_at" TIMESTAMP NOT NULL, "updated_at" TIMESTAMP NOT NULL, FOREIGN KEY ("video_id") REFERENCES "video" ("id") ON DELETE CASCADE)""",
)

# Step 17, the instance running a pool job or a trim (store/notify.py's instance locks), so
# the work of an instance that died beside running ones can be told from theirs.
V17_INSTANCE_WORK = (
    """ALTER TABLE "video" ADD COLUMN "claimed_by" VARCHAR(32)""",
    """ALTER TABLE "trim" ADD COLUMN "instance" VARCHAR(32)""",
)
