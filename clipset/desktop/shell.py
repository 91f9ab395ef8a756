"""Small desktop integrations the tray needs: the clipboard and the file manager."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def _clipboard_commands(platform: str) -> list[list[str]]:
    if platform == "win32":
        return [["clip"]]
    if platform == "darwin":
        return [["pbcopy"]]
    return [["wl-copy"], ["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]


def copy_text(text: str, platform: str = sys.platform) -> bool:
    """Put ``text`` on the clipboard with the platform's own tool; False if none works."""
    for command in _clipboard_commands(platform):
        if shutil.which(command[0]) is None:
            continue
        try:
            subprocess.run(
                command,
                input=text.encode("utf-8"),
                check=True,
                timeout=5,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            return True
        except (OSError, subprocess.SubprocessError) as exc:
            log.info("clipboard: %s failed: %s", command[0], exc)
    log.warning("No clipboard tool found; the address is %s", text)
    return False


def open_folder(path: str | Path, platform: str = sys.platform) -> None:
    path = str(path)
    if platform == "win32":
        os.startfile(path)
        return
    opener = "open" if platform == "darwin" else "xdg-open"
    try:
        subprocess.Popen([opener, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        log.warning("Cannot open %s: %s", path, exc)
