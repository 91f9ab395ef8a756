"""The worker's HTTP calls to the server: JSON requests with its token, a resumable
download of the original (byte ranges) and resumable uploads of the outputs (offsets to
the server, or parts through presigned URLs to the media store), each retried across
dropped connections."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

CHUNK = 8 * 1024 * 1024  # an upload request's body: the server writes each one whole
READ = 1024 * 1024
RETRIES = 5
BACKOFF_SECONDS = 0.5  # doubled on each retry of one call
# Parts on their way to the media store at once: a store takes them side by side, and one
# connection rarely fills the link. Each is held in memory whole (8 MiB, more for files
# over 80 GB).
PARALLEL_PARTS = 4


class Refused(Exception):
    """The server answered with an error (its status, ``error_code`` and ``detail``)."""

    def __init__(self, status: int, error_code: str, detail: str):
        super().__init__(f"{status} {error_code}: {detail}")
        self.status, self.error_code, self.detail = status, error_code, detail


class StoreUnreachable(ConnectionError):
    """The media store didn't take a part (down, or its URL out of date): retried with a
    fresh plan, then the output goes through the server instead."""


class Client:
    def __init__(self, server: str, token: str, timeout: float = 60):
        self.server = server.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _open(self, method: str, path: str, body=None, headers=None, timeout=None):
        url = path if path.startswith("http") else self.server + path
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            return urllib.request.urlopen(req, timeout=timeout or self.timeout)
        except urllib.error.HTTPError as e:
            try:
                error = json.loads(e.read() or b"{}")
            except ValueError:
                error = {}
            raise Refused(
                e.code, error.get("error_code", "error"), error.get("detail", "")
            ) from None

    def _put_part(self, url: str, chunk: bytes) -> None:
        """One part to the media store: the presigned URL is its only credential (the
        store refuses a second one, so no token goes with it)."""
        # urllib would call it a form; the store keeps the object's type from the start.
        headers = {"Content-Type": "application/octet-stream"}
        req = urllib.request.Request(url, data=chunk, method="PUT", headers=headers)
        try:
            urllib.request.urlopen(req, timeout=self.timeout).close()
        except urllib.error.HTTPError as e:
            if e.code >= 500 or e.code == 403:  # the store's trouble, or a URL out of date
                raise StoreUnreachable(f"the media store answered {e.code}") from None
            detail = e.read()[:500].decode(errors="replace")
            raise Refused(e.code, "media_store_refused", detail) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            raise StoreUnreachable(f"the media store is unreachable: {e}") from None

    def _retrying(self, call):
        """``call()``, again after a dropped connection (not after an answer)."""
        delay = BACKOFF_SECONDS
        for attempt in range(RETRIES):
            try:
                return call()
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                if attempt == RETRIES - 1:
                    raise
                log.warning("server unreachable (%s); retrying in %.1fs", e, delay)
                time.sleep(delay)
                delay *= 2

    def call(self, method: str, path: str, payload: dict | None = None, timeout=None):
        """A JSON call; the answer's JSON, or None for 204."""
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}

        def once():
            with self._open(method, path, body, headers, timeout) as r:
                raw = r.read()
                return json.loads(raw) if r.status != 204 and raw else None

        return self._retrying(once)

    def download(self, url: str, dest: Path, size: int) -> None:
        """The whole file into ``dest``, resuming with a Range from what it holds."""

        def once():
            have = dest.stat().st_size if dest.exists() else 0
            if have >= size:
                return
            with self._open("GET", url, headers={"Range": f"bytes={have}-"}) as r:
                mode = "ab" if r.status == 206 else "wb"  # 200: the server sent it all
                with open(dest, mode) as f:
                    while chunk := r.read(READ):
                        f.write(chunk)
            if dest.stat().st_size < size:
                raise ConnectionError("the download stopped short")

        self._retrying(once)

    def upload(self, path: str, src: Path, token: str | None = None) -> None:
        """``src`` to an output resource, from where the server says it stands; ``token``
        (the job's output link) lets each request carry a whole chunk."""
        size = src.stat().st_size
        patch = f"{path}?{urllib.parse.urlencode({'token': token})}" if token else path

        def offset() -> int:
            with self._open("HEAD", path) as r:
                return int(r.headers["Upload-Offset"])

        def once():
            at = offset()
            with open(src, "rb") as f:
                f.seek(at)
                while at < size or at == size == 0:
                    chunk = f.read(CHUNK)
                    headers = {
                        "Upload-Offset": str(at),
                        "Content-Type": "application/offset+octet-stream",
                    }
                    with self._open("PATCH", patch, chunk, headers) as r:
                        at = int(r.headers["Upload-Offset"])
                    if not chunk:
                        break

        self._retrying(once)

    def upload_parts(self, path: str, src: Path) -> list[str]:
        """``src`` to the media store in the parts the server plans (``path``), skipping
        those the store already holds with the same MD5; returns every part's MD5."""
        size = src.stat().st_size

        def once():
            plan = self.call("POST", path, {"size": size})
            each = plan["part_size"]

            def send(part: dict) -> str:
                with open(src, "rb") as f:  # a file of its own: the threads' positions differ
                    f.seek((part["number"] - 1) * each)
                    chunk = f.read(each)
                md5 = hashlib.md5(chunk, usedforsecurity=False).hexdigest()
                if part["etag"] != md5:
                    self._put_part(part["url"], chunk)
                return md5

            with ThreadPoolExecutor(PARALLEL_PARTS) as pool:
                try:
                    return list(pool.map(send, plan["parts"]))  # in the plan's order
                except BaseException:
                    pool.shutdown(cancel_futures=True)  # the parts not yet started
                    raise

        return self._retrying(once)
