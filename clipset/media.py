"""Probe, transcode and remux video with PyAV. The only module that imports ``av``.

Outputs are H.264 yuv420p + AAC in MP4 with the moov atom first, fitted inside
1920x1080 (orientation-aware), never upscaled, rotation applied to the pixels.
Input that is already H.264 yuv420p + AAC/no audio, upright and within the box is
stream-copied instead (``Result.mode == "remux"``). Rotated input is always
re-encoded: the output is then upright for every player, and the stored width,
height and thumbnail agree with what is shown.
"""
from __future__ import annotations

import errno
import os
import threading
import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Callable

import av
import av.filter

from .errors import InsufficientStorage, UnreadableMedia, UnsupportedMedia, ValidationFailed

KNOWN_FORMATS = ("mp4", "mov", "m4v", "mkv", "webm", "avi")
_REMUX_FROM = {"mp4", "mov", "m4v", "mkv"}  # containers whose H.264 timestamps copy cleanly
_AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
_PROGRESS_EVERY = 0.25  # seconds between progress callbacks
_MAX_BAD_PACKETS = 100  # undecodable packets tolerated before calling the file unreadable
# Errors PyAV raises for bad bytes. OSErrors are handled separately: they can be ours (disk full).
_BAD_INPUT = (av.FFmpegError, ValueError, EOFError, UnicodeDecodeError, MemoryError,
              OverflowError, IndexError, ZeroDivisionError, RuntimeError)


class Cancelled(Exception):
    """Processing was stopped through the ``cancel`` event."""


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float
    width: int  # display size, after rotation
    height: int
    rotation: int  # clockwise degrees to turn the stored picture for display
    fps: float | None
    video_codec: str
    pix_fmt: str | None
    audio_codec: str | None
    bitrate: int | None
    size_bytes: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Options:
    crf: int = 23
    preset: str = "medium"
    trim_start: float | None = None  # seconds on the source's timeline
    trim_end: float | None = None
    cover_time: float | None = None  # seconds on the source's timeline
    max_width: int = 1920
    max_height: int = 1080
    threads: int = 0
    force_transcode: bool = False
    audio_bitrate: int = 128_000
    thumbnail_max_width: int = 1280


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


# ---------------------------------------------------------------- probing

def _sniff_container(path: str, format_name: str) -> str:
    """Our container name from the demuxer and the file's own header bytes."""
    names = format_name.split(",")
    if "avi" in names:
        return "avi"
    with open(path, "rb") as f:
        head = f.read(64)
    if "matroska" in names:
        return "webm" if b"webm" in head else "mkv"
    if "mov" in names:
        if head[4:8] != b"ftyp":
            return "mov"  # old QuickTime files have no ftyp
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand.startswith(b"M4V"):
            return "m4v"
        if brand.startswith((b"3gp", b"3g2")):
            return "3gp"
        return "mp4"
    return names[0]


