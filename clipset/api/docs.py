"""The OpenAPI 3 document, built from the routes' own schemas, and Swagger UI served locally."""

from __future__ import annotations

import re
from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Flask, Response, current_app, jsonify, send_from_directory
from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from .. import __version__
from ..store.db import MAX_INT, MIN_INT
from .endpoint import ADMIN, PUBLIC, Operation
from .schemas import ErrorOut

bp = Blueprint("docs", __name__, url_prefix="/api")

_SWAGGER = Path(swagger_ui_bundle.swagger_ui_path)
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_REF = "#/components/schemas/{model}"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clipset API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script></body></html>"""

# Kept out of the page so the CSP can forbid inline scripts.
_INIT = """window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, persistAuthorization: true});"""

_STATUS_TEXT = {
    400: "Invalid input",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media",
    422: "Unreadable media",
    429: "Rate limited",
    507: "Disk full",
}


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []
    for converter, name in _CONVERTER.findall(rule):
        kind = {"int": "integer", "float": "number"}.get(converter, "string")
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
    return _CONVERTER.sub(r"{\2}", rule), params


def _query_params(schema: dict) -> list[dict]:
    params = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        params.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": prop,
                "description": prop.get("description", ""),
            }
        )
    return params


def _bound_ints(node) -> None:
    """Every integer is stored in 64 bits, and a larger one is refused (api/endpoint.py)."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("maximum", MAX_INT)
            node.setdefault("minimum", MIN_INT)
        for value in node.values():
            _bound_ints(value)
    elif isinstance(node, list):
        for item in node:
            _bound_ints(item)


def build(app: Flask) -> dict:
    operations: list[tuple[str, Operation]] = []
    for rule in app.url_map.iter_rules():
        op = getattr(app.view_functions.get(rule.endpoint), "__openapi__", None)
        if op is not None:
            operations.append((rule.rule, op))

    models = {ErrorOut}
    for _, op in operations:
        models.update(m for m in (op.body, op.query) if m is not None)
    keyed = [(m, "validation") for m in models]
    response_schemas: dict = {}
    for _, op in operations:
        if op.response is not None and op.response not in response_schemas:
            response_schemas[op.response] = TypeAdapter(op.response).json_schema(
                ref_template=_REF, mode="serialization"
            )
    key_map, defs = models_json_schema(keyed, ref_template=_REF)
    components = dict(defs.get("$defs", {}))
    for schema in response_schemas.values():
        components.update(schema.pop("$defs", {}))

    def ref(model) -> dict:
        return key_map[(model, "validation")]

    for schema in components.values():
        _bound_ints(schema)

    paths: dict = {}
    for rule, op in sorted(operations, key=lambda item: item[0]):
        path, params = _path(rule)
        entry = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": f"{op.method.lower()}{re.sub(r'[^a-zA-Z0-9]+', '_', path)}",
            "parameters": list(params),
        }
        if op.description:
            entry["description"] = op.description
        if op.query is not None:
            schema = components.get(op.query.__name__, {})
            entry["parameters"] += _query_params(schema)
        entry["parameters"] += list(op.headers)
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body)}},
            }
            if op.method == "PATCH":  # an empty change is refused (api/endpoint.py)
                name = ref(op.body)["$ref"].rsplit("/", 1)[-1]
                components[name]["minProperties"] = 1
        elif op.content is not None:
            entry["requestBody"] = {"required": True, "content": op.content}
        success = {"description": "Success"}
        if op.response is not None:
            success["content"] = {"application/json": {"schema": response_schemas[op.response]}}
        responses = {str(op.status): success}
        codes = set(op.errors)
        if op.body is not None or op.query is not None:
            codes.add(400)
        if op.auth != PUBLIC:
            codes.add(401)
        if op.auth == ADMIN:
            codes.add(403)
        error = {"application/json": {"schema": ref(ErrorOut)}}
        for code in sorted(codes):
            responses[str(code)] = {
                "description": _STATUS_TEXT.get(code, "Error"),
                "content": error,
            }
        entry["responses"] = responses
        if op.auth != PUBLIC:
            entry["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[op.method.lower()] = entry

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Clipset API",
            "version": __version__,
            "description": "Private video sharing for a household or small team. "
            "Errors are `{detail, error_code}` with a fitting status.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    ext = current_app.extensions
    if "clipset.openapi" not in ext:  # built once per app, on first request
        ext["clipset.openapi"] = build(current_app)
    return jsonify(ext["clipset.openapi"])


@bp.get("/docs")
def docs_page():
    return Response(_PAGE, mimetype="text/html")


@bp.get("/docs/init.js")
def docs_init():
    return Response(_INIT, mimetype="text/javascript")


@bp.get("/docs/assets/<path:name>")
def docs_assets(name: str):
    return send_from_directory(_SWAGGER, name, max_age=86400)
