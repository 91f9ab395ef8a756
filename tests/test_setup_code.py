"""First-run setup is open only to the host itself: another device, or a page whose own
name merely resolves to this machine (DNS rebinding), needs the one-time setup code
that the log and the tray menu show."""

from __future__ import annotations

import pytest
from support import PASSWORD

from clipset.store.db import database
from clipset.store.models import User

BODY = {"username": "owner", "password": PASSWORD}


@pytest.fixture
def settings_overrides():
    return {"login_attempts": 3}


def setup_from(client, address: str, host: str, **extra):
    return client.post(
        "/api/setup",
        json={**BODY, **extra},
        environ_base={"REMOTE_ADDR": address},
        headers={"Host": host},
    )


def users() -> int:
    with database.connection_context():
        return User.select().count()


def code(app) -> str:
    return app.extensions["clipset"].accounts.setup_code


def test_the_host_itself_needs_no_code(client):
    state = client.get("/api/setup", headers={"Host": "127.0.0.1:8420"}).get_json()
    assert state == {"needs_setup": True, "setup_code_required": False}
    assert setup_from(client, "127.0.0.1", "127.0.0.1:8420").status_code == 201


@pytest.mark.parametrize(
    "address, host",
    [
        ("10.9.9.9", "192.168.1.20:8420"),
        ("127.0.0.1", "rebound.example:8420"),
        ("127.0.0.1", "rebound.example"),
    ],
)
def test_elsewhere_setup_needs_the_code(app, client, address, host):
    state = client.get(
        "/api/setup", headers={"Host": host}, environ_base={"REMOTE_ADDR": address}
    ).get_json()
    assert state["setup_code_required"] is True
    r = setup_from(client, address, host)
    assert r.status_code == 403 and r.get_json()["error_code"] == "setup_code_required"
    r = setup_from(
        client, address, host, setup_code="00000000" if code(app) != "00000000" else "11111111"
    )
    assert r.status_code == 403 and r.get_json()["error_code"] == "setup_code_wrong"
    assert users() == 0
    r = setup_from(client, address, host, setup_code=code(app))
    assert r.status_code == 201 and r.get_json()["user"]["role"] == "admin"


def test_guessing_the_code_is_rate_limited(app, client):
    wrong = "00000000" if code(app) != "00000000" else "11111111"
    for _ in range(3):
        assert setup_from(client, "10.9.9.9", "x:8420", setup_code=wrong).status_code == 403
    r = setup_from(client, "10.9.9.9", "x:8420", setup_code=code(app))
    assert r.status_code == 429 and users() == 0


def test_each_start_makes_a_new_code(app, tmp_path):
    from support import make_settings

    from clipset.app import create_app

    other = create_app(make_settings(tmp_path / "other"))
    try:
        assert code(other) != code(app) and len(code(app)) == 8 and code(app).isdigit()
    finally:
        other.extensions["clipset"].stop()
