"""The read side of videos: lookups, lists, search, the library and media files (the
feed's order is ``feed``'s).

Every path goes through ``visibility``: single lookups answer 404 when the caller may not
see the video (never 403, so ids don't leak), lists only ever show ``listed()`` videos
except the caller's own library.
"""

from __future__ import annotations

import re
from pathlib import Path

from peewee import SQL, Column, Expression, fn
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..store.db import database, is_postgres
from ..store.models import Like, User, Video, is_public_id
from ..store.pagination import COUNT_CAP, paginate
from ..store.prepared import Prepared
from .bearers import bearer
from .media_files import MediaFiles
from .media_urls import THUMBNAIL_WIDTHS, MediaUrls
from .passed_checks import PassedChecks
from .visibility import can_manage, can_view, listed

RECENT_MAX = 20
SEARCH_MAX_TERMS = 16
# Search ranks the newest this-many matching listed videos (its results stop there), so
# ranking and counting cost the same for a common word as for a rare one.
SEARCH_WINDOW = 1000
SORTS = {
    "created_at": Video.created_at,
    "view_count": Video.view_count,
    "like_count": Video.like_count,
    "title": fn.LOWER(Video.title),
    "file_size_bytes": Video.file_size_bytes,
    # Videos whose camera gave no date sort by when they were uploaded.
    "recorded_at": fn.COALESCE(Video.recorded_at, Video.created_at),
}
PUBLIC_SORTS = ("created_at", "recorded_at", "view_count", "like_count")
_WORD = re.compile(r"[^\W_]+")


class VideoSearch(FTS5Model):
    """Query handle for the ``video_search`` FTS5 table (created by migrations, kept in
    step by triggers); never created from here."""

    rowid = RowIDField()
    title = SearchField()
    description = SearchField()
    tags = SearchField()
    caption_text = SearchField()

    class Meta:
        database = database
        table_name = "video_search"


def fts_query(text: str) -> str | None:
    """User text as a safe FTS5 query: words only, each quoted (so punctuation and FTS
    operators are literal), the last one a prefix so results follow typing."""
    words = _WORD.findall(text or "")[:SEARCH_MAX_TERMS]
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    terms[-1] += "*"
    return " ".join(terms)


def ts_query(text: str) -> str | None:
    """The same words as a PostgreSQL tsquery: every word, the last one a prefix. Words
    are letters and digits only, so none is an operator."""
    words = _WORD.findall(text or "")[:SEARCH_MAX_TERMS]
    if not words:
        return None
    return " & ".join(words) + ":*"


def _search_vector():
    """The tsvector the database keeps on ``video`` (PostgreSQL only; not a model field,
    since SQLite has no such column)."""
    return Column(Video._meta.table, "search_vector")


def _ts_match(text: str):
    return fn.to_tsquery(SQL("'simple'::regconfig"), fn.clipset_fold(ts_query(text)))


def with_uploader(viewer: User | None = None):
    """Videos with their uploader in one query (lists never go N+1 on ``uploader``) and,
    for a viewer, whether that viewer liked each one (``video.liked``)."""
    columns = [Video, User]
    if viewer is not None:
        mine = Like.select(Like.id).where((Like.video == Video.id) & (Like.user == viewer.id))
        columns.append(fn.EXISTS(mine).alias("liked"))
    return Video.select(*columns).join(User, on=(Video.uploader == User.id))


# What serving a video's bytes reads of its row (``media_file``).
MEDIA_COLUMNS = (
    Video.id,
    Video.public_id,
    Video.uploader,
    Video.privacy,
    Video.processing_status,
    Video.stand_in_type,
    Video.storage_key,
    Video.duration_seconds,
    Video.bucket_files,
)
MEDIA_VIDEO = Prepared(
    lambda video_id: Video.select(*MEDIA_COLUMNS).where(Video.public_id == video_id).limit(1)
)


def find(video_id: str, viewer: User | None = None) -> Video | None:
    """The video with this public id; anything not shaped like one is simply not found."""
    if not is_public_id(video_id):
        return None
    return with_uploader(viewer).where(Video.public_id == video_id).first()


def not_found() -> NotFound:
    return NotFound("No such video.", error_code="video_not_found")


