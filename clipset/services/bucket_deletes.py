"""Objects of the ``media_store`` bucket that a delete could not remove (the store was
down, or refused): each is kept as a ``BucketDelete`` row and tried again on a schedule
(services.schedules, once across instances) until the store removes it; the row goes
then. ``clipset doctor`` counts them.

An object name can come back into use (an edit that makes seek previews again uploads
them under the same name): its upload forgets the pending delete first, and a retry
skips a name its video holds in the bucket again, so a retry never removes a live file.

The schedule retries only the bucket ``media_store`` names now. Rows of a bucket used
before (``media_store`` changed or emptied since) wait for ``clipset bucket-deletes``,
which lists them by bucket, retries one with the ``s3_*`` settings, or forgets one that
was emptied by hand.
"""

from __future__ import annotations

import logging

from peewee import EXCLUDED, SQL, fn

from ..store.models import BucketDelete, Video, now
from .bucket import Bucket

log = logging.getLogger(__name__)

RETRY_MINUTES = 10  # how often pending deletes are tried again
RETRY_BATCH = 1000  # rows one retry takes on


class BucketDeletes:
    def __init__(self, bucket: Bucket):
        self.bucket = bucket

    def remove(self, key: str, names: dict[str, str]) -> None:
        """Remove video ``key``'s objects (kind: object name); any left behind is
        recorded for a retry. Never fails the caller."""
        left = self.bucket.remove(*names.values())
        if not left:
            return
        kinds = {name: kind for kind, name in names.items()}
        try:
            self._record(key, {kinds.get(name, ""): (name, error) for name, error in left.items()})
        except Exception:  # the objects stay, as they did before this ledger
            log.exception("could not record %d objects to remove later", len(left))

    def _record(self, key: str, left: dict[str, tuple[str, str]]) -> None:
        at = now()
        rows = [
            {
                "bucket": self.bucket.url,
                "name": name,
                "storage_key": key,
                "kind": kind,
                "error": error,
                "created_at": at,
                "tried_at": at,
            }
            for kind, (name, error) in left.items()
        ]
        BucketDelete.insert_many(rows).on_conflict(
            conflict_target=[BucketDelete.bucket, BucketDelete.name],
            update={
                BucketDelete.attempts: BucketDelete.attempts + 1,
                BucketDelete.error: EXCLUDED.error,
                BucketDelete.tried_at: EXCLUDED.tried_at,
            },
        ).execute()

    def forget(self, *names: str) -> None:
        """These names are being uploaded again: no pending delete may remove them."""
        BucketDelete.delete().where(
            BucketDelete.bucket == self.bucket.url, BucketDelete.name.in_(names)
        ).execute()

    def retry(self) -> int:
        """Try the pending deletes of this bucket again; returns how many went. Rows of
        another bucket (``media_store`` changed since) are left for the doctor to show."""
        rows = list(
            BucketDelete.select()
            .where(BucketDelete.bucket == self.bucket.url)
            .order_by(BucketDelete.tried_at)
            .limit(RETRY_BATCH)
        )
        if not rows:
            return 0
        live = self._in_use(rows)
        if live:
            self.forget(*live)
        names = [r.name for r in rows if r.name not in live]
        left = self.bucket.remove(*names) if names else {}
        gone = [n for n in names if n not in left]
        if gone:
            self.forget(*gone)
        for name, error in left.items():
            BucketDelete.update(
                attempts=BucketDelete.attempts + 1, error=error, tried_at=now()
            ).where(BucketDelete.bucket == self.bucket.url, BucketDelete.name == name).execute()
        if left:
            log.warning("%d objects still to remove from %s", len(left), self.bucket.url)
        return len(gone)

    def retry_all(self) -> int:
        """``retry`` batch after batch until a batch removes nothing; returns how many
        went."""
        total = 0
        while (went := self.retry()) > 0:
            total += went
        return total

    @staticmethod
    def _in_use(rows: list[BucketDelete]) -> set[str]:
        """Names among ``rows`` that their video holds in the bucket again."""
        keys = {r.storage_key for r in rows}
        held = {
            key: set((files or "").split())
            for key, files in Video.select(Video.storage_key, Video.bucket_files)
            .where(Video.storage_key.in_(keys))
            .tuples()
        }
        return {r.name for r in rows if r.kind in held.get(r.storage_key, ())}


def pending() -> int:
    """How many objects, of any bucket, are still to remove."""
    return BucketDelete.select().count()


def by_bucket() -> list[tuple[str, int, str | None]]:
    """Each bucket with objects still to remove: its URL, how many, and what its store
    said last."""
    rows = (
        BucketDelete.select(BucketDelete.bucket, fn.COUNT(SQL("*")))
        .group_by(BucketDelete.bucket)
        .order_by(BucketDelete.bucket)
        .tuples()
    )
    return [(url, count, _last_error(url)) for url, count in rows]


def _last_error(url: str) -> str | None:
    row = (
        BucketDelete.select(BucketDelete.error)
        .where(BucketDelete.bucket == url)
        .order_by(BucketDelete.tried_at.desc())
        .first()
    )
    return row.error if row else None


def drop(url: str) -> int:
    """Forget every pending delete of bucket ``url`` (its objects were removed by hand);
    returns how many rows went."""
    return BucketDelete.delete().where(BucketDelete.bucket == url).execute()
