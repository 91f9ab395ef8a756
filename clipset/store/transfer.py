"""``clipset migrate-db``: a SQLite database copied into an empty PostgreSQL one.

The copy reads one snapshot of SQLite (a read transaction: a running Clipset may go on
writing beside it) and writes PostgreSQL in one transaction, so a failed or mismatched
copy leaves the target as empty as it was. Every table is checked after the copy by its
row count and a SHA-256 over its rows (as the models read them, in id order), and each id
sequence is set past the highest id SQLite ever handed out, so no id is used twice.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from peewee import AutoField, CompositeKey, Database, SqliteDatabase

from ..errors import Conflict, NotFound
from . import migrations
from .db import PRAGMAS, connect_postgres, redact
from .models import MODELS

BATCH = 1000  # rows a statement inserts


def _fingerprint(model, rows) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        count += 1
        values = [row[f.name] for f in model._meta.sorted_fields]
        digest.update(json.dumps(values, default=str, sort_keys=True).encode())
        digest.update(b"\n")
    return count, digest.hexdigest()


def _rows(model, db: Database):
    key = model._meta.primary_key
    # A composite key orders column by column (SQLite refuses to order by a row value).
    order = (
        [model._meta.fields[name] for name in key.field_names]
        if isinstance(key, CompositeKey)
        else [key]
    )
    return model.select().order_by(*order).dicts().bind(db).iterator()


def _sqlite_sequences(db: SqliteDatabase) -> dict[str, int]:
    """The highest id each AUTOINCREMENT table ever gave (deleted rows included)."""
    if not db.table_exists("sqlite_sequence"):
        return {}
    return dict(db.execute_sql("SELECT name, seq FROM sqlite_sequence").fetchall())


def _refuse_non_empty(target: Database, url: str) -> None:
    tables = target.get_tables()
    if tables:
        raise Conflict(
            f"The PostgreSQL database {redact(url)} is not empty (it has "
            f"{len(tables)} table(s): {', '.join(tables[:5])}); migrate-db copies only "
            "into an empty database. Create a new one (createdb) and try again.",
            error_code="target_not_empty",
        )


def copy(source: Path, url: str) -> dict:
    """Copy ``source`` (a Clipset SQLite file) into the empty PostgreSQL at ``url``;
    returns ``{"tables": {name: {"rows", "sha256"}}}`` once every table matched."""
    if not Path(source).is_file():
        raise NotFound(f"No Clipset database at {source}.", error_code="database_missing")
    src = SqliteDatabase(str(source), pragmas=PRAGMAS, timeout=10)
    target = connect_postgres(url)
    try:
        src.connect()
        target.connect()
        _refuse_non_empty(target, url)
        version = migrations.current_version(src)
        if version != migrations.LATEST:
            raise Conflict(
                f"The SQLite database is at schema {version}, this Clipset at "
                f"{migrations.LATEST}: start this Clipset on it once, then migrate.",
                error_code="schema_mismatch",
            )
        migrations.migrate(target)
        tables: dict[str, dict] = {}
        with src.atomic(), target.atomic():
            _refuse_non_empty_rows(target)
            sequences = _sqlite_sequences(src)
            for model in MODELS:
                batch: list[dict] = []
                for row in _rows(model, src):
                    batch.append(row)
                    if len(batch) >= BATCH:
                        model.insert_many(batch).bind(target).execute()
                        batch = []
                if batch:
                    model.insert_many(batch).bind(target).execute()
                expected = _fingerprint(model, _rows(model, src))
                copied = _fingerprint(model, _rows(model, target))
                name = model._meta.table_name
                if expected != copied:
                    raise Conflict(
                        f"The copy of table {name} does not match ({expected[0]} rows "
                        f"read, {copied[0]} written, or their checksums differ); nothing "
                        "was kept in PostgreSQL.",
                        error_code="copy_mismatch",
                    )
                tables[name] = {"rows": copied[0], "sha256": copied[1]}
                _set_sequence(target, model, sequences.get(name, 0))
        return {"tables": tables}
    finally:
        src.close()
        target.close()


def _refuse_non_empty_rows(target: Database) -> None:
    """Migrating made the tables; any row in them means another writer got there."""
    for model in MODELS:
        if model.select().bind(target).exists():
            raise Conflict(
                "The PostgreSQL database received rows while copying; nothing was kept.",
                error_code="target_not_empty",
            )


def _set_sequence(target: Database, model, highest_given: int) -> None:
    pk = model._meta.primary_key
    if not isinstance(pk, AutoField):
        return
    table, column = model._meta.table_name, pk.column_name
    top = target.execute_sql(f'SELECT max("{column}") FROM "{table}"').fetchone()[0] or 0
    top = max(top, highest_given)
    sequence = f'"{table}"'
    if top:
        target.execute_sql(
            "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", (sequence, column, top)
        )
