"""Decoded frames -> the frames we encode: deinterlaced, upright, even-sized, fitted,
SDR BT.709 limited-range yuv420p, at most ``max_fps``, on the source's own clock."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Iterable, Iterator

import av
import av.filter

from ..errors import UnreadableMedia
from . import colour
from .probing import BAD_INPUT, Probe, video_stream

# Streams without an index: seeking guesses a byte offset and can land past the trim start.
NO_SEEK = {"mts", "mpg", "dv", "gif"}

_GRAPH_BUSY = (av.error.BlockingIOError, BlockingIOError)
_ROTATE = {
    90: [("transpose", "clock")],
    270: [("transpose", "cclock")],
    180: [("hflip", None), ("vflip", None)],
}


def decimation(rate: float | None, max_fps: float) -> float | None:
    """The frame rate a clip above the cap comes out at: the source's divided by a whole
    number (240 -> 60, 120 -> 60, 100 -> 50), so kept frames stay evenly spaced."""
    if not rate or not max_fps or rate <= max_fps + 0.01:
        return None
    return rate / math.ceil(rate / max_fps - 1e-3)


def fit_size(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """Fit inside the box turned to the clip's orientation; never upscale; even sides."""
    box_w, box_h = (
        (max_width, max_height)
        if width >= height
        else (min(max_width, max_height), max(max_width, max_height))
    )
    scale = min(1.0, box_w / width, box_h / height)
    even = lambda v: max(2, int(v * scale + 1e-6) // 2 * 2)
    return even(width), even(height)


class Shaper:
    """One filter graph for one source: bwdif, rotation, crop/scale with the colour
    conversion (HDR through the tone-mapping LUT). Built from the first frame."""

    def __init__(self, p: Probe, size: tuple[int, int], tb: Fraction):
        self.p, self.size, self.tb = p, size, tb
        self.graph = self.src = self.sink = None
        self.shape = None  # (width, height, format) the graph was built for

    def _build(self, frame):
        p = self.p
        graph = av.filter.Graph()
        src = graph.add_buffer(
            width=frame.width, height=frame.height, format=frame.format.name, time_base=self.tb
        )
        steps = []
        if p.interlaced:
            # Every frame, field order from the frame's flags: phone/camcorder interlacing
            # is not always flagged per frame, and a progressive frame passes unharmed.
            steps.append(("bwdif", "mode=send_frame:parity=auto:deint=all"))
        steps += _ROTATE.get(p.rotation, [])
        width, height = self.size
        crop = p.pixel_aspect == 1 and (width, height) == (
            p.width - p.width % 2,
            p.height - p.height % 2,
        )
        if crop and (p.width % 2 or p.height % 2):
            # An odd side loses one pixel instead of the picture being stretched.
            steps.append(("crop", f"{width}:{height}:0:0"))
        in_range = "pc" if colour.is_full_range(frame.format.name, p.colour_range) else "tv"
        matrix = colour.source_matrix(p.colour_matrix, frame.height)
        if colour.is_hdr(p.colour_transfer):
            steps += [
                ("scale", f"w={width}:h={height}:in_color_matrix=bt2020:in_range={in_range}"),
                ("format", "gbrp16le"),
                # Options as a dict: the LUT's path needs no filter-string escaping.
                (
                    "lut3d",
                    {"file": colour.tonemap_lut(p.colour_transfer), "interp": "tetrahedral"},
                ),
                ("scale", "out_color_matrix=bt709:out_range=tv"),
            ]
        else:
            steps.append(
                (
                    "scale",
                    f"w={width}:h={height}:in_color_matrix={matrix}:"
                    f"in_range={in_range}:out_color_matrix=bt709:out_range=tv",
                )
            )
        steps.append(("format", "yuv420p"))
        nodes = [src] + [
            graph.add(name, **args) if isinstance(args, dict) else graph.add(name, args)
            for name, args in steps
        ]
        sink = graph.add("buffersink")
        graph.link_nodes(*nodes, sink)
        graph.configure()
        self.graph, self.src, self.sink = graph, src, sink
        self.shape = (frame.width, frame.height, frame.format.name)

    def push(self, frame) -> list:
        if self.graph is None:
            self._build(frame)
        elif (frame.width, frame.height, frame.format.name) != self.shape:
            # A mid-stream size or format change: fit it to what the graph expects.
            pts, tb = frame.pts, frame.time_base
            frame = frame.reformat(self.shape[0], self.shape[1], self.shape[2])
            frame.pts, frame.time_base = pts, tb
        self.src.push(frame)
        return self._pull()

    def flush(self) -> list:
        if self.graph is None:
            return []
        self.src.push(None)
        return self._pull()

    def _pull(self) -> list:
        out = []
        while True:
            try:
                out.append(self.sink.pull())
            except _GRAPH_BUSY:
                return out
            except EOFError:
                return out


class VideoPath:
    """Source frames in, frames to encode out, with trimming and the frame-rate cap."""

    def __init__(self, p: Probe, tb, rate, size, start, end, cover, tracker, max_fps):
        self.tb, self.size = tb, size
        self.start, self.end, self.cover, self.tracker = start, end, cover, tracker
        self.step = int(round(1 / (rate * tb))) if rate else 1  # for frames without pts
        self.shaper = Shaper(p, size, tb)
        target = decimation(float(rate) if rate else None, max_fps)
        self.out_rate = Fraction(target).limit_denominator(1001) if target else rate
        # Kept frames are at least this far apart (ticks); half a source frame of slack.
        self.gap = (1 / target / tb - 0.5 / (float(rate) * tb)) if target else None
        self.zero = 0.0  # seconds: the source's first timestamp
        self.origin_ticks = 0
        self.last_pts = self.kept_pts = None
        self.thumb = self.last = None
        self.sprites = None  # previews.Sprites, offered every kept frame
        self.done = False

    def convert(self, frame) -> list:
        """The frames to encode for this source frame (none, one, or a delayed few)."""
        pts = frame.pts
        if pts is None:
            pts = self.origin_ticks + (
                self.last_pts + self.step if self.last_pts is not None else 0
            )
        t = float(pts * self.tb) - self.zero
        self.tracker.at(t)
        if t < self.start - 1e-6:
            return []
        if t >= self.end - 1e-6:
            self.done = True
            return []
        pts -= self.origin_ticks
        if self.last_pts is not None and pts <= self.last_pts:
            return []  # repeated timestamps would break the muxer
        self.last_pts = pts
        frame.pts, frame.time_base = pts, self.tb
        return self._keep(self.shaper.push(frame))

    def flush(self) -> list:
        return self._keep(self.shaper.flush())

    def _keep(self, frames) -> list:
        kept = []
        for frame in frames:
            pts = frame.pts
            if (
                self.gap is not None
                and self.kept_pts is not None
                and (pts - self.kept_pts < self.gap)
            ):
                continue  # above the frame-rate cap: dropped evenly on the source timeline
            if self.kept_pts is not None and pts <= self.kept_pts:
                continue
            self.kept_pts = pts
            frame.time_base = self.tb
            self.last = frame
            at = float((pts + self.origin_ticks) * self.tb) - self.zero
            if self.thumb is None and at >= self.cover - 1e-6:
                self.thumb = frame
            if self.sprites is not None:
                self.sprites.offer(frame, float(pts * self.tb))
            kept.append(frame)
        return kept


def save_thumbnail(frame, dst: str, max_width: int):
    """A JPEG of a shaped (BT.709 limited-range) frame."""
    width = min(frame.width, max_width)
    height = max(2, round(frame.height * width / frame.width))
    image = frame.reformat(
        width, height, "rgb24", src_colorspace="itu709", src_color_range="MPEG"
    ).to_image()
    image.save(dst, format="JPEG", quality=85, optimize=True)


def upright_frames(src: str, p: Probe, times: Iterable[float], purpose: str) -> Iterator:
    """For each of ``times``, the first frame at or after it (the last one if none is),
    shaped as the processed video shows it, at its own size; ``purpose`` (the thumbnail,
    the filmstrip) names what failed when nothing decodes."""
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = video_stream(inp)
        vin.thread_type = "AUTO"
        tb = vin.time_base or Fraction(1, 90000)
        zero = (inp.start_time or 0) / av.time_base
        for at in times:
            frame = _frame_at(inp, vin, tb, zero, at, p.container not in NO_SEEK, purpose)
            upright = p.rotation in (0, 180)
            size = (frame.width, frame.height) if upright else (frame.height, frame.width)
            shaper = Shaper(p, size, tb)
            yield (shaper.push(frame) + shaper.flush())[0]
    finally:
        inp.close()


def _frame_at(inp, vin, tb, zero: float, at: float, seekable: bool, purpose: str):
    """The first decoded frame at or after ``at`` seconds (the last one if none is)."""
    if seekable:
        try:
            inp.seek(int((zero + at) / tb), stream=vin, backward=True)
        except BAD_INPUT:
            pass
    chosen = None
    for frame in inp.decode(vin):
        chosen = frame
        if frame.pts is not None and float(frame.pts * tb) - zero >= at - 1e-6:
            break
    if chosen is None:
        raise UnreadableMedia(f"No picture could be decoded for the {purpose}.")
    return chosen
