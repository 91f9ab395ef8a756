"""The worker's loop: claim a job, fetch, process, deliver (to the server, or the outputs
the job names ``direct`` to the media store), again; a heartbeat thread holds the lease
and carries progress while a job runs."""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
import urllib.error
from pathlib import Path

from .. import media
from ..errors import ClipsetError, InsufficientStorage
from .client import Client, Refused, StoreUnreachable

log = logging.getLogger(__name__)

WAIT_SECONDS = 20  # one long poll
RETRY_SECONDS = 5  # after the server could not be reached
HEARTBEAT_MAX_SECONDS = 1.0  # often enough for a live progress bar
OUTPUTS = ("video", "thumbnail", "sprite", "previews")
SUFFIXES = {"video": "mp4", "thumbnail": "jpg", "sprite": "sprite.jpg", "previews": "vtt"}


class _Heartbeat(threading.Thread):
    """Extends the lease and sends the latest progress; a refusal (the lease ran out,
    or this worker was revoked) cancels the job."""

    def __init__(self, client: Client, base: str, lease_seconds: float, cancel: threading.Event):
        super().__init__(name="clipset-heartbeat", daemon=True)
        self.client, self.base, self.cancel = client, base, cancel
        self.interval = min(HEARTBEAT_MAX_SECONDS, lease_seconds / 3)
        self.percent: float | None = None
        self.done = threading.Event()

    def report(self, percent: float) -> None:
        self.percent = percent

    def beat(self) -> None:
        self.client.call("POST", f"{self.base}/heartbeat", {"percent": self.percent})

    def run(self) -> None:
        while not self.done.wait(self.interval):
            try:
                self.beat()
            except Refused as e:
                log.warning("heartbeat refused (%s); dropping the job", e)
                self.cancel.set()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                log.warning("heartbeat failed: %s", e)  # the lease may still hold

    def stop(self) -> None:
        self.done.set()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def hand_back(client: Client, base: str, reason: str) -> None:
    """The job back to the queue without counting a try (best effort: otherwise its lease
    lapses, which counts one)."""
    try:
        client.call("POST", f"{base}/release", {"reason": reason[:2000]})
    except (Refused, urllib.error.URLError, ConnectionError, TimeoutError) as e:
        log.warning("could not hand the job back: %s", e)


def deliver_direct(client: Client, base: str, kind: str, path: Path) -> list[str] | None:
    """An output to the media store itself: each part's MD5, or None when the store can't
    be reached (the output then goes through the server, as without a store)."""
    try:
        return client.upload_parts(f"{base}/outputs/{kind}/parts", path)
    except (StoreUnreachable, Refused) as e:
        if isinstance(e, Refused) and e.status != 502:  # 502: the server can't reach it
            raise
        log.warning("the media store is out of reach (%s); the %s goes to the server", e, kind)
        return None


def process_job(client: Client, job: dict, encoder: str, work: Path) -> bool:
    """One job from the fetch to the delivery; True if the server took the result."""
    lease = job["lease"]
    base = f"/api/workers/jobs/{lease}"
    src = work / f"{lease}.src"
    outs = {kind: work / f"{lease}.{SUFFIXES[kind]}" for kind in OUTPUTS}
    cancel = threading.Event()
    beat = _Heartbeat(client, base, job["lease_seconds"], cancel)
    beat.start()
    try:
        client.download(job["source_url"], src, job["source_size"])
        o = job["options"]
        options = media.Options(
            crf=o["crf"],
            preset=o["preset"],
            max_fps=o["max_fps"],
            surround=o["surround"],
            encoder=encoder,
            trim_start=o["trim_start"],
            trim_end=o["trim_end"],
            cover_time=o["cover_time"],
        )
        try:
            result = media.process(
                src,
                outs["video"],
                outs["thumbnail"],
                options,
                progress=beat.report,
                cancel=cancel,
                dst_previews=(outs["sprite"], outs["previews"]),
            )
        except media.Cancelled:
            return False
        except InsufficientStorage as e:  # this computer's disk, not the file
            hand_back(client, base, e.detail)
            raise
        except ClipsetError as e:  # the file's fault: the server decides what next
            client.call("POST", f"{base}/fail", {"error": e.detail})
            return False
        beat.report(99.0)  # processed: the uploader sees it while the outputs travel
        beat.beat()
        files = {}
        for kind, path in outs.items():
            if kind in ("sprite", "previews") and not result.previews:
                continue
            files[kind] = {"size": path.stat().st_size, "sha256": _sha256(path)}
            if kind in job.get("direct", ()):
                files[kind]["parts"] = deliver_direct(client, base, kind, path)
            if files[kind].get("parts") is None:
                client.upload(f"{base}/outputs/{kind}", path, job.get("output_token"))
        recorded = result.recorded_at.isoformat() if result.recorded_at else None
        summary = {
            "mode": result.mode,
            "encoder": result.encoder,
            "recorded_at": recorded,
            "captions": [
                {"language": t.language, "title": t.title, "cues": t.cues} for t in result.captions
            ],
        }
        client.call("POST", f"{base}/finish", {"result": summary, "files": files})
        return True
    except Refused as e:
        if e.status == 401:
            raise
        log.warning("job %s refused: %s", job["video_id"], e)
        return False
    except (OSError, MemoryError) as e:  # this computer's trouble (urllib's are OSErrors too)
        if not isinstance(e, urllib.error.URLError | ConnectionError | TimeoutError):
            hand_back(client, base, f"{type(e).__name__}: {e}")
        raise
    finally:
        beat.stop()
        for path in (src, *outs.values()):
            path.unlink(missing_ok=True)


def run(
    server: str,
    token: str,
    *,
    encoder: str = media.encoders.AUTO,
    stop: threading.Event | None = None,
    work_dir: Path | None = None,
    wait: float = WAIT_SECONDS,
) -> int:
    """Work jobs until ``stop`` is set (0) or the server refuses the token (1)."""
    client = Client(server, token, timeout=wait + 30)
    stop = stop or threading.Event()
    chosen = media.encoders.choose(encoder)
    own_dir = work_dir is None
    work = Path(work_dir or tempfile.mkdtemp(prefix="clipset-worker-"))
    log.info("worker for %s, encoding with %s", client.server, chosen)
    try:
        while not stop.is_set():
            try:
                job = client.call(
                    "POST", "/api/workers/jobs/claim", {"wait_seconds": wait, "encoder": chosen}
                )
                if job is not None:
                    process_job(client, job, chosen, work)
            except Refused as e:
                if e.status == 401:
                    log.error("the server refused this worker: %s", e.detail)
                    return 1
                log.warning("claim refused: %s", e)
                stop.wait(RETRY_SECONDS)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                log.warning("server unreachable: %s", e)
                stop.wait(RETRY_SECONDS)
            except Exception:  # this computer's trouble: the job's lease lapses, we go on
                log.exception("the job stopped on this worker")
                stop.wait(RETRY_SECONDS)
        return 0
    finally:
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)