def visible(user: User, video: Video | None) -> Video:
    if video is None or not can_view(user, video):
        raise not_found()
    return video


def managed(user: User, video_id: str, action: str = "change this video") -> Video:
    """The video ``user`` may ``action``: 404 if they cannot see it, 403 ``not_owner``
    unless they uploaded it or are an admin."""
    video = visible(user, find(video_id))
    if not can_manage(user, video):
        raise Forbidden(f"Only the uploader or an admin can {action}.", error_code="not_owner")
    return video


NOT_READY = "This video is not ready yet; it is still being processed."


def ready(video: Video, detail: str = NOT_READY) -> Video:
    """``video`` once it has finished processing; until then 409 ``not_ready``."""
    if video.processing_status != "completed":
        raise Conflict(detail, error_code="not_ready")
    return video


def _matching(query, text: str):
    expr = fts_query(text)
    if expr is None:
        return query.where(SQL("1 = 0"))  # nothing searchable: nothing matches
    if is_postgres():
        return query.where(Expression(_search_vector(), "@@", _ts_match(text)))
    return query.join(VideoSearch, on=(VideoSearch.rowid == Video.id), attr="_search").where(
        VideoSearch.match(expr)
    )


def _newest_matches(query):
    """``query`` (already matching) cut to the newest ``SEARCH_WINDOW`` matches: the
    boundary id is found walking the FTS index by rowid, then a rowid range lets FTS5
    rank only those (on PostgreSQL, the GIN index finds them and the id orders them)."""
    newest = Video.id.desc() if is_postgres() else VideoSearch.rowid.desc()
    boundary = query.select(Video.id).order_by(newest).offset(SEARCH_WINDOW - 1).limit(1).scalar()
    if boundary is None:
        return query
    return query.where((Video.id if is_postgres() else VideoSearch.rowid) >= boundary)


def _by_rank(text: str):
    """Best match first: FTS5's bm25 ``rank`` (lower is better) on SQLite, ``ts_rank``
    (higher is better) over the same words on PostgreSQL."""
    if is_postgres():
        return fn.ts_rank(_search_vector(), _ts_match(text)).desc()
    return SQL("rank")


def _ordered(query, sort_by: str, order: str, allowed=tuple(SORTS)):
    if sort_by not in allowed:
        raise ValidationFailed(f"sort_by: choose one of {', '.join(allowed)}", field="sort_by")
    if order not in ("asc", "desc"):
        raise ValidationFailed("order: choose asc or desc", field="order")
    column = SORTS[sort_by]
    # The id breaks ties, so pages never overlap or skip rows with equal keys.
    if order == "asc":
        return query.order_by(column.asc(), Video.id.asc())
    return query.order_by(column.desc(), Video.id.desc())


