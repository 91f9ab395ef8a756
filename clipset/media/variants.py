"""Thumbnails at display size: WebP copies of the JPEG thumbnail at the widths cards are
shown at (``srcset``), so a phone's grid doesn't download a 1280-pixel picture per card."""

from __future__ import annotations

from pathlib import Path

from PIL import Image


def variant_path(thumbnail, width: int) -> Path:
    """Where the ``width`` variant of a thumbnail file goes: beside it."""
    thumbnail = Path(thumbnail)
    return thumbnail.with_name(f"{thumbnail.stem}.{width}.webp")


def make_variants(thumbnail, widths) -> dict[int, Path]:
    """Write each width's WebP beside ``thumbnail``; never wider than the thumbnail itself
    (a small clip's variants are its own size). Returns them by width."""
    out: dict[int, Path] = {}
    with Image.open(thumbnail) as image:
        image = image.convert("RGB")
        for width in widths:
            w = min(width, image.width)
            h = max(1, round(image.height * w / image.width))
            path = variant_path(thumbnail, width)
            image.resize((w, h), Image.LANCZOS).save(path, format="WEBP", quality=80, method=4)
            out[width] = path
    return out
