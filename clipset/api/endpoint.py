"""The one way to declare an API route: who may call it, what it takes, what it answers.

``@endpoint(bp, "/things/<int:id>", "PATCH", body=ThingPatch, response=ThingOut)`` checks
the caller, validates the JSON body and query string with the pydantic models, passes them
to the view as ``body=`` and ``query=``, serializes what the view returns through the
response model, and records all of it for the OpenAPI document (api/docs.py), so the
document is generated from the same schemas that validate requests.
"""

from __future__ import annotations

import functools
import json
import re
import typing
from dataclasses import dataclass
from typing import Any, Callable

import pydantic
from flask import Blueprint, Response, g, jsonify, request
from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError as NoMatch

from ..errors import BadRequest, PayloadTooLarge, ValidationFailed
from ..store.db import MAX_INT, MIN_INT
from .access import current_user, current_worker, require_admin

PUBLIC, USER, ADMIN, WORKER = "public", "user", "admin", "worker"


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
    # Documented as they are, for routes that read headers or a non-JSON body themselves.
    headers: tuple[dict, ...] = ()
    content: dict | None = None


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


_MAX_DIGITS = len(str(MAX_INT))


class BoundedInt(IntegerConverter):
    """``<int:...>`` in a route: an id past what SQLite can hold matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str):
        if not value.isascii() or len(value) > _MAX_DIGITS + 1:
            raise NoMatch()
        return super().to_python(value)


def whole_number(text: str | None, field: str) -> int:
    """A header or form field holding a count of bytes: ASCII digits, stored in 64 bits."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationFailed(f"{field}: send a whole number (digits 0-9)", field=field)
    if len(text) > _MAX_DIGITS or int(text) > MAX_INT:
        raise ValidationFailed(f"{field}: the number is too large", field=field)
    return int(text)


def file_form(file: str, required: tuple[str, ...] = (), **fields: dict) -> dict:
    """An endpoint's ``content``: a multipart form of a ``file`` (described by ``file``)
    and ``fields`` (each a JSON Schema), the ``required`` ones besides the file."""
    binary = {"type": "string", "format": "binary", "description": file}
    properties = {"file": binary, **fields}
    schema = {"type": "object", "required": ["file", *required], "properties": properties}
    return {"multipart/form-data": {"schema": schema}}


def _out_of_range(value: Any, path: tuple) -> tuple | None:
    """The path of the first integer in ``value`` that 64 bits cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return path if not MIN_INT <= value <= MAX_INT else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = enumerate(value)
    elif isinstance(value, pydantic.BaseModel):
        items = ((name, getattr(value, name)) for name in type(value).model_fields)
    else:
        return None
    for key, item in items:
        found = _out_of_range(item, (*path, key))
        if found is not None:
            return found
    return None


def _check_ints(value: Any) -> None:
    path = _out_of_range(value, ())
    if path is not None:
        field = _field_path(path)
        raise ValidationFailed(f"{field}: the number is too large", field=field)


def _parse_int(text: str) -> int:
    # Python refuses to convert very long digit strings at all; say why instead. Shorter
    # ones are converted, and _check_ints names the field that holds one too large.
    if len(text) > 100:
        raise ValidationFailed("body: a number in it is too large", field="body")
    return int(text)


_DIGITS = re.compile(r"-?[0-9]+")


def _query_args(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    known = {info.alias or name for name, info in model.model_fields.items()}
    unknown = sorted(set(request.args) - known)
    if unknown:  # a misspelt filter would otherwise be ignored without a word
        raise ValidationFailed(
            f"{unknown[0]}: unknown query parameter; this endpoint takes "
            f"{', '.join(sorted(known))}",
            field=unknown[0],
        )
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in request.args:
            continue
        if typing.get_origin(info.annotation) is list or info.annotation is list:
            raw = request.args.getlist(key)
            values[key] = [v for item in raw for v in item.split(",") if v]
        else:
            raw = request.args.getlist(key)
            if len(raw) > 1:
                raise ValidationFailed(f"{key}: give it once", field=key)
            takes_int = int in (info.annotation, *typing.get_args(info.annotation))
            if takes_int and not _DIGITS.fullmatch(raw[0]):
                # pydantic would read "90.0" as 90; the document says integer
                raise ValidationFailed(f"{key}: send a whole number (digits 0-9)", field=key)
            values[key] = raw[0]
    return values


MAX_JSON_BYTES = 1024 * 1024


def _json_body() -> Any:
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise PayloadTooLarge("The request body is too large.", error_code="body_too_large")
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_int=_parse_int)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        raise BadRequest(
            "The request body is not valid JSON (or is nested too deeply).",
            error_code="invalid_json",
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed("body: expected a JSON object", field="body")
    return data


def serialize(response_model: Any, value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if response_model is None:
        return value
    adapter = _adapter(response_model)
    return adapter.dump_python(adapter.validate_python(value, from_attributes=True), mode="json")


@functools.lru_cache(maxsize=None)
def _adapter(model: Any) -> pydantic.TypeAdapter:
    return pydantic.TypeAdapter(model)


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str = "GET",
    *,
    body=None,
    query=None,
    response=None,
    status: int = 200,
    auth: str = USER,
    errors: tuple[int, ...] = (),
    headers: tuple[dict, ...] = (),
    content: dict | None = None,
) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**kwargs):
            if auth == WORKER:
                current_worker()
            elif auth != PUBLIC:
                g.user = require_admin() if auth == ADMIN else current_user()
            if body is not None:
                data = _json_body()
                if method == "PATCH" and not data:
                    raise ValidationFailed("body: send at least one field to change", field="body")
                _check_ints(data)
                try:
                    kwargs["body"] = body.model_validate(data)
                except pydantic.ValidationError as exc:
                    raise validation_error(exc) from None
            if query is not None:
                try:
                    kwargs["query"] = query.model_validate(_query_args(query))
                except pydantic.ValidationError as exc:
                    raise validation_error(exc) from None
                _check_ints(kwargs["query"])
            result = view(**kwargs)
            if isinstance(result, Response):
                return result
            out = jsonify(serialize(response, result)) if result is not None else Response()
            out.status_code = status if result is not None or status != 200 else 204
            return out

        doc = (view.__doc__ or "").strip()
        summary, _, description = doc.partition("\n")
        wrapper.__openapi__ = Operation(
            method,
            summary.strip() or view.__name__,
            description.strip(),
            auth,
            status,
            body,
            query,
            response,
            errors,
            bp.name,
            headers,
            content,
        )
        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        return wrapper

    return decorate
