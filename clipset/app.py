"""The application factory."""

from __future__ import annotations

import shutil
from typing import Any

from flask import Flask

from .desktop import lan
from .desktop.autostart import Autostart, launch_command
from .errors import ConfigurationError
from .security import keys
from .services import Services
from .services.host import HostHooks
from .services.storage import is_disk_full
from .settings import Settings, load
from .store import migrations
from .store.db import bind, bind_read_only, bind_url, database, is_postgres_url, keep_open
from .store.dirs import DataDir

WAL_ROOM = 1024**2  # less free than this, and the WAL files may not be made


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the app for ``config``: resolved ``Settings`` or overrides of the defaults.

    Prepares the data dir, secret key and schema; starts no threads (``services.start()``
    does, called by the server or by a test that wants background work).
    """
    settings = config if isinstance(config, Settings) else load(config)
    data = DataDir(settings.data_dir).create()
    open_database(data, settings.database_url)

    app = Flask(__name__, static_folder=None)
    app.config["CLIPSET_SETTINGS"] = settings
    app.extensions["clipset"] = Services(
        settings, data, keys.load_or_create(data.secret_key), host_hooks(settings, data)
    )

    from . import api

    api.init_app(app)
    return app


def host_hooks(settings: Settings, data: DataDir) -> HostHooks:
    """The desktop's part in the services: login items, this machine's addresses."""
    command = launch_command(settings.data_dir)
    if settings.testing:  # never the real login items: a Linux entry inside the data dir
        autostart = Autostart(command, platform="linux", home=data.root / "home", environ={})
    else:
        autostart = Autostart(command)
    return HostHooks(autostart=autostart, is_this_machine=lan.is_this_machine, lan_url=lan.lan_url)


def open_database(data: DataDir, url: str | None = None) -> None:
    """Bind and migrate the database; on a disk too full to write a SQLite one, open it
    read-only (Clipset then serves what it has and says why on the admin dashboard)."""
    if url:
        if not is_postgres_url(url):
            raise ConfigurationError(
                "database_url: use postgresql://user:password@host:port/name, or leave it "
                "empty for the SQLite database in the data dir"
            )
        bind_url(url)
        with database.connection_context():
            migrations.migrate(database)
        return
    bind(data.database)
    try:
        with database.connection_context():
            migrations.migrate(database)
        keep_open()
        return
    except Exception as exc:
        # Without room for the WAL's shared memory, SQLite only says "disk I/O error".
        no_room = shutil.disk_usage(data.root).free < WAL_ROOM
        if not (is_disk_full(exc) or no_room) or not data.database.is_file():
            raise
    bind_read_only(data.database)
    with database.connection_context():
        version = migrations.current_version(database)
    if version < migrations.LATEST:
        raise ConfigurationError(
            f"the disk holding {data.root} is full, and the database must be upgraded "
            f"(schema {version} to {migrations.LATEST}) before Clipset can start; free "
            "some space and start again"
        )