def _looks_like_video_container(path: str) -> bool:
    """Header magic of the containers we accept, to tell "damaged" from "not a video"."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return (head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
            or head[:4] == b"\x1a\x45\xdf\xa3"
            or (head[:4] == b"RIFF" and head[8:12] == b"AVI "))


def _open(path: str):
    try:
        return av.open(str(path), metadata_errors="replace")
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except (OSError, *_BAD_INPUT) as e:
        if _looks_like_video_container(str(path)):
            raise UnreadableMedia(
                "This video file is damaged or incomplete and could not be read.") from e
        raise UnsupportedMedia(
            "This file is not a video we can read. Upload an MP4, MOV, M4V, MKV, WebM "
            "or AVI video.") from e


def _video_stream(container):
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
        except _BAD_INPUT:
            bad += 1
            if bad > _MAX_BAD_PACKETS:
                return None
    try:
        for frame in stream.decode(None):
            return frame
    except _BAD_INPUT:
        pass
    return None


def _clockwise(frame) -> int:
    """Display rotation in clockwise degrees, snapped to a quarter turn."""
    try:
        ccw = frame.rotation or 0
    except _BAD_INPUT:
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


def _rate(stream) -> Fraction | None:
    rate = stream.average_rate or stream.guessed_rate
    return rate if rate and 0 < rate < 1000 else None


def probe(path, *, accepted_formats=None, max_side: int = 8192, max_duration=None) -> Probe:
    """Inspect a file by its bytes; raise UnsupportedMedia (415) or UnreadableMedia (422).

    ``accepted_formats`` defaults to all of KNOWN_FORMATS."""
    accepted = tuple(accepted_formats) if accepted_formats is not None else KNOWN_FORMATS
    return _probe(str(path), accepted, max_side, max_duration)


def _probe(path: str, accepted: tuple | None, max_side: int, max_duration) -> Probe:
    size = os.path.getsize(path)
    if size == 0:
        raise UnreadableMedia("The file is empty.")
    container = _open(path)
    try:
        try:
            name = _sniff_container(path, container.format.name)
            if accepted is not None and name not in accepted:
                raise UnsupportedMedia(
                    f"{name.upper()} files are not accepted here. Accepted formats: "
                    f"{', '.join(accepted)}.")
            stream = _video_stream(container)
            if stream is None:
                if container.streams.audio:
                    raise UnsupportedMedia("This file has sound but no video.")
                raise UnsupportedMedia("This file contains no video.")
            ctx = stream.codec_context
            if ctx is None or not ctx.codec or ctx.codec.name in ("", "none"):
                raise UnsupportedMedia("The video in this file uses a codec we cannot decode.")
            stream.thread_type = "AUTO"
            audio = container.streams.audio[0] if container.streams.audio else None
            audio_codec = (audio.codec_context.codec.canonical_name
                           if audio and audio.codec_context else None)
            fps = _rate(stream)
            frame = _first_frame(container, stream)
            duration = _duration(container, stream)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise UnreadableMedia("This video file could not be read.") from e
        except _BAD_INPUT as e:
            raise UnreadableMedia("This video file is damaged and could not be read.") from e
        if frame is None:
            raise UnreadableMedia("No picture could be decoded from this video; "
                                  "the file is damaged or incomplete.")
        rotation = _clockwise(frame)
        w, h = frame.width, frame.height
        if rotation in (90, 270):
            w, h = h, w
        if max(w, h) > max_side:
            raise UnreadableMedia(f"The video is {w}x{h}; at most {max_side} pixels on a "
                                  "side are supported.")
        if duration <= 0:
            raise UnreadableMedia("The video's length could not be determined.")
        if max_duration is not None and duration > max_duration:
            raise UnreadableMedia(f"The video is {_clock(duration)} long; the longest "
                                  f"allowed is {_clock(max_duration)}.")
        return Probe(container=name, duration=round(duration, 3), width=w, height=h,
                     rotation=rotation, fps=round(float(fps), 3) if fps else None,
                     video_codec=ctx.codec.canonical_name, pix_fmt=frame.format.name,
                     audio_codec=audio_codec, bitrate=container.bit_rate or None,
                     size_bytes=size)
    finally:
        container.close()


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def verify(path) -> Probe:
    """Probe a processed output and check it is what browsers play."""
    p = probe(path, accepted_formats=("mp4",), max_side=1 << 16)
    if p.video_codec != "h264" or p.pix_fmt != "yuv420p" or p.audio_codec not in (None, "aac"):
        raise UnreadableMedia(f"The processed video is not H.264/AAC yuv420p "
                              f"({p.video_codec}/{p.audio_codec}/{p.pix_fmt}).")
    return p


# ---------------------------------------------------------------- processing

def fit_size(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """Fit inside the box turned to the clip's orientation; never upscale; even sides."""
    box_w, box_h = (max_width, max_height) if width >= height else (min(max_width, max_height),
                                                                    max(max_width, max_height))
    scale = min(1.0, box_w / width, box_h / height)
    even = lambda v: max(2, int(v * scale + 1e-6) // 2 * 2)  # noqa: E731
    return even(width), even(height)


def needs_transcode(p: Probe, options: Options) -> bool:
    return (options.force_transcode or options.trim_start or options.trim_end is not None
            or p.container not in _REMUX_FROM or p.video_codec != "h264"
            or p.pix_fmt != "yuv420p" or p.audio_codec not in (None, "aac")
            or p.rotation != 0 or p.width % 2 or p.height % 2
            or fit_size(p.width, p.height, options.max_width, options.max_height)
            != (p.width, p.height))


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


def process(src, dst_video, dst_thumbnail, options: Options = Options(),
            progress: Callable[[float], None] | None = None,
            cancel: threading.Event | None = None) -> Result:
    """Make a browser-ready MP4 and a JPEG thumbnail. Removes its outputs on failure."""
    src, dst_video, dst_thumbnail = str(src), str(dst_video), str(dst_thumbnail)
    # The caller already applied its format and size limits when the file was uploaded.
    p = _probe(src, None, 1 << 16, None)
    start = max(0.0, options.trim_start or 0.0)
    end = min(p.duration, options.trim_end) if options.trim_end is not None else p.duration
    if end - start <= 0.01:
        raise ValidationFailed("The trim leaves nothing of the video: trim_end must be after "
                               "trim_start and inside the video.", field="trim_end")
    cover = options.cover_time
    cover = start + min(1.0, 0.1 * (end - start)) if cover is None else cover
    cover = min(max(cover, start), max(start, end - 0.05))
    tracker = _Progress(progress, cancel, start, end)
    mode = "transcode" if needs_transcode(p, options) else "remux"
    try:
        try:
            if mode == "remux":
                _remux(src, dst_video, tracker)
                _thumbnail_from_file(src, cover, dst_thumbnail, options, p.rotation)
            else:
                _transcode(src, dst_video, dst_thumbnail, p, options, start, end, cover,
                           tracker)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise InsufficientStorage("The disk filled up while processing the video.") from e
            if not isinstance(e, av.FFmpegError) or isinstance(
                    e, (FileNotFoundError, PermissionError, IsADirectoryError)):
                raise  # our side's I/O problem, not the file's
            raise UnreadableMedia("The video could not be processed: the file is damaged.") from e
        except _BAD_INPUT as e:
            raise UnreadableMedia("The video could not be processed: the file is damaged.") from e
        out = verify(dst_video)
    except BaseException:
        for path in (dst_video, dst_thumbnail):
            try:
                os.remove(path)
            except OSError:
                pass
        raise
    if progress is not None:
        progress(100.0)
    return Result(mode=mode, duration=out.duration, width=out.width, height=out.height,
                  fps=out.fps, video_codec=out.video_codec, audio_codec=out.audio_codec,
                  bitrate=out.bitrate, size_bytes=out.size_bytes)


def _out_container(path: str):
    return av.open(path, "w", format="mp4", options={"movflags": "+faststart"})


def _remux(src: str, dst: str, tracker: _Progress):
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = _video_stream(inp)
        ain = inp.streams.audio[0] if inp.streams.audio else None
        out = _out_container(dst)
        try:
            mapping = {vin.index: out.add_stream_from_template(vin)}
            if ain is not None:
                mapping[ain.index] = out.add_stream_from_template(ain)
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


def _rotate_graph(frame, rotation: int):
    """A filter graph turning frames upright; None when they already are."""
    if rotation == 0:
        return None
    graph = av.filter.Graph()
    src = graph.add_buffer(width=frame.width, height=frame.height, format=frame.format.name,
                           time_base=frame.time_base or Fraction(1, 1000))
    steps = {90: [("transpose", "clock")], 270: [("transpose", "cclock")],
             180: [("hflip", None), ("vflip", None)]}[rotation]
    nodes = [src] + [graph.add(name, args) for name, args in steps] + [graph.add("buffersink")]
    graph.link_nodes(*nodes)
    graph.configure()
    return graph


class _VideoPath:
    """Decoded source frames -> upright, fitted yuv420p frames on the source's clock."""

    def __init__(self, p: Probe, tb, rate, size, start, end, cover, tracker):
        self.rotation, self.tb, self.size = p.rotation, tb, size
        self.start, self.end, self.cover, self.tracker = start, end, cover, tracker
        self.step = int(round(1 / (rate * tb))) if rate else 1  # for frames without pts
        self.origin_ticks = 0
        self.graph = None
        self.graph_ready = False
        self.last_pts = None
        self.thumb = self.last = None
        self.done = False

    def convert(self, frame):
        """The frame to encode, or None to skip it; sets ``done`` past the end."""
        pts = frame.pts
        if pts is None:
            pts = self.origin_ticks + (self.last_pts + self.step if self.last_pts is not None
                                       else 0)
        t = float(pts * self.tb)
        self.tracker.at(t)
        if t < self.start - 1e-6:
            return None
        if t >= self.end - 1e-6:
            self.done = True
            return None
        pts -= self.origin_ticks
        if self.last_pts is not None and pts <= self.last_pts:
            return None  # repeated timestamps would break the muxer
        self.last_pts = pts
        if not self.graph_ready:
            self.graph, self.graph_ready = _rotate_graph(frame, self.rotation), True
        if self.graph is not None:
            self.graph.push(frame)
            frame = self.graph.pull()
        width, height = self.size
        if (frame.width, frame.height, frame.format.name) != (width, height, "yuv420p"):
            frame = frame.reformat(width, height, "yuv420p")  # swscale, GIL released
        frame.pts, frame.time_base = pts, self.tb
        self.last = frame
        if self.thumb is None and t >= self.cover - 1e-6:
            self.thumb = frame
        return frame


def _transcode(src, dst, dst_thumb, p: Probe, options: Options, start: float, end: float,
               cover: float, tracker: _Progress):
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = _video_stream(inp)
        ain = inp.streams.audio[0] if inp.streams.audio else None
        vin.thread_type = "FRAME"
        vin.thread_count = 0
        tb = vin.time_base or Fraction(1, 90000)
        rate = _rate(vin)
        size = fit_size(p.width, p.height, options.max_width, options.max_height)
        video = _VideoPath(p, tb, rate, size, start, end, cover, tracker)

        out = _out_container(dst)
        try:
            vout = out.add_stream("libx264", rate=rate)
            vout.width, vout.height, vout.pix_fmt = size[0], size[1], "yuv420p"
            # Encode on the source's own clock so variable frame rate timing is kept.
            vout.codec_context.time_base = tb
            vout.codec_context.thread_type = "FRAME"  # much faster than PyAV's default SLICE
            vout.codec_context.thread_count = options.threads
            vout.options = {"crf": str(options.crf), "preset": options.preset}
            aout = resampler = None
            if ain is not None and ain.codec_context is not None:
                ain.thread_type = "AUTO"
                in_rate = ain.codec_context.sample_rate or 48000
                sr = in_rate if in_rate in _AAC_RATES else 48000
                aout = out.add_stream("aac", rate=sr, layout="stereo")
                aout.bit_rate = options.audio_bitrate
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=sr,
                                              frame_size=aout.codec_context.frame_size or 1024)

            origin = start if options.trim_start else (inp.start_time or 0) / av.time_base
            video.origin_ticks = int(round(origin / tb))
            if start > 0:
                try:
                    inp.seek(int(start / tb), stream=vin, backward=True)
                except _BAD_INPUT:
                    pass  # decode from the beginning instead
            audio_done = aout is None
            audio_samples = None  # samples written so far; None until the first frame
            bad = 0

            for packet in inp.demux(*([vin] + ([ain] if aout is not None else []))):
                if video.done and audio_done:
                    break
                is_video = packet.stream_index == vin.index
                if video.done if is_video else audio_done:
                    continue
                try:
                    frames = packet.decode()
                except _BAD_INPUT:
                    bad += 1  # skip a damaged packet, as players do
                    if bad > _MAX_BAD_PACKETS:
                        raise
                    continue
                for frame in frames:
                    if is_video:
                        frame = video.convert(frame)
                        if frame is not None:
                            out.mux(vout.encode(frame))
                        elif video.done:
                            break
                        continue
                    t = origin
                    if frame.pts is not None and frame.time_base is not None:
                        t = float(frame.pts * frame.time_base)
                        if t + frame.samples / (frame.sample_rate or 1) <= start:
                            continue
                        if t >= end:
                            audio_done = True
                            break
                    for rf in resampler.resample(frame):
                        if audio_samples is None:
                            audio_samples = max(0, int(round((t - origin) * sr)))
                        rf.pts, rf.time_base = audio_samples, Fraction(1, sr)
                        audio_samples += rf.samples
                        out.mux(aout.encode(rf))
            if not video.done:
                for frame in _flush(vin):
                    frame = video.convert(frame)
                    if frame is not None:
                        out.mux(vout.encode(frame))
            if video.last is None:
                raise UnreadableMedia("No picture could be decoded from this video.")
            out.mux(vout.encode(None))
            if aout is not None and audio_samples is not None:
                for rf in resampler.resample(None):
                    rf.pts, rf.time_base = audio_samples, Fraction(1, sr)
                    audio_samples += rf.samples
                    out.mux(aout.encode(rf))
                out.mux(aout.encode(None))
        finally:
            out.close()
        _save_thumbnail(video.thumb or video.last, dst_thumb, options)
    finally:
        inp.close()


def _flush(stream):
    try:
        return stream.decode(None)
    except _BAD_INPUT:
        return []


def _thumbnail_from_file(src: str, cover: float, dst: str, options: Options, rotation: int):
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = _video_stream(inp)
        vin.thread_type = "AUTO"
        tb = vin.time_base or Fraction(1, 90000)
        try:
            inp.seek(int(cover / tb), stream=vin, backward=True)
        except _BAD_INPUT:
            pass
        chosen = None
        for frame in inp.decode(vin):
            chosen = frame
            if frame.pts is not None and float(frame.pts * tb) >= cover - 1e-6:
                break
        if chosen is None:
            raise UnreadableMedia("No picture could be decoded for the thumbnail.")
        graph = _rotate_graph(chosen, rotation)
        if graph is not None:
            graph.push(chosen)
            chosen = graph.pull()
        _save_thumbnail(chosen, dst, options)
    finally:
        inp.close()


def _save_thumbnail(frame, dst: str, options: Options):
    width = min(frame.width, options.thumbnail_max_width)
    height = max(2, round(frame.height * width / frame.width))
    image = frame.reformat(width, height, "rgb24").to_image()
    image.save(dst, format="JPEG", quality=85, optimize=True)
