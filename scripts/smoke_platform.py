"""The per-OS parts of the smoke test (scripts/smoke_binary.py): where the data dir lands,
who may read the secret key, where start at login is written, and a stand-in browser.

Linux and macOS run the executable with HOME in a temporary folder, so the real default
location is exercised without touching the user's own. Windows resolves %LOCALAPPDATA%
through the shell, not the environment: there the real folder is used only when it does
not exist yet (a fresh machine, as in CI), and removed afterwards.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

WINDOWS = sys.platform == "win32"
# Accounts whose access to the secret key would let others on the machine forge sign-ins.
BROAD_ACCOUNTS = ("Everyone", "BUILTIN\\Users", "Authenticated Users", "NT AUTHORITY\\INTERACTIVE")


def environment(tmp: Path) -> tuple[dict, Path | None]:
    """The child's environment and the data dir it must choose by itself (None: the
    default can't be checked here without touching the user's own; use --data-dir)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CLIPSET_"))}
    if WINDOWS:
        expected = Path(os.environ["LOCALAPPDATA"]) / "Clipset"
        return env, None if expected.exists() else expected
    home = tmp / "home"
    home.mkdir()
    env["HOME"] = str(home)
    if sys.platform == "darwin":
        return env, home / "Library" / "Application Support" / "Clipset"
    return env, home / ".local" / "share" / "Clipset"


def secret_key_private(path: Path) -> str:
    """How the key file is protected; raises SystemExit when others could read it."""
    if not path.is_file():
        raise SystemExit(f"no secret key at {path}")
    if not WINDOWS:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != 0o600:
            raise SystemExit(f"secret key permissions are {mode:o}, not 600")
        return "0600"
    acl = subprocess.run(["icacls", str(path)], capture_output=True, text=True, check=True).stdout
    broad = [name for name in BROAD_ACCOUNTS if name.lower() in acl.lower()]
    user = os.environ.get("USERNAME", "")
    if broad or user.lower() not in acl.lower():
        raise SystemExit(f"secret key ACL grants {broad or 'not the user'}:\n{acl}")
    return f"ACL: {user} and system accounts only"


class StartAtLogin:
    """Where start at login shows up for the child: a file under its HOME, or the Run key."""

    def __init__(self, env: dict):
        from clipset.desktop.autostart import Autostart

        home = Path(env["HOME"]) if "HOME" in env else None
        self.path = Autostart([], home=home, environ=env).path  # None on Windows

    def where(self) -> str:
        from clipset.desktop.autostart import NAME, RUN_KEY

        return f"HKCU\\{RUN_KEY}\\{NAME}" if self.path is None else str(self.path)

    def entry(self) -> str | None:
        if self.path is not None:
            return self.path.read_text("utf-8") if self.path.is_file() else None
        import winreg

        from clipset.desktop.autostart import NAME, RUN_KEY

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                return winreg.QueryValueEx(key, NAME)[0]
        except FileNotFoundError:
            return None


def app_metadata(executable: Path) -> str:
    """The version (and on macOS the menu-bar and bundle id settings) the system shows."""
    from clipset import __version__
    from clipset.desktop.autostart import APP_ID

    if WINDOWS:
        shown = subprocess.run(
            [
                "powershell",
                "-NoProfile",
                "-Command",
                f"(Get-Item -LiteralPath '{executable}').VersionInfo.ProductVersion",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if shown != __version__:
            raise SystemExit(f"the version resource says {shown!r}, not {__version__}")
        return f"version resource {shown}"
    plist = executable.parent.parent / "Info.plist"
    if sys.platform != "darwin" or not plist.is_file():
        return "none (not an app bundle)"
    import plistlib

    info = plistlib.loads(plist.read_bytes())
    wanted = {
        "CFBundleIdentifier": APP_ID,
        "CFBundleShortVersionString": __version__,
        "LSUIElement": True,
    }
    wrong = {k: info.get(k) for k, v in wanted.items() if info.get(k) != v}
    if wrong:
        raise SystemExit(f"Info.plist has {wrong}, wanted {wanted}")
    return f"Info.plist {APP_ID} {__version__}, menu-bar only"


def browser_recorder(tmp: Path) -> tuple[str, Path]:
    """A program to set as BROWSER: it writes the URL it is given to a file."""
    record = tmp / "opened.txt"
    if WINDOWS:
        program = tmp / "browser.cmd"
        program.write_text(f'@echo %~1>>"{record}"\r\n')
    else:
        program = tmp / "browser.sh"
        program.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{record}'\n")
        program.chmod(0o755)
    return str(program), record
