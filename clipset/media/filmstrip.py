"""A filmstrip: a few evenly spaced frames of a clip side by side in one small JPEG, for
the draft editor's trim bar and cover picker (one image, one request)."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from ..errors import UnreadableMedia
from .frames import upright_frames
from .probing import BAD_INPUT, probe_file

FRAMES = 10
TILE_HEIGHT = 72  # CSS pixels of the trim bar, times two for sharp phone screens: 144
TILE_SCALE = 2


@dataclass(frozen=True)
class Filmstrip:
    frames: int
    tile_width: int  # each frame's size in the image, in pixels
    tile_height: int
    duration: float
    times: tuple[float, ...]  # the moment each frame shows, in seconds from the start


def filmstrip_times(duration: float, frames: int = FRAMES) -> tuple[float, ...]:
    """The moment each frame of the strip shows: the middle of its slice of the clip."""
    return tuple(duration * (i + 0.5) / frames for i in range(frames))


def make_filmstrip(src, dst, frames: int = FRAMES) -> Filmstrip:
    """Write the strip of ``src`` to ``dst`` (JPEG). Each frame is the first at or after
    the middle of its slice of the clip, shown upright as the processed video will be."""
    src = str(src)
    p = probe_file(src, None, 1 << 16, None)
    duration = p.duration or 0.0
    times = filmstrip_times(duration, frames)
    height = TILE_HEIGHT * TILE_SCALE
    tiles: list[Image.Image] = []
    try:
        for shaped in upright_frames(src, p, times, "filmstrip"):
            width = max(2, round(shaped.width * height / shaped.height))
            tiles.append(
                shaped.reformat(
                    width, height, "rgb24", src_colorspace="itu709", src_color_range="MPEG"
                ).to_image()
            )
    except BAD_INPUT as e:
        raise UnreadableMedia("The video's frames could not be read for its filmstrip.") from e
    tile_width = tiles[0].width
    strip = Image.new("RGB", (tile_width * frames, height))
    for i, tile in enumerate(tiles):
        strip.paste(tile.resize((tile_width, height)), (i * tile_width, 0))
    strip.save(str(dst), format="JPEG", quality=75, optimize=True)
    return Filmstrip(frames, tile_width, height, duration, times)
