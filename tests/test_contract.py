"""The OpenAPI document is the contract: schemathesis generates requests from it (valid
ones and deliberately broken ones) against the real waitress server, signed in as an
admin, and every answer must match the document: no 5xx, documented statuses, bodies
and headers as declared, invalid input refused, valid input accepted.

Left out: the two operations whose success leaves the test machine changed for good
(stopping the server, registering Clipset to start at login)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from clipset.app import create_app
from clipset.db import database
from clipset.models import User
from clipset.server import Server
from support import PASSWORD, make_settings

MAX_EXAMPLES = 12  # per operation: the whole run stays near three minutes on two cores


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory):
    app = create_app(make_settings(tmp_path_factory.mktemp("contract")))
    client = app.test_client()
    r = client.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 201, r.json
    server = Server(app, host="127.0.0.1", port=0).start()
    yield app, server, r.json["user"]["id"]
    server.stop()
    app.extensions["clipset"].stop()
    if not database.is_closed():
        database.close()


@pytest.fixture(scope="module")
def api_schema(contract_server):
    app, server, _ = contract_server
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    schema.config.update(base_url=server.url)
    return (schema.exclude(path="/api/admin/host/stop")
            .exclude(path="/api/admin/host/start-at-login"))


def _token(contract_server) -> str:
    # A fresh token each time: a generated logout or password change ends the old one.
    app, _, admin_id = contract_server
    with database.connection_context():
        user = User.get_by_id(admin_id)
        return app.extensions["clipset"].accounts.session(user)["access_token"]


def _fuzz(operation, mode: GenerationMode, contract_server) -> str | None:
    """Runs one operation's generated cases; the (shrunk) failure, if any, as text."""
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {_token(contract_server)}"})

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # each is reported, then the test fails
        return f"{operation.label} ({mode.value}):\n{exc}"
    return None


def test_the_api_keeps_its_documented_contract(api_schema, contract_server):
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _fuzz(operation, mode, contract_server)
            if failure:
                failures.append(failure)
    assert not failures, f"{len(failures)} contract failures:\n\n" + "\n\n".join(failures)
