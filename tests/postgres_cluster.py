"""A throwaway PostgreSQL cluster for the test run: Debian's server binaries, initdb in a
temporary folder, a free port on loopback, stopped and removed at the end.

initdb refuses to run as root, so as root the cluster belongs to an unprivileged user
(Debian's ``postgres`` account, or ``nobody``) and its commands run as that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "clipset"
TEMPLATE = "clipset_template"


def server_bin() -> Path:
    """The newest installed server's bin folder (``make test`` installs ``postgresql``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL's server is not installed (apt-get install postgresql)")


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _owner() -> str | None:
    """Whom the cluster runs as: nobody special unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root, and no unprivileged user to own the test cluster")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self):
        self.bin = server_bin()
        self.user = _owner()
        self.root = Path(tempfile.mkdtemp(prefix="clipset-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = 0

    def _run(self, *args: str) -> None:
        subprocess.run(
            args, check=True, user=self.user, cwd=self.root, capture_output=True, text=True
        )

    def start(self) -> "Cluster":
        if self.user:
            shutil.chown(self.root, self.user)
        self._run(
            str(self.bin / "initdb"),
            "-D", str(self.data),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )  # fmt: skip
        # Durability is no goal here: a crashed test cluster is simply made again.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        try:
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
            )  # fmt: skip
        except subprocess.CalledProcessError as exc:
            log = (self.root / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the test PostgreSQL did not start: {exc.stderr}\n{log}")
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create(self, template: str | None = None) -> str:
        """A new database (a copy of ``template``, or empty); returns its name."""
        self._names += 1
        name = f"clipset_test_{self._names}"
        with self.admin() as conn:
            sql = f'CREATE DATABASE "{name}"'
            conn.execute(sql + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
