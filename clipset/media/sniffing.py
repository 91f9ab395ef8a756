"""What a file's first bytes say: our name for its container, and whether it looks like
a video container at all. A source is a file's path or a seekable binary file (an object
in a bucket read by byte ranges)."""

from __future__ import annotations

import os


def head_bytes(source, length: int) -> bytes:
    """The first bytes of a file path, or of a seekable binary file (read where it
    stands afterwards, so an open container goes on undisturbed)."""
    if not hasattr(source, "read"):
        with open(source, "rb") as f:
            return f.read(length)
    at = source.tell()
    try:
        source.seek(0)
        return source.read(length)
    finally:
        source.seek(at)


def source_size(source) -> int:
    if not hasattr(source, "read"):
        return os.path.getsize(source)
    at = source.tell()
    try:
        return source.seek(0, os.SEEK_END)
    finally:
        source.seek(at)


def sniff_container(path, format_name: str) -> str:
    """Our container name from the demuxer and the file's own header bytes."""
    names = format_name.split(",")
    if "avi" in names:
        return "avi"
    for demuxer, ours in (("mpegts", "mts"), ("mpeg", "mpg"), ("dv", "dv"), ("gif", "gif")):
        if demuxer in names:
            return ours
    head = head_bytes(path, 64)
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


def looks_like_video_container(path) -> bool:
    """Header magic of the containers we accept, to tell "damaged" from "not a video"."""
    try:
        head = head_bytes(path, 200)
    except OSError:
        return False
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
        or head[:4] == b"\x1a\x45\xdf\xa3"
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head[:4] == b"\x00\x00\x01\xba"  # MPEG program stream
        # MPEG-TS sync bytes 188 apart; M2TS packets have a 4-byte prefix.
        or head[0:1] == head[188:189] == b"\x47"
        or head[4:5] == head[196:197] == b"\x47"
        or head[:6] in (b"GIF87a", b"GIF89a")
    )
