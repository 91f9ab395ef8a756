"""Seek previews: a sprite sheet of small frames, tiled, and a WebVTT index of it
(``sprite.jpg#xywh=x,y,w,h`` per stretch of time), as players' scrubbers read them.

A transcode offers every frame it encodes (no second decode); a remux decodes only the
key frames (phones write one every second or two), or every frame when they are too
sparse to give half the tiles, which is what previews cost there. The index names the
sheet ``sprite.jpg``; the app puts the sheet's own signed URL in its place.
"""

from __future__ import annotations

import math

import av
from PIL import Image

from .frames import Shaper
from .probing import BAD_INPUT, MAX_BAD_PACKETS, Probe, video_stream

TILE_WIDTH = 160
COLUMNS = 10
MAX_TILES = 400  # 30 minutes at one every 5 s; longer videos space them wider
SPRITE_NAME = "sprite.jpg"


def interval_for(duration: float) -> float:
    """Seconds between tiles: one every 5 s, closer on short clips (at least ~10
    tiles, never under a second), wider when MAX_TILES would not cover the video."""
    return max(1.0, min(5.0, duration / 10), duration / MAX_TILES)


def tile_size(width: int, height: int) -> tuple[int, int]:
    w = min(TILE_WIDTH, width - width % 2)
    return w, max(2, round(height * w / width / 2) * 2)


class Sprites:
    """Collects one frame per interval from shaped (BT.709 limited-range) frames."""

    def __init__(self, duration: float, size: tuple[int, int]):
        self.interval = interval_for(duration)
        self.duration = duration
        self.size = tile_size(*size)
        self.tiles: list[tuple[float, Image.Image]] = []
        self._next = 0.0

    @property
    def wanted(self) -> int:
        return min(MAX_TILES, max(1, math.ceil(self.duration / self.interval)))

    def offer(self, frame, at: float) -> None:
        """``frame`` shown from ``at`` seconds on the output's timeline."""
        if at + 1e-6 < self._next or len(self.tiles) >= MAX_TILES:
            return
        image = frame.reformat(
            self.size[0], self.size[1], "rgb24", src_colorspace="itu709", src_color_range="MPEG"
        ).to_image()
        self.tiles.append((max(0.0, at), image))
        while self._next <= at + 1e-6:
            self._next += self.interval

    def save(self, sheet_path: str, index_path: str) -> bool:
        """Write the sheet (JPEG) and its index; False (nothing written) with no tiles."""
        if not self.tiles:
            return False
        w, h = self.size
        rows = -(-len(self.tiles) // COLUMNS)
        sheet = Image.new("RGB", (w * min(COLUMNS, len(self.tiles)), h * rows))
        lines = ["WEBVTT", ""]
        for i, (at, image) in enumerate(self.tiles):
            x, y = i % COLUMNS * w, i // COLUMNS * h
            sheet.paste(image, (x, y))
            until = self.tiles[i + 1][0] if i + 1 < len(self.tiles) else self.duration
            until = max(until, at + 0.001)
            lines += [
                f"{_clock(at)} --> {_clock(until)}",
                f"{SPRITE_NAME}#xywh={x},{y},{w},{h}",
                "",
            ]
        sheet.save(sheet_path, format="JPEG", quality=70, optimize=True)
        with open(index_path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines))
        return True


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def for_remux(src: str, p: Probe, duration: float) -> Sprites:
    """The remux path has no decode of its own: key frames if they are enough, else
    every frame; upright like the output, through the same shaping as a transcode."""
    sprites = Sprites(duration, (p.width, p.height))
    _decode_into(src, p, sprites, key_only=True)
    if len(sprites.tiles) * 2 < sprites.wanted:
        sprites = Sprites(duration, (p.width, p.height))
        _decode_into(src, p, sprites, key_only=False)
    return sprites


def _decode_into(src: str, p: Probe, sprites: Sprites, key_only: bool) -> None:
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = video_stream(inp)
        if key_only:
            vin.codec_context.skip_frame = "NONKEY"
        vin.thread_type = "AUTO"
        tb = vin.time_base
        zero = (inp.start_time or 0) / av.time_base
        shaper = Shaper(p, sprites.size, tb)
        bad = 0

        def offer(frames):
            for shaped in frames:
                if shaped.pts is not None:
                    sprites.offer(shaped, float(shaped.pts * tb) - zero)

        for packet in inp.demux(vin):
            try:
                for frame in packet.decode():
                    if frame.pts is not None:
                        offer(shaper.push(frame))
            except BAD_INPUT:
                bad += 1
                if bad > MAX_BAD_PACKETS:
                    break
        offer(shaper.flush())
    finally:
        inp.close()
