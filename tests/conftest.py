"""Shared fixtures: a real app on a real SQLite file in a temporary data dir."""

from __future__ import annotations

import itertools

import pytest
from support import PASSWORD, Api, make_settings

from clipset.app import create_app
from clipset.serve.server import Server
from clipset.store.db import database

_names = itertools.count(1)


@pytest.fixture
def settings_overrides():
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(tmp_path, settings_overrides):
    app = create_app(make_settings(tmp_path, **settings_overrides))
    yield app
    app.extensions["clipset"].stop()
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def anon(client):
    return Api(client)


@pytest.fixture
def admin(client):
    r = client.post("/api/setup", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 201, r.json
    return Api(client, r.json["access_token"], r.json["user"])


@pytest.fixture
def make_user(client, admin):
    """Invite and register a new user; returns an Api signed in as them."""

    def make(username: str | None = None, password: str = PASSWORD) -> Api:
        username = username or f"user{next(_names)}"
        with client.application.app_context():
            database.connect(reuse_if_open=True)
            import datetime as dt
            import secrets

            from clipset.store.models import Invitation, now

            token = secrets.token_urlsafe(24)
            Invitation.create(token=token, expires_at=now() + dt.timedelta(days=7))
            database.close()
        r = client.post(
            "/api/auth/register",
            json={"invitation_token": token, "username": username, "password": password},
        )
        assert r.status_code == 201, r.json
        return Api(client, r.json["access_token"], r.json["user"])

    return make


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def other_user(make_user):
    return make_user()


@pytest.fixture
def live_server(app):
    """The real waitress server on a free port, stopped after the test."""
    server = Server(app, host="127.0.0.1", port=0).start()
    yield server
    server.stop()
