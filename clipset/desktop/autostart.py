"""Start at login: the Windows Run key, a macOS LaunchAgent, or a Linux XDG autostart entry."""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path

APP_ID = "app.clipset"
NAME = "Clipset"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def launch_command(data_dir: str | None = None) -> list[str]:
    """How to start this Clipset again: the executable itself when frozen."""
    command = (
        [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "clipset"]
    )
    return command + (["--data-dir", data_dir] if data_dir else [])


def _desktop_quote(arg: str) -> str:
    # The Desktop Entry spec: quote arguments holding reserved characters.
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


class Autostart:
    def __init__(
        self,
        command: list[str],
        platform: str = sys.platform,
        home: Path | None = None,
        environ: dict | None = None,
        winreg=None,
    ):
        self.command = list(command)
        self.platform = platform
        self.home = Path.home() if home is None else Path(home)
        self.environ = os.environ if environ is None else environ
        self._winreg = winreg

    # -- where and what -------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The file that enables start at login (None on Windows: a registry value)."""
        if self.platform == "win32":
            return None
        if self.platform == "darwin":
            return self.home / "Library" / "LaunchAgents" / f"{APP_ID}.plist"
        config = self.environ.get("XDG_CONFIG_HOME") or self.home / ".config"
        return Path(config) / "autostart" / "clipset.desktop"

    def render(self) -> str:
        if self.platform == "win32":
            return subprocess.list2cmdline(self.command)
        if self.platform == "darwin":
            return plistlib.dumps(
                {
                    "Label": APP_ID,
                    "ProgramArguments": self.command,
                    "RunAtLoad": True,
                    "ProcessType": "Interactive",
                }
            ).decode()
        return "\n".join(
            [
                "[Desktop Entry]",
                "Type=Application",
                f"Name={NAME}",
                "Comment=Private video sharing for a household or small team",
                "Exec=" + " ".join(_desktop_quote(a) for a in self.command),
                "Terminal=false",
                "X-GNOME-Autostart-enabled=true",
                "",
            ]
        )

    # -- switching ------------------------------------------------------------------
    def winreg(self):
        if self._winreg is None:
            import winreg  # Windows only

            self._winreg = winreg
        return self._winreg

    def is_enabled(self) -> bool:
        if self.platform != "win32":
            return self.path.is_file()
        reg = self.winreg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                reg.QueryValueEx(key, NAME)
            return True
        except FileNotFoundError:
            return False

    def enable(self) -> None:
        if self.platform == "win32":
            reg = self.winreg()
            with reg.CreateKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                reg.SetValueEx(key, NAME, 0, reg.REG_SZ, self.render())
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.render(), "utf-8")

    def disable(self) -> None:
        if self.platform == "win32":
            reg = self.winreg()
            try:
                with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                    reg.DeleteValue(key, NAME)
            except FileNotFoundError:
                pass
            return
        self.path.unlink(missing_ok=True)

    def toggle(self) -> bool:
        """Flip start at login; returns the new state."""
        if self.is_enabled():
            self.disable()
        else:
            self.enable()
        return self.is_enabled()
