"""Step 9, remote transcode workers: the worker table (a hashed token each, revocable) and
the lease a worker holds on the job it claimed, on the video row the claim updates.

Frozen like every step in ``migrations.py`` (which would pass 400 lines with it inside).
"""

V9_WORKERS = (
    """CREATE TABLE "worker" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "name" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" DATETIME NOT NULL, "revoked_at" DATETIME, "last_seen_at" DATETIME, "address" VARCHAR(64), "encoder" VARCHAR(32), "jobs_done" INTEGER NOT NULL)""",
    """CREATE UNIQUE INDEX "worker_token_hash" ON "worker" ("token_hash")""",
    """ALTER TABLE "video" ADD COLUMN "worker_id" INTEGER""",
    """ALTER TABLE "video" ADD COLUMN "lease_token" VARCHAR(32)""",
    """ALTER TABLE "video" ADD COLUMN "lease_expires_at" DATETIME""",
)

V9_WORKERS_POSTGRESQL = (
    """CREATE TABLE "worker" ("id" SERIAL PRIMARY KEY, "name" VARCHAR(64) NOT NULL, "token_hash" VARCHAR(64) NOT NULL, "created_at" TIMESTAMP NOT NULL, "revoked_at" TIMESTAMP, "last_seen_at" TIMESTAMP, "address" VARCHAR(64), "encoder" VARCHAR(32), "jobs_done" INTEGER NOT NULL)""",
    """CREATE UNIQUE INDEX "worker_token_hash" ON "worker" ("token_hash")""",
    """ALTER TABLE "video" ADD COLUMN "worker_id" INTEGER""",
    """ALTER TABLE "video" ADD COLUMN "lease_token" VARCHAR(32)""",
    """ALTER TABLE "video" ADD COLUMN "lease_expires_at" TIMESTAMP""",
)
