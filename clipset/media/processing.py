"""Make the browser-ready MP4 and thumbnail: remux when possible, otherwise transcode."""

from __future__ import annotations

import errno
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

import av
import av.filter

from ..errors import InsufficientStorage, UnreadableMedia, ValidationFailed
from . import captions, colour, encoders, previews
from .frames import decimation, fit_size, save_thumbnail, upright_frames
from .probing import (
    BAD_INPUT,
    MIN_DURATION,
    Probe,
    probe_file,
    verify,
    video_stream,
)
from .transcode import out_container as _out_container
from .transcode import transcode as _transcode

_REMUX_FROM = {"mp4", "mov", "m4v", "mkv", "3gp"}  # containers whose H.264 timestamps copy cleanly
_PROGRESS_EVERY = 0.25  # seconds between progress callbacks


class Cancelled(Exception):
    """Processing was stopped through the ``cancel`` event."""


@dataclass(frozen=True)
class Options:
    crf: int = 23
    preset: str = "medium"
    trim_start: float | None = None  # seconds on the source's timeline
    trim_end: float | None = None
    cover_time: float | None = None  # seconds on the source's timeline
    # The output box, at most 1080p (turned to a portrait clip's orientation by fit_size).
    max_width: int = 1920
    max_height: int = 1080
    threads: int = 0
    force_transcode: bool = False
    audio_bitrate: int = 128_000  # for stereo; mono gets half, 5.1 three times as much
    surround: str = "stereo"  # audio.SURROUND_CHOICES: downmix 5.1/7.1, or keep it
    encoder: str = encoders.SOFTWARE  # an H.264 encoder's name (encoders.choose picks one)
    thumbnail_max_width: int = 1280
    max_fps: float = 60.0  # higher frame rates are decimated to a whole fraction of theirs


@dataclass(frozen=True)
class Result:
    mode: str  # "transcode" | "remux"
    duration: float
    width: int
    height: int
    fps: float | None
    video_codec: str
    audio_codec: str | None
    bitrate: int | None
    size_bytes: int
    recorded_at: object = None  # datetime from the source's tags (naive UTC), or None
    encoder: str | None = None  # the H.264 encoder that made it; None for a remux
    captions: tuple = ()  # captions.Track of each text subtitle track, on the output's timeline
    previews: bool = False  # whether the sprite sheet and its index were written

    @classmethod
    def of(cls, out: Probe, mode: str, **rest) -> "Result":
        """The result for the output file ``out`` (a probe of it) made by ``mode``."""
        return cls(
            mode=mode,
            duration=out.duration,
            width=out.width,
            height=out.height,
            fps=out.fps,
            video_codec=out.video_codec,
            audio_codec=out.audio_codec,
            bitrate=out.bitrate,
            size_bytes=out.size_bytes,
            **rest,
        )


def needs_transcode(p: Probe, options: Options) -> bool:
    # A rotation tag alone is no reason: a remux keeps it and browsers apply it, so
    # phone clips (H.264 + AAC, tagged portrait) are copied, not re-encoded. The size
    # checks use the displayed size, so the box stays orientation-aware.
    return (
        options.force_transcode
        or options.trim_start
        or options.trim_end is not None
        or p.container not in _REMUX_FROM
        or p.video_codec != "h264"
        or p.pix_fmt != "yuv420p"
        or p.audio_codec not in (None, "aac")
        or p.pixel_aspect != 1  # the output has square pixels: sizes mean what they say
        or _colour_needs_transcode(p)
        or p.interlaced
        or decimation(p.fps, options.max_fps) is not None
        or p.width % 2
        or p.height % 2
        or fit_size(p.width, p.height, options.max_width, options.max_height)
        != (p.width, p.height)
    )


def _colour_needs_transcode(p: Probe) -> bool:
    # HDR is tone-mapped; full range is made limited (players disagree on the flag);
    # BT.601-matrix HD is converted to BT.709, the matrix players assume for HD.
    return (
        colour.is_hdr(p.colour_transfer)
        or colour.is_full_range(p.pix_fmt, p.colour_range)
        or (
            p.colour_matrix in ("smpte170m", "bt470bg")
            and min(p.width, p.height) >= colour.HD_HEIGHT
        )
    )


class _Progress:
    """Throttled progress reporting and cancellation for one job."""

    def __init__(self, callback, cancel, start: float, end: float):
        self.callback, self.cancel = callback, cancel
        self.start, self.span = start, max(end - start, 1e-3)
        self.last = 0.0

    def at(self, seconds: float):
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()
        if self.callback is not None and time.monotonic() - self.last >= _PROGRESS_EVERY:
            self.last = time.monotonic()
            self.callback(max(0.0, min(99.0, 100.0 * (seconds - self.start) / self.span)))


