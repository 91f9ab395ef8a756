"""Settings: where each value comes from, and how bad ones are reported."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from support import PASSWORD, Api, make_settings

from clipset import settings
from clipset.app import create_app
from clipset.errors import ConfigurationError
from clipset.store.db import database

ROOT = Path(__file__).resolve().parent.parent


def _data_dir(tmp_path, toml: str | None = None) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    if toml is not None:
        (folder / "config.toml").write_text(toml, "utf-8")
    return folder


def test_defaults(tmp_path):
    s = settings.load({"data_dir": str(_data_dir(tmp_path))}, environ={})
    for setting in settings.SETTINGS:
        if setting.name not in ("data_dir", "testing"):
            assert getattr(s, setting.name) == setting.default, setting.name
    assert s.data_path == (tmp_path / "data").resolve()


def test_precedence_defaults_file_environment_overrides(tmp_path):
    folder = _data_dir(
        tmp_path,
        'port = 1111\nthreads = 3\nlog_level = "DEBUG"\naccepted_formats = ["MP4", "webm"]\n',
    )
    environ = {
        "CLIPSET_THREADS": "5",
        "CLIPSET_LOG_LEVEL": "WARNING",
        "CLIPSET_DATA_DIR": str(folder),
    }
    s = settings.load({"log_level": "ERROR", "port": None}, environ=environ)
    assert s.connection_limit == 400  # default
    assert s.port == 1111  # config.toml (a None override is no override)
    assert s.accepted_formats == ["mp4", "webm"]
    assert s.threads == 5  # environment beats the file
    assert s.log_level == "ERROR"  # explicit override beats everything
    assert s.data_dir == str(folder.resolve())


def test_environment_values_are_parsed(tmp_path):
    environ = {
        "CLIPSET_DATA_DIR": str(_data_dir(tmp_path)),
        "CLIPSET_TRAY": "off",
        "CLIPSET_OPEN_BROWSER": "YES",
        "CLIPSET_ACCEPTED_FORMATS": " mp4 , MKV,",
        "CLIPSET_WORKER_COUNT": "2",
    }
    s = settings.load(environ=environ)
    assert (s.tray, s.open_browser, s.worker_count) == (False, True, 2)
    assert s.accepted_formats == ["mp4", "mkv"]


@pytest.mark.parametrize(
    "environ, toml, name",
    [
        ({"CLIPSET_PORT": "eighty"}, None, "port"),
        ({"CLIPSET_TRAY": "maybe"}, None, "tray"),
        ({}, 'worker_count = "many"\n', "worker_count"),
        ({}, "keep_originals = 3\n", "keep_originals"),
    ],
)
def test_bad_values_name_the_setting(tmp_path, environ, toml, name):
    folder = _data_dir(tmp_path, toml)
    with pytest.raises(ConfigurationError, match=name):
        settings.load({"data_dir": str(folder)}, environ=environ)


def test_bad_override_names_the_setting(tmp_path):
    with pytest.raises(ConfigurationError, match="token_ttl_hours"):
        settings.load(
            {"data_dir": str(_data_dir(tmp_path)), "token_ttl_hours": "long"}, environ={}
        )


def test_unknown_keys_are_refused(tmp_path):
    folder = _data_dir(tmp_path, "prot = 8080\n")
    with pytest.raises(ConfigurationError, match="prot"):
        settings.load({"data_dir": str(folder)}, environ={})
    with pytest.raises(ConfigurationError, match="colour"):
        settings.load({"data_dir": str(tmp_path), "colour": "blue"}, environ={})


def test_unreadable_config_file_is_reported(tmp_path):
    folder = _data_dir(tmp_path, "port = = 3\n")
    with pytest.raises(ConfigurationError, match="config.toml"):
        settings.load({"data_dir": str(folder)}, environ={})


def test_testing_mode_needs_a_data_dir():
    with pytest.raises(ConfigurationError, match="data_dir"):
        settings.load({"testing": True}, environ={})
    with pytest.raises(ConfigurationError, match="data_dir"):
        settings.load(environ={"CLIPSET_TESTING": "1"})


def test_settings_are_read_only(tmp_path):
    s = settings.load({"data_dir": str(tmp_path)}, environ={})
    with pytest.raises(AttributeError):
        s.port = 1


def test_secret_key_is_private_and_survives_a_restart(tmp_path):
    first = create_app(make_settings(tmp_path))
    key_file = first.extensions["clipset"].data.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_bytes()
    r = first.test_client().post("/api/setup", json={"username": "host", "password": PASSWORD})
    token = r.json["access_token"]
    database.close()

    second = create_app(make_settings(tmp_path))
    assert key_file.read_bytes() == content
    assert second.extensions["clipset"].keys == first.extensions["clipset"].keys
    # Sessions outlive a restart because the key does.
    assert Api(second.test_client(), token).get("/api/auth/me").status_code == 200
    database.close()


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert settings.markdown_table() in readme, (
        "README.md must contain settings.markdown_table() verbatim"
    )
