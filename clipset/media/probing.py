"""Inspect a file by its bytes: container, codecs, display size, rotation, duration."""

from __future__ import annotations

import datetime as dt
import errno
import io
from dataclasses import asdict, dataclass
from fractions import Fraction

import av

from ..errors import UnreadableMedia, UnsupportedMedia
from ..settings import FORMAT_NAMES, KNOWN_FORMATS
from . import colour
from .sniffing import looks_like_video_container, sniff_container, source_size

MIN_DURATION = 0.02  # seconds; shorter (a 1 ms single frame) is too short to process
MAX_BAD_PACKETS = 100  # undecodable packets tolerated before calling the file unreadable
# Errors PyAV raises for bad bytes. OSErrors are handled separately: they can be ours (disk full).
BAD_INPUT = (
    av.FFmpegError,
    ValueError,
    EOFError,
    UnicodeDecodeError,
    MemoryError,
    OverflowError,
    IndexError,
    ZeroDivisionError,
    RuntimeError,
)


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float
    width: int  # display size in square pixels, after rotation
    height: int
    rotation: int  # clockwise degrees to turn the stored picture for display
    fps: float | None
    video_codec: str
    pix_fmt: str | None
    audio_codec: str | None
    bitrate: int | None
    size_bytes: int
    # Width of a stored pixel over its height (DV and DVD footage: 8:9, 32:27, ...).
    pixel_aspect: float = 1.0
    # Colour as tagged (None when untagged), in FFmpeg's names: "bt709", "arib-std-b67"...
    colour_primaries: str | None = None
    colour_transfer: str | None = None
    colour_matrix: str | None = None
    colour_range: str | None = None  # "tv" (limited) or "pc" (full)
    interlaced: bool = False
    recorded_at: dt.datetime | None = None  # when the camera says it was shot, naive UTC

    def as_dict(self) -> dict:
        """JSON-ready (a draft stores it): the date as ISO 8601 UTC."""
        values = asdict(self)
        if self.recorded_at is not None:
            values["recorded_at"] = self.recorded_at.isoformat() + "Z"
        return values


def _open(path):
    try:
        return av.open(path if hasattr(path, "read") else str(path), metadata_errors="replace")
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except (OSError, *BAD_INPUT) as e:
        if looks_like_video_container(path):
            raise UnreadableMedia(
                "This video file is damaged or incomplete and could not be read."
            ) from e
        raise UnsupportedMedia(
            "This file is not a video we can read. Upload an MP4, MOV, MKV, WebM, AVI, "
            "AVCHD (MTS), 3GP, MPG/VOB, DV or animated GIF video."
        ) from e


def video_stream(container):
    for s in container.streams.video:
        if not (s.disposition & av.stream.Disposition.attached_pic):
            return s
    return None


def _first_frame(container, stream):
    """Decode the first video frame (proof the file is readable), or None."""
    bad = 0
    for packet in container.demux(stream):
        try:
            for frame in packet.decode():
                return frame
        except BAD_INPUT:
            bad += 1
            if bad > MAX_BAD_PACKETS:
                return None
    try:
        for frame in stream.decode(None):
            return frame
    except BAD_INPUT:
        pass
    return None


def _clockwise(frame) -> int:
    """Display rotation in clockwise degrees, snapped to a quarter turn."""
    try:
        ccw = frame.rotation or 0
    except BAD_INPUT:
        return 0
    return int(round(-ccw / 90.0)) * 90 % 360


def _duration(container, stream) -> float:
    # The container's figure spans all tracks, as a player shows it.
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        d = float(stream.duration * stream.time_base)
        if d > 0:
            return d
    # Some live recordings carry no duration: read it from the last timestamp.
    last = None
    for packet in container.demux(stream):
        if packet.pts is not None:
            end = packet.pts + (packet.duration or 0)
            last = end if last is None else max(last, end)
    start = stream.start_time or 0
    return float((last - start) * stream.time_base) if last is not None else 0.0


def frame_rate(stream) -> Fraction | None:
    rate = stream.average_rate or stream.guessed_rate
    return rate if rate and 0 < rate < 1000 else None


def probe(path, *, accepted_formats=None, max_side: int = 8192, max_duration=None) -> Probe:
    """Inspect a file by its bytes; raise UnsupportedMedia (415) or UnreadableMedia (422).

    ``path`` is a file's path, or a seekable binary file (an object in a bucket, read by
    ranges). ``accepted_formats`` defaults to all of KNOWN_FORMATS."""
    accepted = tuple(accepted_formats) if accepted_formats is not None else KNOWN_FORMATS
    source = path if hasattr(path, "read") else str(path)
    return probe_file(source, accepted, max_side, max_duration)


