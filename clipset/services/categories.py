"""Categories: admin-managed names with URL slugs; deleting one uncategorizes its videos."""

from __future__ import annotations

import re
import unicodedata

from peewee import JOIN, IntegrityError, fn

from ..errors import Conflict, NotFound, ValidationFailed
from ..store.db import immediate
from ..store.models import Category, Video
from .visibility import listed


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Café Nights!" -> "cafe-nights")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:72].rstrip("-") or "category"


class Categories:
    def list(self) -> list[dict]:
        # Counts only what browsing the category shows (public, finished videos), so
        # the number never hints at someone's private videos.
        count = fn.COUNT(Video.id).alias("video_count")
        query = (
            Category.select(Category, count)
            .join(Video, JOIN.LEFT_OUTER, on=(Video.category == Category.id) & listed())
            .group_by(Category.id)
            .order_by(fn.LOWER(Category.name))
        )
        return [_describe(c, c.video_count) for c in query]

    def create(self, name: str) -> dict:
        name = _clean(name)
        with immediate():
            _refuse_duplicate(name)
            try:
                category = Category.create(name=name, slug=_free_slug(name))
            except IntegrityError:  # the unique index, should the check above miss
                raise _exists(name) from None
        return _describe(category, 0)

    def rename(self, category_id: int, name: str) -> dict:
        name = _clean(name)
        with immediate():
            _get(category_id)  # 404 for a category that isn't there
            _refuse_duplicate(name, category_id)
            slug = _free_slug(name, category_id)
            Category.update(name=name, slug=slug).where(Category.id == category_id).execute()
            count = Video.select().where(Video.category == category_id, listed()).count()
        return _describe(Category.get_by_id(category_id), count)

    def delete(self, category_id: int) -> None:
        with immediate():
            _get(category_id)
            # The foreign key (ON DELETE SET NULL) leaves the videos uncategorized.
            Category.delete().where(Category.id == category_id).execute()


def _describe(category: Category, video_count: int) -> dict:
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "created_at": category.created_at,
        "video_count": video_count,
    }


def _clean(name: str) -> str:
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name:
        raise ValidationFailed("name: must not be empty", field="name")
    return name


def _get(category_id: int) -> Category:
    category = Category.get_or_none(Category.id == category_id)
    if category is None:
        raise NotFound("No such category.", error_code="category_not_found")
    return category


def _key(name: str) -> str:
    """What makes two names the same category: case and Unicode form ignored."""
    return unicodedata.normalize("NFKC", name).casefold()


def _refuse_duplicate(name: str, except_id: int | None = None) -> None:
    # Compared here, not with SQLite's LOWER(), which folds only ASCII ("Émile" and
    # "émile" would both pass). A household has few categories; the caller holds the
    # write lock, so no other writer slips in between this check and the insert.
    query = Category.select(Category.name)
    if except_id is not None:
        query = query.where(Category.id != except_id)
    key = _key(name)
    if any(_key(c.name) == key for c in query):
        raise _exists(name)


def _exists(name: str) -> Conflict:
    return Conflict(
        f"A category named {name!r} already exists.", error_code="category_exists", field="name"
    )


def _free_slug(name: str, except_id: int | None = None) -> str:
    base = slugify(name)
    taken = Category.select(Category.slug).where(
        (Category.slug == base) | Category.slug.startswith(f"{base}-")
    )
    if except_id is not None:
        taken = taken.where(Category.id != except_id)
    used = {c.slug for c in taken}
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    return slug