def process(
    src,
    dst_video,
    dst_thumbnail,
    options: Options = Options(),
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    dst_previews: tuple | None = None,
) -> Result:
    """Make a browser-ready MP4 and a JPEG thumbnail, and with ``dst_previews`` (sheet,
    index) the seek previews. Removes its outputs on failure."""
    src, dst_video, dst_thumbnail = str(src), str(dst_video), str(dst_thumbnail)
    outputs = [dst_video, dst_thumbnail, *(str(d) for d in dst_previews or ())]
    # The caller already applied its format and size limits when the file was uploaded.
    p = probe_file(src, None, 1 << 16, None)
    start = max(0.0, options.trim_start or 0.0)
    end = min(p.duration, options.trim_end) if options.trim_end is not None else p.duration
    if end - start < MIN_DURATION and options.trim_start is None and options.trim_end is None:
        raise UnreadableMedia("The video is too short to process.")
    if end - start < MIN_DURATION:
        raise ValidationFailed(
            "The trim leaves nothing of the video: trim_end must be after "
            "trim_start and inside the video.",
            field="trim_end",
        )
    cover = options.cover_time
    cover = start + min(1.0, 0.1 * (end - start)) if cover is None else cover
    cover = min(max(cover, start), max(start, end - 0.05))
    tracker = _Progress(progress, cancel, start, end)
    mode = "transcode" if needs_transcode(p, options) else "remux"
    size = fit_size(p.width, p.height, options.max_width, options.max_height)
    sprites = None
    try:
        try:
            encoder = None
            if mode == "remux":
                remux(src, dst_video, tracker)
                _thumbnail_from_file(src, cover, dst_thumbnail, options, p)
                if dst_previews:
                    sprites = previews.for_remux(src, p, end - start)
            else:
                encoder = options.encoder

                def transcode(encoder: str) -> None:
                    nonlocal sprites
                    # Taken from the frames the transcode encodes: no second decode.
                    sprites = previews.Sprites(end - start, size) if dst_previews else None
                    args = (src, dst_video, dst_thumbnail, p, options, start, end, cover)
                    _transcode(*args, tracker, encoder, sprites=sprites)

                try:
                    transcode(encoder)
                except encoders.EncoderFailed as e:
                    # The hardware, not the file: redo it in software (the output is
                    # rewritten from the start), and stop using that encoder.
                    encoders.failed(e.encoder)
                    encoder = encoders.SOFTWARE
                    transcode(encoder)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise InsufficientStorage("The disk filled up while processing the video.") from e
            if not isinstance(e, av.FFmpegError) or isinstance(
                e, (FileNotFoundError, PermissionError, IsADirectoryError)
            ):
                raise  # our side's I/O problem, not the file's
            raise UnreadableMedia("The video could not be processed: the file is damaged.") from e
        except BAD_INPUT as e:
            raise UnreadableMedia("The video could not be processed: the file is damaged.") from e
        out = verify(dst_video)
        made_previews = sprites is not None and sprites.save(*map(str, dst_previews))
        tracks = tuple(captions.extract(src, start, end))
    except BaseException:
        for path in outputs:
            try:
                os.remove(path)
            except OSError:
                pass
        raise
    if progress is not None:
        progress(100.0)
    return Result.of(
        out,
        mode,
        recorded_at=p.recorded_at,
        encoder=encoder,
        captions=tracks,
        previews=made_previews,
    )


def remux(src: str, dst: str, tracker: _Progress | None = None, *, cancel=None):
    """Stream-copy the picture and sound of ``src`` into a faststart MP4 (the output of a
    remux, and the stand-in played while processing runs)."""
    tracker = tracker or _Progress(None, cancel, 0.0, 1.0)
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = video_stream(inp)
        ain = inp.streams.audio[0] if inp.streams.audio else None
        out = _out_container(dst)
        try:
            mapping = {vin.index: out.add_stream_from_template(vin)}
            if vin.codec_context.name == "hevc":
                # Safari plays HEVC in MP4 only as hvc1 (parameter sets in the header);
                # FFmpeg's MP4 muxer would write hev1.
                mapping[vin.index].codec_context.codec_tag = "hvc1"
            if ain is not None:
                mapping[ain.index] = out.add_stream_from_template(ain)
            for stream in (vin, ain):
                # The template copies codec parameters, not tags; the language is wanted
                # (and nothing else: tags can say where a clip was shot).
                language = stream.metadata.get("language") if stream is not None else None
                if language and language != "und":
                    mapping[stream.index].metadata["language"] = language
            for packet in inp.demux(*[s for s in (vin, ain) if s is not None]):
                if packet.dts is None and packet.pts is None:
                    continue  # the demuxer's end-of-stream marker
                if packet.stream_index == vin.index and packet.pts is not None:
                    tracker.at(float(packet.pts * packet.time_base))
                packet.stream = mapping[packet.stream_index]
                out.mux(packet)
        finally:
            out.close()
    finally:
        inp.close()


def make_thumbnail(src, at: float, dst, options: Options = Options()) -> None:
    """A new cover for a processed video: the frame at ``at`` seconds as its JPEG
    thumbnail, the file itself untouched (no re-encode)."""
    src = str(src)
    p = probe_file(src, None, 1 << 16, None)
    try:
        _thumbnail_from_file(src, at, str(dst), options, p)
    except BAD_INPUT as e:
        raise UnreadableMedia("The video's frame could not be read for its cover.") from e


def _thumbnail_from_file(src: str, cover: float, dst: str, options: Options, p: Probe):
    for shaped in upright_frames(src, p, (cover,), "thumbnail"):
        save_thumbnail(shaped, dst, options.thumbnail_max_width)
