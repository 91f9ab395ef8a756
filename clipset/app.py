"""The application factory."""
from __future__ import annotations

from typing import Any

from flask import Flask

from . import keys, migrations
from .db import bind, database
from .dirs import DataDir
from .services import Services
from .settings import Settings, load


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the app for ``config``: resolved ``Settings`` or overrides of the defaults.

    Prepares the data dir, secret key and schema; starts no threads (``services.start()``
    does, called by the server or by a test that wants background work).
    """
    settings = config if isinstance(config, Settings) else load(config)
    data = DataDir(settings.data_dir).create()
    bind(data.database)
    with database.connection_context():
        migrations.migrate(database)

    app = Flask(__name__, static_folder=None)
    app.config["CLIPSET_SETTINGS"] = settings
    app.extensions["clipset"] = Services(settings, data, keys.load_or_create(data.secret_key))

    from . import api
    api.init_app(app)
    return app