def probe_file(path, accepted: tuple | None, max_side: int, max_duration) -> Probe:
    size = source_size(path)
    if size == 0:
        raise UnreadableMedia("The file is empty.")
    container = _open(path)
    try:
        try:
            name = sniff_container(path, container.format.name)
            if accepted is not None and name not in accepted:
                raise UnsupportedMedia(
                    f"{format_name_of(name)} files are not accepted here. Accepted "
                    f"formats: {', '.join(format_name_of(a) for a in accepted)}."
                )
            stream = video_stream(container)
            if stream is None:
                if container.streams.audio:
                    raise UnsupportedMedia("This file has sound but no video.")
                raise UnsupportedMedia("This file contains no video.")
            ctx = stream.codec_context
            if ctx is None or not ctx.codec or ctx.codec.name in ("", "none"):
                raise UnsupportedMedia("The video in this file uses a codec we cannot decode.")
            stream.thread_type = "AUTO"
            audio = container.streams.audio[0] if container.streams.audio else None
            audio_codec = (
                audio.codec_context.codec.canonical_name if audio and audio.codec_context else None
            )
            fps = frame_rate(stream)
            frame = _first_frame(container, stream)
            duration = _duration(container, stream)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise UnreadableMedia("This video file could not be read.") from e
        except BAD_INPUT as e:
            raise UnreadableMedia("This video file is damaged and could not be read.") from e
        if frame is None:
            raise UnreadableMedia(
                "No picture could be decoded from this video; the file is damaged or incomplete."
            )
        rotation = _clockwise(frame)
        aspect = _pixel_aspect(stream)
        w, h = max(1, round(frame.width * aspect)), frame.height
        if rotation in (90, 270):
            w, h = h, w
        if max(w, h) > max_side:
            raise UnreadableMedia(
                f"The video is {w}x{h}; at most {max_side} pixels on a side are supported."
            )
        if duration <= 0:
            raise UnreadableMedia("The video's length could not be determined.")
        if duration < MIN_DURATION:
            raise UnreadableMedia(
                f"The video is {duration * 1000:.0f} ms long: too short to process."
            )
        if max_duration is not None and duration > max_duration:
            raise UnreadableMedia(
                f"The video is {_clock(duration)} long; the longest "
                f"allowed is {_clock(max_duration)}."
            )
        return Probe(
            container=name,
            duration=round(duration, 3),
            width=w,
            height=h,
            rotation=rotation,
            fps=round(float(fps), 3) if fps else None,
            video_codec=ctx.codec.canonical_name,
            pix_fmt=frame.format.name,
            audio_codec=audio_codec,
            bitrate=container.bit_rate or None,
            size_bytes=size,
            pixel_aspect=round(float(aspect), 6),
            recorded_at=_recorded_at(container, stream),
            **_colour(ctx, frame),
        )
    finally:
        container.close()


# Where cameras put the moment of recording, most precise first: Apple's key carries the
# local time zone, creation_time is UTC (MP4 mvhd, Matroska DateUTC).
_DATE_KEYS = ("com.apple.quicktime.creationdate", "creation_time", "date")
_EARLIEST = dt.datetime(1971, 1, 1)  # 0 in an MP4 or Unix clock means "not set"


def _recorded_at(container, stream) -> dt.datetime | None:
    for metadata in (container.metadata, stream.metadata):
        for key in _DATE_KEYS:
            when = _parse_date(metadata.get(key))
            if when is not None:
                return when
    return None


def _parse_date(text) -> dt.datetime | None:
    if not text or not isinstance(text, str):
        return None
    text = text.strip().replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # Apple writes +0200
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    latest = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=2)
    return when if _EARLIEST <= when <= latest else None


def _colour(ctx, frame) -> dict:
    """Colour tags and interlacing, from the frame or else the stream's parameters."""

    def pick(attr, table):
        return colour.name(table, getattr(frame, attr, None)) or colour.name(
            table, getattr(ctx, attr, None)
        )

    try:
        field_order = int(getattr(ctx, "field_order", 0) or 0)
    except (TypeError, ValueError):
        field_order = 0
    # AVFieldOrder: 2..5 are the interlaced orders (TT, BB, TB, BT).
    interlaced = bool(getattr(frame, "interlaced_frame", False)) or 2 <= field_order <= 5
    return {
        "colour_primaries": pick("color_primaries", colour.PRIMARIES),
        "colour_transfer": pick("color_trc", colour.TRANSFERS),
        "colour_matrix": pick("colorspace", colour.MATRICES),
        "colour_range": pick("color_range", colour.RANGES),
        "interlaced": interlaced,
    }


def _pixel_aspect(stream) -> Fraction:
    """The stored pixels' shape; 1 when unknown or implausible (a damaged header)."""
    aspect = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    if not aspect or not Fraction(1, 4) <= aspect <= 4:
        return Fraction(1)
    return Fraction(aspect)


def format_name_of(name: str) -> str:
    """What people call a container ("AVCHD camcorder file"), not its demuxer's name."""
    return FORMAT_NAMES.get(name, name.upper())


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def verify(path) -> Probe:
    """Probe a processed output (a path or a seekable binary file) and check it is what
    browsers play."""
    p = probe(path, accepted_formats=("mp4",), max_side=1 << 16)
    if p.video_codec != "h264" or p.pix_fmt != "yuv420p" or p.audio_codec not in (None, "aac"):
        raise UnreadableMedia(
            f"The processed video is not H.264/AAC yuv420p "
            f"({p.video_codec}/{p.audio_codec}/{p.pix_fmt})."
        )
    return p


# Enough of a file's start for any container we accept to show what it is.
HEAD_BYTES = 1024 * 1024


def check_head(path) -> None:
    """Raise UnsupportedMedia if the file's first bytes (all of it if it is shorter than
    HEAD_BYTES) are clearly not a video container, so an upload can be refused early.

    Lenient on purpose: a head with the magic of a container we accept always passes,
    since some keep their index at the end (mp4 with moov last) and can't be opened yet;
    the full probe after the upload decides the rest."""
    path = str(path)
    if looks_like_video_container(path):
        return
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    try:
        container = av.open(io.BytesIO(head), metadata_errors="replace")
    except (OSError, *BAD_INPUT) as e:
        raise UnsupportedMedia(
            "This file is not a video: its first bytes are not any video format we know. "
            "Upload an MP4, MOV, M4V, MKV, WebM or AVI video."
        ) from e
    try:
        if container.format.name.endswith("_pipe") or container.format.name == "image2":
            raise UnsupportedMedia("This file is a picture, not a video.")
        if video_stream(container) is None:
            if container.streams.audio:
                raise UnsupportedMedia("This file has sound but no video.")
            raise UnsupportedMedia("This file contains no video.")
    finally:
        container.close()