class Catalog:
    def __init__(self, files: MediaFiles, urls: MediaUrls):
        self.files = files
        self.urls = urls
        self.passed = PassedChecks()

    # -- single videos ---------------------------------------------------------------
    def get(self, user: User, video_id: int) -> Video:
        return visible(user, find(video_id, user))

    def by_key(self, user: User, storage_key: str) -> Video:
        return visible(user, with_uploader(user).where(Video.storage_key == storage_key).first())

    # -- lists (the same listed() videos for every signed-in caller) -----------------
    def list(
        self,
        viewer: User,
        page: int,
        page_size: int,
        category_id: int | None = None,
        uploaded_by: int | None = None,
        q: str | None = None,
        sort_by: str = "created_at",
        order: str = "desc",
    ) -> dict:
        query = with_uploader(viewer).where(listed())
        if category_id is not None:
            query = query.where(Video.category == category_id)
        if uploaded_by is not None:
            query = query.where(Video.uploader == uploaded_by)
        if q:
            query = _matching(query, q)
        return paginate(
            _ordered(query, sort_by, order, PUBLIC_SORTS), page, page_size, count_cap=COUNT_CAP
        )

    def featured(self, viewer: User, page: int, page_size: int) -> dict:
        query = with_uploader(viewer).where(listed(), Video.is_featured == True)  # noqa: E712
        return paginate(
            _ordered(query, "created_at", "desc"), page, page_size, count_cap=COUNT_CAP
        )

    def by_uploader(self, viewer: User, user_id: int, page: int, page_size: int) -> dict:
        """A user's videos: everything of their own to the owner, listed ones to others."""
        if not User.select().where(User.id == user_id).exists():
            raise NotFound("No such user.", error_code="user_not_found")
        query = with_uploader(viewer).where(Video.uploader == user_id)
        if viewer.id != user_id:
            query = query.where(listed())
        return paginate(
            _ordered(query, "created_at", "desc"), page, page_size, count_cap=COUNT_CAP
        )

    def search(self, viewer: User, q: str, page: int, page_size: int) -> dict:
        """Relevance first among the newest ``SEARCH_WINDOW`` matches; ``total_count``
        is exact within them."""
        query = _matching(with_uploader(viewer).where(listed()), q)
        if fts_query(q) is not None:
            query = _newest_matches(query).order_by(
                _by_rank(q), Video.created_at.desc(), Video.id.desc()
            )
        return paginate(query, page, page_size)

    # -- the signed-in user's library (any status) --------------------------------
    def mine(
        self,
        user: User,
        page: int,
        page_size: int,
        search: str | None = None,
        sort_by: str = "created_at",
        sort_order: str = "desc",
    ) -> dict:
        query = with_uploader(user).where(Video.uploader == user.id)
        if search:
            query = _matching(query, search)
        return paginate(_ordered(query, sort_by, sort_order), page, page_size, count_cap=COUNT_CAP)

    def recent(self, user: User, limit: int) -> list[Video]:
        limit = max(1, min(limit, RECENT_MAX))
        query = with_uploader(user).where(Video.uploader == user.id)
        return list(_ordered(query, "created_at", "desc").limit(limit))

    # -- media -----------------------------------------------------------------------
    def media_url(self, user: User, video_id: int, kind: str) -> dict:
        video = ready(self.get(user, video_id))
        widths = [
            w
            for w in (THUMBNAIL_WIDTHS if kind == "thumbnail" else ())
            if self.files.has(video, f"thumbnail-{w}")
        ]
        return {
            **self.urls.issue(user, video, kind),
            "srcset": self.urls.srcset(user, video, widths),
        }

    def previews(self, user: User, video_id: str) -> dict:
        """Signed URLs of the seek previews' sprite sheet and its WebVTT index."""
        video = ready(self.get(user, video_id))
        if not self.files.has(video, "previews"):
            raise NotFound("This video has no seek previews.", error_code="no_previews")
        sprite = self.urls.issue(user, video, "sprite")
        index = self.urls.issue(user, video, "previews")
        return {
            "sprite_url": sprite["url"],
            "index_url": index["url"],
            "expires_at": index["expires_at"],
        }

    def media_video(self, video_id: str, kind: str, token: str) -> Video:
        """The video a signed URL of ``kind`` is for, checked on every request, ranges
        included: the token, then that its user is still active and may still see the
        video (a video made private stops playing)."""
        if not is_public_id(video_id):  # not even shaped like a video: nothing to check
            raise not_found()
        # Asked for every range a player reads: only the columns the checks need (the
        # uploader's row and the rest cost more to build than the query takes), by SQL
        # made once.
        video = MEDIA_VIDEO.first(video_id)
        user = bearer(self.urls.verify(token, video, video_id, kind))
        visible(user, video)
        # A stand-in plays only until the processed file is there; everything else after.
        done = video.processing_status == "completed"
        if (not done and video.stand_in_type is not None) != (kind == "stand-in"):
            raise not_found()
        return video

    def media_file(self, video_id: str, kind: str, token: str) -> tuple[Path | str, int]:
        """The file a signed URL points at (or the bucket's presigned URL for it) and how
        long a browser may cache it. A pass stands for a moment (``passed_checks``): the
        file may be gone by the time it is opened, which its opener answers as missing."""
        key = (video_id, kind, token)
        answer, generation = self.passed.get(key)
        if answer is None:
            video = self.media_video(video_id, kind, token)
            ttl = self.urls.ttl_for(video)
            found = self.files.direct_url(video, kind, ttl) or self.files.local(video, kind)
            answer = found, min(ttl, 3600)
            self.passed.put(key, answer, generation)
        return answer
