"""Editing a posted video: its filmstrip, a new cover, a new trim.

Times are on the posted video's own timeline (what its player shows); the row keeps
them on the original's, as the draft's were. A cover is a frame of the processed file
(a new thumbnail and its WebP copies, no re-encode). A trim is a job: the kept original,
or else the processed file, is cut to the new range in tmp while the old file stays
playable; the new files replace the old ones only once all of them are made, so a trim
that fails or is stopped by shutdown leaves the video as it was. A process that dies
mid-trim leaves only tmp files, which start-up removes.

A video's last trim is a ``Trim`` row, so every instance answers its state (and refuses a
second trim or a cover while it runs) wherever it runs; the running instance keeps the
thread. A trim still running at start-up was left by a process that died: it is marked
failed (``recover``), as jobs go back to the queue then.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from ..errors import Conflict, ValidationFailed
from ..settings import Settings
from ..store import notify
from ..store.db import database, immediate
from ..store.models import Trim, User, Video, now
from . import captions, storage
from .catalog import find, managed, ready
from .drafts import MIN_CLIP
from .hub import Hub
from .media_files import MediaFiles
from .media_urls import THUMBNAIL_WIDTHS, MediaUrls
from .outcomes import PROGRESS_EVERY, job_options, message, ready_summary, result_columns

log = logging.getLogger(__name__)

# A trim's end this close to the video's end is its end (the slider's step and the
# container's rounding of the duration differ by a frame or so).
END_SLACK = 0.05
EDIT_RUNNING = "This video is being trimmed; wait until it is ready."
INTERRUPTED = "Clipset stopped while this trim was running; the video is as it was. Trim it again."
IDLE = {"state": "idle", "percent": 0, "error": None}  # never trimmed


class Edits:
    def __init__(self, settings: Settings, files: MediaFiles, urls: MediaUrls, events: Hub):
        self.settings = settings
        self.files = files
        self.data = files.data
        self.urls = urls
        self.events = events
        self.instance: str | None = None  # this instance's id beside others (notify.gone)
        self._lock = threading.Lock()
        self._turn = threading.Lock()  # one trim encodes at a time, beside the job pool
        self._threads: dict[int, tuple[threading.Thread, threading.Event]] = {}

    def _managed(self, user: User, video_id: str) -> Video:
        return ready(managed(user, video_id), "The video can be edited once it is ready.")

    def _idle(self, video: Video) -> None:
        """Refuses while a trim of the video runs, on any running instance."""
        row = self._settled(Trim.get_or_none(Trim.video == video.id))
        if row is not None and row.state == "running":
            raise Conflict(EDIT_RUNNING, error_code="edit_running")

    def recover(self, instances: set[str] | None = None) -> int:
        """Trims a dead process left running (at start-up alone: all of them; beside other
        instances: those of ``instances``, which stopped) are failed; returns how many."""
        running = Trim.state == "running"
        if instances is not None:
            running &= Trim.instance.in_(instances)
        return (
            Trim.update(state="failed", percent=0, error=INTERRUPTED, updated_at=now())
            .where(running)
            .execute()
        )

    def recover_stopped(self) -> int:
        """Beside other instances: the trims of those that stopped are failed."""
        stopped = notify.stopped_owners(Trim.instance, Trim.state == "running", self.instance)
        return self.recover(stopped) if stopped else 0

    def _settled(self, row: Trim | None) -> Trim | None:
        """``row``, failed first when it runs on another instance that has stopped."""
        if row is None or row.state != "running" or row.instance in (None, self.instance):
            return row
        if self.instance is None or not notify.gone({row.instance}):
            return row
        self.recover({row.instance})
        return Trim.get_or_none(Trim.video == row.video_id)

    # -- filmstrip and cover ------------------------------------------------------------
    def filmstrip(self, user: User, video_id: str) -> dict:
        """The posted video's strip (made now if it isn't yet) and a signed URL for it."""
        from .. import media  # PyAV is loaded when first needed

        video = self._managed(user, video_id)
        path = self.data.video_filmstrip_file(video.storage_key)
        if not path.is_file():
            tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex[:8]}.part")
            try:
                with self.files.local_video(video) as source:
                    media.make_filmstrip(source, tmp)
                os.replace(tmp, path)
            finally:
                storage.remove(tmp)
        duration = float(video.duration_seconds or 0)
        times = media.filmstrip_times(duration)
        signed = self.urls.issue(user, video, "filmstrip")
        return {
            **signed,
            "frames": len(times),
            "times": list(times),
            "duration": duration,
            "aspect": (video.width or 16) / (video.height or 9),
        }

    def set_cover(self, user: User, video_id: str, at: float) -> Video:
        """The frame at ``at`` seconds of the posted video becomes its cover."""
        from .. import media

        video = self._managed(user, video_id)
        self._idle(video)
        duration = float(video.duration_seconds or 0)
        if not 0 <= at <= duration:
            raise ValidationFailed(
                f"time: pick a moment inside the video (0–{duration:.2f} s)", field="time"
            )
        key = video.storage_key
        tmp = self.data.tmp / f"{key}.{uuid.uuid4().hex[:8]}.jpg"
        try:
            with self.files.local_video(video) as source:
                media.make_thumbnail(source, at, tmp)
            variants = media.make_variants(tmp, THUMBNAIL_WIDTHS)
            # The copies first: a card never pairs a new srcset with the old JPEG for long.
            for width, path in variants.items():
                os.replace(path, self.data.thumbnail_variant(key, width))
            os.replace(tmp, self.data.thumbnail_file(key))
        finally:
            storage.remove(tmp, *self.data.tmp.glob(f"{tmp.stem}.*.webp"))
        base = video.trim_start or 0.0
        Video.update(cover_time=base + at).where(Video.id == video.id).execute()
        self.files.offload(video.id)  # the new cover into the bucket, if there is one
        return find(video_id, user)

    # -- trim ---------------------------------------------------------------------------
    def trim_state(self, user: User, video_id: str) -> dict:
        video = managed(user, video_id)
        row = self._settled(Trim.get_or_none(Trim.video == video.id))
        return dict(IDLE) if row is None else _answer(row)

    def trim(self, user: User, video_id: str, start: float, end: float) -> dict:
        """Check the range, then cut the video to it in a job; answers the job's state."""
        video = self._managed(user, video_id)
        duration = float(video.duration_seconds or 0)
        if end > duration and end - duration <= END_SLACK:
            end = duration
        if not 0 <= start <= duration:
            raise ValidationFailed(
                f"start: must be between 0 and the video's length of {duration:.2f} s",
                field="start",
            )
        if not 0 <= end <= duration:
            raise ValidationFailed(
                f"end: must be between 0 and the video's length of {duration:.2f} s", field="end"
            )
        if end - start < MIN_CLIP:
            raise ValidationFailed(
                f"end: the trimmed video must be at least {MIN_CLIP} s long and end after "
                "it starts",
                field="end",
            )
        if start <= 0 and end >= duration - END_SLACK:
            raise ValidationFailed(
                "start: this range keeps the whole video; move a handle to cut something",
                field="start",
            )
        cancel = threading.Event()
        state = {"state": "running", "percent": 0, "error": None}
        with immediate():  # one trim of a video at a time, across instances
            self._idle(video)
            at = now()
            mine = {"started_at": at, "updated_at": at, "instance": self.instance}
            Trim.insert(video=video.id, **mine, **state).on_conflict(
                conflict_target=[Trim.video],
                update={**{getattr(Trim, k): v for k, v in mine.items()}, **_columns(state)},
            ).execute()
        with self._lock:
            thread = threading.Thread(
                target=self._run,
                args=(video, start, end, cancel),
                name=f"clipset-trim-{video.id}",
                daemon=True,
            )
            self._threads[video.id] = (thread, cancel)
        thread.start()
        return dict(state)

    def stop(self, timeout: float = 30) -> None:
        """Stops running trims (their videos stay as they were) and joins them."""
        with self._lock:
            running = list(self._threads.values())
        for _, cancel in running:
            cancel.set()
        for thread, _ in running:
            thread.join(timeout)

    def _publish(self, video: Video, type: str, data: dict) -> None:
        self.events.publish(
            type,
            {"video_id": video.public_id, **data},
            video_id=video.public_id,
            owner_id=video.uploader_id,
        )

    def _progress(self, video: Video):
        last = [0.0]

        def report(percent: float) -> None:
            percent = round(max(0.0, min(100.0, float(percent))), 1)
            moment = time.monotonic()
            if moment - last[0] >= PROGRESS_EVERY:  # the row, for other instances' answers
                last[0] = moment
                Trim.update(percent=percent, updated_at=now()).where(
                    Trim.video == video.id, Trim.state == "running"
                ).execute()
            self._publish(video, "video.edit_progress", {"percent": percent})

        return report

    def _run(self, video: Video, start: float, end: float, cancel: threading.Event) -> None:
        from .. import media

        key = video.storage_key
        stem = f"{key}.{uuid.uuid4().hex[:8]}"
        tmp_video = self.data.tmp / f"{stem}.mp4"
        tmp_thumb = self.data.tmp / f"{stem}.jpg"
        tmp_previews = (self.data.tmp / f"{stem}.sprite.jpg", self.data.tmp / f"{stem}.vtt")
        outcome: dict = {"state": "idle", "percent": 100, "error": None}
        try:
            with self._turn, database.connection_context():
                original = self.data.original_file(key)
                # Cut from the kept original when there is one (one generation of
                # encoding); its timeline is the row's, offset by the earlier trim.
                base = (video.trim_start or 0.0) if original.is_file() else 0.0
                offset = video.trim_start or 0.0
                cover = video.cover_time
                if cover is not None and not offset + start <= cover <= offset + end:
                    cover = None  # the old cover is cut away: chosen again automatically
                options = media.Options(
                    **job_options(
                        self.settings,
                        trim_start=base + start,
                        trim_end=base + end,
                        cover_time=None if cover is None else cover - offset + base,
                    ),
                    encoder=media.encoders.choose(self.settings.video_encoder),
                )
                with contextlib.ExitStack() as stack:
                    source = (
                        original
                        if original.is_file()
                        else stack.enter_context(self.files.local_video(video))
                    )
                    result = media.process(
                        source,
                        tmp_video,
                        tmp_thumb,
                        options,
                        progress=self._progress(video),
                        cancel=cancel,
                        dst_previews=tmp_previews,
                    )
                variants = media.make_variants(tmp_thumb, THUMBNAIL_WIDTHS)
                self._swap(video, result, tmp_video, tmp_thumb, tmp_previews, variants)
                captions.cut(video, start, end)  # timed against the cut just replaced
                Video.update(
                    trim_start=offset + start,
                    trim_end=offset + end,
                    cover_time=cover,
                    **result_columns(result),
                ).where(Video.id == video.id).execute()
                if not Video.select().where(Video.id == video.id).exists():
                    self.files.remove(key)  # deleted while trimming
                    return
                self.files.offload(video.id)
                done = Video.get_by_id(video.id)
                self._publish(video, "video.edited", ready_summary(done))
        except media.Cancelled:
            outcome = {"state": "idle", "percent": 0, "error": None}
        except Exception as exc:
            outcome = {"state": "failed", "percent": 0, "error": message(exc)}
            self._publish(video, "video.edit_failed", {"error": outcome["error"]})
        finally:
            storage.remove(
                tmp_video, tmp_thumb, *tmp_previews, *self.data.tmp.glob(f"{stem}.*.webp")
            )
            try:
                with database.connection_context():
                    self._finish(video, outcome)
            finally:
                with self._lock:
                    self._threads.pop(video.id, None)

    @staticmethod
    def _finish(video: Video, outcome: dict) -> None:
        """The trim's outcome on its row (gone with the video if it was deleted)."""
        Trim.update({Trim.updated_at: now(), **_columns(outcome)}).where(
            Trim.video == video.id
        ).execute()

    def _swap(self, video: Video, result, tmp_video: Path, tmp_thumb, tmp_previews, variants):
        """The new files in place of the old; each replace is atomic, so a player that
        has the old file open keeps reading it."""
        key = video.storage_key
        os.replace(tmp_video, self.data.video_file(key))
        os.replace(tmp_thumb, self.data.thumbnail_file(key))
        for width, path in variants.items():
            os.replace(path, self.data.thumbnail_variant(key, width))
        if result.previews and all(p.exists() for p in tmp_previews):
            self.data.previews.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_previews[0], self.data.sprite_file(key))
            os.replace(tmp_previews[1], self.data.preview_index_file(key))
        else:  # previews of the old cut would point at the wrong moments
            self.files.drop(video, "sprite", "previews")
        storage.remove(self.data.video_filmstrip_file(key))


def _columns(state: dict) -> dict:
    return {Trim.state: state["state"], Trim.percent: state["percent"], Trim.error: state["error"]}


def _answer(row: Trim) -> dict:
    return {"state": row.state, "percent": row.percent, "error": row.error}
