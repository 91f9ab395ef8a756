"""Shared fixtures: a real app on a real SQLite file in a temporary data dir, or with
``--database=postgresql`` on a fresh database of a PostgreSQL cluster the run owns."""

from __future__ import annotations

import itertools
import os
import socket
import uuid

import boto3
import pytest
from postgres_cluster import TEMPLATE, Cluster, server_bin
from support import PASSWORD, Api, make_settings

from clipset.app import create_app
from clipset.serve.server import Server
from clipset.store.db import database

_names = itertools.count(1)

# What the PostgreSQL pass leaves out: the browser, media quality and fuzzing, the desktop,
# and SQLite's own features (the full-disk start, the backup API); they run on SQLite.
SQLITE_ONLY = (
    "browser/",
    "test_media",
    "test_disk_full.py",
    "test_backups.py",
    "test_tray.py",
    "test_cli.py",  # the desktop command line: the same on either database
    "test_autostart.py",
    "test_lan.py",
    "test_instance.py",
    "test_release.py",
    "test_spa.py",
    "test_settings.py",
    "test_contract.py",
    "test_hostile_input.py",
    "test_realtime_budgets.py",
    # SQLite's own steps and file; test_postgres.py migrates PostgreSQL and checks doctor.
    "test_migrations.py",
    "test_doctor.py",
)


def pytest_addoption(parser):
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the database every app in the run uses (PostgreSQL: a temporary cluster)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only in the SQLite pass")


def on_postgres(config) -> bool:
    return config.getoption("--database") == "postgresql"


def pytest_collection_modifyitems(config, items):
    if not on_postgres(config):
        return
    keep, drop = [], []
    for item in items:
        path = item.nodeid.removeprefix("tests/")
        sqlite_only = path.startswith(SQLITE_ONLY) or item.get_closest_marker("sqlite_only")
        (drop if sqlite_only else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def postgres():
    """The run's own PostgreSQL cluster (started on first use, removed at the end), with a
    template database already migrated so each test's copy is quick."""
    try:
        server_bin()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    from clipset.store import migrations
    from clipset.store.db import bind_url

    cluster = Cluster().start()
    try:
        with cluster.admin() as conn:
            conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
        db = bind_url(cluster.url(TEMPLATE))
        with db.connection_context():
            migrations.migrate(db)
        db.close()
        yield cluster
    finally:
        if not database.is_closed():
            database.close()
        cluster.stop()


@pytest.fixture
def postgres_url(postgres):
    """A fresh, empty PostgreSQL database, dropped after the test."""
    name = postgres.create()
    yield postgres.url(name)
    if not database.is_closed():
        database.close()
    postgres.drop(name)


@pytest.fixture(autouse=True)
def _database_for_the_pass(request, monkeypatch):
    """On the PostgreSQL pass every app (through CLIPSET_DATABASE_URL) gets its own
    database, copied from the migrated template."""
    if not on_postgres(request.config) or "postgres_url" in request.fixturenames:
        yield
        return
    cluster = request.getfixturevalue("postgres")
    name = cluster.create(template=TEMPLATE)
    monkeypatch.setenv("CLIPSET_DATABASE_URL", cluster.url(name))
    yield
    if database.obj is not None and not database.is_closed():
        database.close()
    cluster.drop(name)


def database_url() -> str | None:
    """The URL this test's apps use (None: SQLite in the data dir)."""
    return os.environ.get("CLIPSET_DATABASE_URL")


@pytest.fixture
def settings_overrides():
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(tmp_path, settings_overrides):
    app = create_app(make_settings(tmp_path, **settings_overrides))
    yield app
    app.extensions["clipset"].stop()
    if database.obj is not None and not database.is_closed():
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


S3_KEYS = {
    "s3_access_key_id": "testing",
    "s3_secret_access_key": "testing",
    "s3_region": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3 server, for media_store (started on first use)."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["s3_access_key_id"],
        aws_secret_access_key=S3_KEYS["s3_secret_access_key"],
    )


@pytest.fixture
def bucket_name(s3):
    name = f"clips-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def bucket_settings(s3_endpoint, bucket_name):
    """The settings of an app whose media_store is this test's bucket."""
    return {
        "media_store": f"s3://{bucket_name}/library",
        "s3_endpoint_url": s3_endpoint,
        **S3_KEYS,
    }
