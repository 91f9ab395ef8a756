"""Start at login, per OS, written into a temporary home."""

import plistlib

import pytest

from clipset.desktop.autostart import RUN_KEY, Autostart, launch_command

COMMAND = ["/opt/Clip Set/clipset", "--data-dir", "/home/me/My Videos"]


def test_linux_writes_an_xdg_autostart_entry(tmp_path):
    auto = Autostart(COMMAND, platform="linux", home=tmp_path, environ={})
    assert not auto.is_enabled()
    auto.enable()
    entry = tmp_path / ".config" / "autostart" / "clipset.desktop"
    assert auto.is_enabled() and entry.is_file()
    text = entry.read_text()
    assert text.startswith("[Desktop Entry]\n")
    assert 'Exec="/opt/Clip Set/clipset" --data-dir "/home/me/My Videos"' in text
    assert "Type=Application" in text
    auto.disable()
    assert not entry.exists() and not auto.is_enabled()


def test_linux_honours_xdg_config_home(tmp_path):
    auto = Autostart(
        COMMAND,
        platform="linux",
        home=tmp_path / "home",
        environ={"XDG_CONFIG_HOME": str(tmp_path / "cfg")},
    )
    auto.enable()
    assert (tmp_path / "cfg" / "autostart" / "clipset.desktop").is_file()


def test_macos_writes_a_launch_agent(tmp_path):
    auto = Autostart(COMMAND, platform="darwin", home=tmp_path)
    assert auto.toggle() is True
    plist = plistlib.loads(
        (tmp_path / "Library" / "LaunchAgents" / "app.clipset.plist").read_bytes()
    )
    assert plist["ProgramArguments"] == COMMAND
    assert plist["RunAtLoad"] is True and plist["Label"] == "app.clipset"
    assert auto.toggle() is False
    assert not auto.path.exists()


class FakeWinreg:
    """The slice of winreg that Autostart uses, over a dict."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self):
        self.keys: dict[tuple, dict] = {}

    class _Key:
        def __init__(self, values):
            self.values = values

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def CreateKey(self, root, path):
        return self._Key(self.keys.setdefault((root, path), {}))

    def OpenKey(self, root, path, reserved=0, access=0):
        if (root, path) not in self.keys:
            raise FileNotFoundError(path)
        return self._Key(self.keys[(root, path)])

    def QueryValueEx(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        return key.values[name]

    def SetValueEx(self, key, name, reserved, kind, value):
        key.values[name] = (value, kind)

    def DeleteValue(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        del key.values[name]


def test_windows_sets_the_run_key(tmp_path):
    reg = FakeWinreg()
    auto = Autostart(COMMAND, platform="win32", home=tmp_path, winreg=reg)
    assert not auto.is_enabled()
    auto.enable()
    value, kind = reg.keys[("HKCU", RUN_KEY)]["Clipset"]
    assert value == '"/opt/Clip Set/clipset" --data-dir "/home/me/My Videos"'
    assert kind == reg.REG_SZ and auto.is_enabled()
    auto.disable()
    assert not auto.is_enabled()
    auto.disable()  # already off: no error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("frozen", [False, True])
def test_launch_command_starts_this_clipset(monkeypatch, frozen):
    monkeypatch.setattr("sys.frozen", frozen, raising=False)
    command = launch_command("/data")
    assert command[-2:] == ["--data-dir", "/data"]
    assert (command[1:3] == ["-m", "clipset"]) is not frozen
