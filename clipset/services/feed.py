"""The feed's order: the one rule for what a viewer sees next.

Not strictly newest-first. Videos the viewer has not watched come before those they have;
within each group uploaders take turns (everyone's newest, then everyone's second newest,
...), so one person's batch of ten doesn't bury everyone else; a turn is newest-first.

The walk is a snapshot: the first page fixes ``as_of``, and every later page orders the
videos created by then, as watched by then. Watching a video or a new post while
scrolling therefore moves nothing, and the cursor (the snapshot time plus the last
position) never repeats or skips a video. New posts are announced live instead
(``video.published``); starting the feed again takes them in.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass

from peewee import Case, fn

from ..errors import BadRequest
from ..store.db import MAX_INT
from ..store.models import User, Video, View, is_public_id, now
from .catalog import with_uploader
from .visibility import listed

FEED_MAX = 50
CURSOR_FORMAT = "feed-cursor"  # how the API document names what encode_cursor makes
# A position's group and turn in one string ("u3": unwatched, third turn), so the cursor
# holds no integer that could pass for a key.
_PLACE = re.compile(r"^([uw])([1-9][0-9]{0,17})$")


@dataclass(frozen=True)
class Position:
    """Where a walk stands: its snapshot time and the last video served."""

    as_of: dt.datetime
    watched: bool
    turn: int
    created_at: dt.datetime
    public_id: str


def encode_cursor(position: Position) -> str:
    place = f"{'w' if position.watched else 'u'}{position.turn}"
    raw = json.dumps(
        [position.as_of.isoformat(), place, position.created_at.isoformat(), position.public_id]
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        as_of, place, created, video_id = json.loads(raw)
        match = _PLACE.match(place)
        if not match or not is_public_id(video_id) or int(match[2]) > MAX_INT:
            raise ValueError(place)
        return Position(
            dt.datetime.fromisoformat(as_of).replace(tzinfo=None),
            match[1] == "w",
            int(match[2]),
            dt.datetime.fromisoformat(created).replace(tzinfo=None),
            video_id,
        )
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise BadRequest(
            "This cursor is not valid; start again from the first page.",
            error_code="invalid_cursor",
            field="cursor",
        ) from None


def _ordered(viewer: User, as_of: dt.datetime):
    """Listed videos created by ``as_of``, each with its group and turn (``feed_order``)."""
    seen = View.select(View.id).where(
        (View.user == viewer.id) & (View.video == Video.id) & (View.viewed_at <= as_of)
    )
    # An integer, not a boolean, so it orders and compares alike on every database.
    snapshot = (
        Video.select(
            Video.id.alias("vid"),
            Video.uploader.alias("uploader"),
            Video.created_at.alias("created"),
            Video.public_id.alias("pid"),
            Case(None, [(fn.EXISTS(seen), 1)], 0).alias("watched"),
        )
        .where(listed() & (Video.created_at <= as_of))
        .alias("feed_snapshot")
    )
    turn = fn.ROW_NUMBER().over(
        partition_by=[snapshot.c.uploader, snapshot.c.watched],
        order_by=[snapshot.c.created.desc(), snapshot.c.pid.desc()],
    )
    return (
        Video.select(snapshot.c.vid, snapshot.c.watched, turn.alias("turn"))
        .from_(snapshot)
        .alias("feed_order")
    )


def _after(order, position: Position):
    """Rows strictly after ``position`` in (watched, turn, newest, public id) order."""
    w, t = order.c.watched, order.c.turn
    group = int(position.watched)
    same_turn = (w == group) & (t == position.turn)
    return (
        (w > group)
        | ((w == group) & (t > position.turn))
        | (same_turn & (Video.created_at < position.created_at))
        | (
            same_turn
            & (Video.created_at == position.created_at)
            & (Video.public_id < position.public_id)
        )
    )


class Feed:
    def page(self, viewer: User, cursor: str | None, limit: int) -> dict:
        """One page of the viewer's feed and the cursor of the next (None at its end)."""
        limit = max(1, min(limit, FEED_MAX))
        position = decode_cursor(cursor) if cursor else None
        as_of = position.as_of if position else now()
        order = _ordered(viewer, as_of)
        query = (
            with_uploader(viewer)
            .switch(Video)
            .join(order, on=(Video.id == order.c.vid), attr="feed_place")
            .select_extend(order.c.watched, order.c.turn)
        )
        if position:
            query = query.where(_after(order, position))
        rows = list(
            query.order_by(
                order.c.watched, order.c.turn, Video.created_at.desc(), Video.public_id.desc()
            ).limit(limit + 1)
        )
        more = len(rows) > limit
        rows = rows[:limit]
        if not more:
            return {"items": rows, "next_cursor": None, "as_of": as_of}
        last = rows[-1]
        turn = last.feed_place
        place = Position(
            as_of, bool(turn.watched), int(turn.turn), last.created_at, last.public_id
        )
        return {"items": rows, "next_cursor": encode_cursor(place), "as_of": as_of}
