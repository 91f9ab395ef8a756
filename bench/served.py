"""A Clipset server in a child process for a bench: its own data dir and settings, on a
free loopback port, stopped when the bench leaves the block. The bench's clients run in
the parent, so the server's threads and the clients' don't share one interpreter."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, os, sys
settings, cores = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if cores:
    os.sched_setaffinity(0, set(cores))
from clipset.app import create_app
from clipset.serve.server import Server
server = Server(create_app(settings), host="127.0.0.1", port=0)
print(server.port, flush=True)
server.serve_forever()
"""

# Never the tray or a browser, and only warnings in the bench's output.
QUIET = {"tray": False, "open_browser": False, "log_level": "WARNING"}


@contextlib.contextmanager
def served(data_dir, cores: set[int] | None = None, **settings):
    """Yields the port of a server on ``data_dir`` with these settings (held to ``cores``
    when given: a bench that measures CPU shares gives the server its own)."""
    with served_process(data_dir, cores, **settings) as (port, _):
        yield port


@contextlib.contextmanager
def served_process(data_dir, cores: set[int] | None = None, **settings):
    """As ``served``, yielding (port, pid): for a bench that reads the server's CPU time."""
    config = {**QUIET, "data_dir": str(data_dir), **settings}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, json.dumps(config), json.dumps(sorted(cores or ()))],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"the server did not start (exit code {child.wait(30)})")
        yield int(line), child.pid
    finally:
        child.terminate()
        child.wait(30)
