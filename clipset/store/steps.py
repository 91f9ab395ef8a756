"""The frozen SQL of the schema steps from the ninth on (``migrations.py`` lists every
step and runs them; it grew too long to hold their SQL as well). Never edit a step that
shipped: add one."""

from __future__ import annotations

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
