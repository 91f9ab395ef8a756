"""Categories: everyone signed in reads them; admins manage them."""

from __future__ import annotations

from flask import Blueprint
from pydantic import Field

from .access import services
from .endpoint import ADMIN, endpoint
from .schemas import In, Out, UtcDatetime

bp = Blueprint("categories", __name__, url_prefix="/api")


class CategoryIn(In):
    name: str = Field(min_length=1, max_length=64)


class CategoryOut(Out):
    id: int
    name: str
    slug: str
    video_count: int
    created_at: UtcDatetime


@endpoint(bp, "/categories", response=list[CategoryOut])
def list_categories():
    """Every category by name, with how many listed videos it holds."""
    return services().categories.list()


@endpoint(
    bp,
    "/categories",
    "POST",
    body=CategoryIn,
    response=CategoryOut,
    status=201,
    auth=ADMIN,
    errors=(409,),
)
def create_category(body: CategoryIn):
    """Add a category; its slug is derived from the name."""
    return services().categories.create(body.name)


@endpoint(
    bp,
    "/categories/<int:category_id>",
    "PATCH",
    body=CategoryIn,
    response=CategoryOut,
    auth=ADMIN,
    errors=(404, 409),
)
def rename_category(category_id: int, body: CategoryIn):
    """Rename a category (its slug follows the new name)."""
    return services().categories.rename(category_id, body.name)


@endpoint(bp, "/categories/<int:category_id>", "DELETE", status=204, auth=ADMIN, errors=(404,))
def delete_category(category_id: int):
    """Delete a category; its videos stay, uncategorized."""
    services().categories.delete(category_id)
