"""The secret key file: random, made on first run with 0600 permissions, never hard-coded.

The file may hold several keys, one hex string per line, newest last. Everything signs with
the newest and still accepts the older ones, so a key can be rotated without signing
everybody out at once (``rotate``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _write_new(path: Path, lines: list[str]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def load_or_create(path: Path) -> list[bytes]:
    """The keys, oldest first; creates the file with one new key if it is missing."""
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    if not lines:
        raise RuntimeError(f"secret key file {path} is empty")
    return [bytes.fromhex(ln) for ln in lines]


def rotate(path: Path, keep: int = 2) -> None:
    """Append a new key and keep only the newest ``keep``."""
    lines = [k.hex() for k in load_or_create(path)] + [secrets.token_hex(32)]
    _write_new(path, lines[-keep:])
