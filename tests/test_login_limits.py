"""Sign-in rate limits: a guesser locks only its own client out of one account; the owner
elsewhere signs in, again and again; a name shuts only after many clients guess it."""

from __future__ import annotations

import pytest
from support import PASSWORD


@pytest.fixture
def settings_overrides():
    return {"login_attempts": 2}  # each failure costs a real password hash


def login_from(client, address: str, username: str, password: str):
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_lock_out_that_client_on_that_username(admin, client, app):
    limit = app.config["CLIPSET_SETTINGS"].login_attempts
    for _ in range(limit):
        assert login_from(client, "10.0.0.66", "admin", "wrong-one!").status_code == 401
    r = login_from(client, "10.0.0.66", "admin", PASSWORD)
    assert r.status_code == 429 and r.json["error_code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1
    # That client may still sign in to another account it knows.
    assert login_from(client, "10.0.0.66", "someone", "wrong-one!").status_code == 401


def test_a_guesser_elsewhere_does_not_lock_the_owner_out_repeatably(admin, client, app):
    limit = app.config["CLIPSET_SETTINGS"].login_attempts
    for round_ in range(3):
        for _ in range(limit):
            r = login_from(client, f"10.0.0.{round_ + 10}", "admin", "wrong-one!")
            assert r.status_code == 401
        assert login_from(client, f"10.0.0.{round_ + 10}", "admin", PASSWORD).status_code == 429
        r = login_from(client, "192.168.1.5", "admin", PASSWORD)
        assert r.status_code == 200, r.json


def test_a_username_is_shut_only_after_many_clients_guess_it(admin, client, app):
    limit = app.config["CLIPSET_SETTINGS"].login_attempts
    for n in range(10):  # ten clients, each up to its own limit
        for _ in range(limit):
            assert login_from(client, f"10.1.0.{n}", "admin", "wrong-one!").status_code == 401
    r = login_from(client, "192.168.1.5", "admin", PASSWORD)
    assert r.status_code == 429 and r.json["error_code"] == "rate_limited"


def test_one_client_spraying_many_usernames_is_stopped(admin, client, app):
    limit = app.config["CLIPSET_SETTINGS"].login_attempts
    for n in range(limit * 10):
        assert login_from(client, "10.2.0.1", f"name{n}", "wrong-one!").status_code == 401
    assert login_from(client, "10.2.0.1", "admin", PASSWORD).status_code == 429
    assert login_from(client, "10.2.0.2", "admin", PASSWORD).status_code == 200
