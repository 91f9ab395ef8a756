"""Logging: a rotating file in ``<data dir>/logs/clipset.log`` plus the console."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_clipset_handler"


def setup(logs_dir: str | Path, level: str = "INFO") -> Path:
    """Configure the root logger once per process (calling it again replaces ours)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    path = Path(logs_dir) / "clipset.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8"
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
