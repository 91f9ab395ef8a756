"""Logging: a rotating file in ``<data dir>/logs/`` plus the console.

Each process rotates its own file, so several instances on one data dir (PostgreSQL,
``clipset serve`` on other ports or other computers) must not share one: the instance
that holds the data dir's lock (the first, or the tray's) writes ``clipset.log``, every
other one ``clipset-<computer>-<port>.log``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import socket
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAIN = "clipset.log"
OTHERS = "clipset-*.log"  # the files of the instances beside the first
MAX_BYTES = 5 * 1024 * 1024
KEEP = 3
_MARK = "_clipset_handler"


def instance_name(port: int) -> str:
    """The log file of an instance beside the first: named for its computer and port
    (its process id while the port is left to the system)."""
    host = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname().split(".")[0]).strip("-")
    return f"clipset-{host or 'host'}-{port or f'pid{os.getpid()}'}.log"


def files(logs_dir: str | Path) -> list[Path]:
    """The data dir's current log files: the first instance's, then the others'."""
    folder = Path(logs_dir)
    return [folder / MAIN, *sorted(folder.glob(OTHERS))]


def setup(logs_dir: str | Path, level: str = "INFO", name: str = MAIN) -> Path:
    """Configure the root logger once per process (calling it again replaces ours)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    path = Path(logs_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=KEEP, encoding="utf-8"
        )
    ]
    if sys.stderr is not None:  # a windowed executable has no console
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        setattr(handler, _MARK, True)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(level.upper())
    return path
