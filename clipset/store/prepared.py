"""Queries asked so often that making their SQL costs more than running it.

Peewee builds a query's SQL anew on every run, which for a one-row lookup by an indexed
column costs many times what SQLite spends answering it. A ``Prepared`` query is
described once with Peewee (so tables, columns and the dialect stay Peewee's), its SQL
is made on first use for each kind of database, and each run only binds its values and
reads one row into the model. A player's range requests use these (see
``Catalog.media_video``).
"""

from __future__ import annotations

from typing import Callable

from .db import database

# Stand-ins for the values while the SQL is made; each becomes a bound parameter.
_MARK = "\x00clipset-prepared-{}"


class Prepared:
    """``build(*values)``: a SELECT of a model's fields; ``first(*values)`` runs it with
    these values and returns the first row as a model (fields not selected are unset),
    or None."""

    def __init__(self, build: Callable, arity: int = 1):
        self._build = build
        self._arity = arity
        self._made: dict[type, tuple] = {}  # per database class: its dialect's SQL

    def _make(self) -> tuple:
        marks = [_MARK.format(i) for i in range(self._arity)]
        query = self._build(*marks)
        sql, params = query.sql()
        slots = [(i, marks.index(p)) for i, p in enumerate(params) if p in marks]
        fields = list(query._returning)
        return query.model, sql, list(params), slots, fields

    def first(self, *values):
        kind = type(database.obj)
        made = self._made.get(kind)
        if made is None:
            made = self._made[kind] = self._make()
        model, sql, params, slots, fields = made
        params = list(params)
        for at, which in slots:
            params[at] = values[which]
        cursor = database.execute_sql(sql, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()  # ends the statement, and with it the read
        if row is None:
            return None
        # Only what was read, straight into the row's data, as Peewee's own constructor
        # with ``__no_default__`` leaves it but without a setattr per field: no field's
        # default is made (a fresh uuid, say) and nothing is marked as changed.
        found = model.__new__(model)
        found.__data__ = {f.name: f.python_value(v) for f, v in zip(fields, row)}
        found._dirty = set()
        found.__rel__ = {}
        return found
