"""The OpenAPI document covers every API route, and the docs are served offline."""

from __future__ import annotations

import re

import pytest

DOCS_ROUTES = {
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/init.js",
    "/api/docs/assets/<path:name>",
}


@pytest.fixture
def spec(anon):
    r = anon.get("/api/openapi.json")
    assert r.status_code == 200
    return r.json


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _declared_methods(rule) -> set[str]:
    """The rule's methods without those Flask adds by itself (HEAD to GET, OPTIONS)."""
    methods = set(rule.methods)
    if "GET" in methods:
        methods.discard("HEAD")
    if getattr(rule, "provide_automatic_options", False):
        methods.discard("OPTIONS")
    return methods


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_document_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_api_route_is_documented_with_its_method(app, spec):
    expected = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule not in DOCS_ROUTES:
            for method in _declared_methods(rule):
                expected.add((_openapi_path(rule.rule), method.lower()))
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert expected, "no API routes found"
    missing = expected - documented
    assert not missing, f"routes missing from /api/openapi.json: {sorted(missing)}"
    assert documented == expected  # and nothing documented that does not exist


def test_bodies_and_responses_use_component_schemas(spec):
    components = spec["components"]["schemas"]
    bodies = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if "application/json" in op.get("requestBody", {}).get("content", {}):
                bodies += 1
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.startswith("#/components/schemas/"), (path, method)
            for code, response in op["responses"].items():
                if int(code) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    assert bodies >= 5
    for ref in _refs(spec):
        name = ref.removeprefix("#/components/schemas/")
        assert name in components, f"dangling reference {ref}"


def test_operations_describe_parameters_auth_and_errors(spec):
    op = spec["paths"]["/api/users/{user_id}/role"]["patch"]
    assert op["parameters"] == [
        {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    assert {"200", "400", "401", "403", "404", "409"} <= set(op["responses"])
    assert op["security"] == [{"bearer": []}]
    role = spec["components"]["schemas"]["RoleIn"]["properties"]["role"]
    assert set(role["enum"]) == {"admin", "user"}

    listing = spec["paths"]["/api/users"]["get"]
    names = {p["name"] for p in listing["parameters"] if p["in"] == "query"}
    assert {"page", "page_size", "q"} <= names
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(page["properties"]) == {
        "items",
        "total_count",
        "page",
        "page_size",
        "total_pages",
        "has_more",
    }
    assert page["properties"]["items"]["items"] == {"$ref": "#/components/schemas/UserOut"}

    public = spec["paths"]["/api/invitations/validate/{token}"]["get"]
    assert "security" not in public and "401" not in public["responses"]


def test_docs_page_and_assets_are_served_locally(anon):
    page = anon.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.search(r"(https?:)?//", html), (
        "the docs page must not load anything from another host"
    )
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:  # relative to /api/docs
        r = anon.get(f"/api/{source}")
        assert r.status_code == 200, source
    for path, mimetype in [
        ("/api/docs/assets/swagger-ui-bundle.js", "javascript"),
        ("/api/docs/assets/swagger-ui.css", "text/css"),
        ("/api/docs/init.js", "javascript"),
    ]:
        r = anon.get(path)
        assert r.status_code == 200 and mimetype in r.mimetype, path
        assert len(r.data) > 0
    assert "openapi.json" in anon.get("/api/docs/init.js").get_data(as_text=True)
    assert anon.get("/api/docs/assets/../../../etc/passwd").status_code == 404
