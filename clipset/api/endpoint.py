"""The one way to declare an API route: who may call it, what it takes, what it answers.

``@endpoint(bp, "/things/<int:id>", "PATCH", body=ThingPatch, response=ThingOut)`` checks
the caller, validates the JSON body and query string with the pydantic models, passes them
to the view as ``body=`` and ``query=``, serializes what the view returns through the
response model, and records all of it for the OpenAPI document (api/docs.py), so the
document is generated from the same schemas that validate requests.
"""
from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any, Callable

import pydantic
from flask import Blueprint, Response, g, jsonify, request

from ..errors import BadRequest, PayloadTooLarge, ValidationFailed
from .access import current_user, require_admin

PUBLIC, USER, ADMIN = "public", "user", "admin"


@dataclass(frozen=True)
class Operation:
    method: str
    summary: str
    description: str
    auth: str
    status: int
    body: type[pydantic.BaseModel] | None
    query: type[pydantic.BaseModel] | None
    response: Any
    errors: tuple[int, ...]
    tag: str


def _field_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p != "__root__") or "body"


def validation_error(exc: pydantic.ValidationError) -> ValidationFailed:
    err = exc.errors(include_url=False)[0]
    field = _field_path(err["loc"])
    msg = err["msg"]
    if err["type"] == "missing":
        msg = "this field is required"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    return ValidationFailed(f"{field}: {msg}", field=field)


def _query_args(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in request.args:
            continue
        if typing.get_origin(info.annotation) is list or info.annotation is list:
            raw = request.args.getlist(key)
            values[key] = [v for item in raw for v in item.split(",") if v]
        else:
            values[key] = request.args.get(key)
    return values


MAX_JSON_BYTES = 1024 * 1024


def _json_body() -> Any:
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise PayloadTooLarge("The request body is too large.", error_code="body_too_large")
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True, force=True)
    if data is None:
        raise BadRequest("The request body is not valid JSON.", error_code="invalid_json")
    if not isinstance(data, dict):
        raise ValidationFailed("body: expected a JSON object", field="body")
    return data


def serialize(response_model: Any, value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if response_model is None:
        return value
    adapter = _adapter(response_model)
    return adapter.dump_python(adapter.validate_python(value, from_attributes=True),
                               mode="json")


@functools.lru_cache(maxsize=None)
def _adapter(model: Any) -> pydantic.TypeAdapter:
    return pydantic.TypeAdapter(model)


def endpoint(bp: Blueprint, rule: str, method: str = "GET", *, body=None, query=None,
             response=None, status: int = 200, auth: str = USER,
             errors: tuple[int, ...] = ()) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**kwargs):
            if auth != PUBLIC:
                g.user = require_admin() if auth == ADMIN else current_user()
            if body is not None:
                try:
                    kwargs["body"] = body.model_validate(_json_body())
                except pydantic.ValidationError as exc:
                    raise validation_error(exc) from None
            if query is not None:
                try:
                    kwargs["query"] = query.model_validate(_query_args(query))
                except pydantic.ValidationError as exc:
                    raise validation_error(exc) from None
            result = view(**kwargs)
            if isinstance(result, Response):
                return result
            out = jsonify(serialize(response, result)) if result is not None else Response()
            out.status_code = status if result is not None or status != 200 else 204
            return out

        doc = (view.__doc__ or "").strip()
        summary, _, description = doc.partition("\n")
        wrapper.__openapi__ = Operation(method, summary.strip() or view.__name__,
                                        description.strip(), auth, status, body, query,
                                        response, errors, bp.name)
        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        return wrapper
    return decorate
