"""Clips of what phones and cameras really make, for the media tests: HDR and full-range
colour patches, slow motion, interlacing, odd sizes, and camera containers.

Built on ``media_factory``'s picture and tone; each helper writes one small clip.
"""

from __future__ import annotations

import array
from pathlib import Path

import av
from media_factory import _picture, _tone, make_clip
from PIL import Image, ImageDraw

# Colour ------------------------------------------------------------------------
# Patches of known SDR BT.709 colour, written as HDR or full-range footage would carry
# them, so a test can decode the output and compare with the colour a viewer should see.

PATCH = (170, 90, 60)  # a skin-like SDR colour, below the tone curve's knee
_709_TO_2020 = (
    (0.627404, 0.329283, 0.043313),
    (0.069097, 0.919540, 0.011362),
    (0.016391, 0.088013, 0.895595),
)


def _hdr_signal(transfer: str, rgb) -> tuple[float, float, float]:
    """SDR BT.709 8-bit colour -> BT.2020 HLG or PQ R'G'B' (0..1), by BT.2408's
    convention that SDR white is HDR reference white (203 nits)."""
    from clipset.media import colour as c  # the standard's transfer functions

    lin = [(v / 255) ** 2.4 * 203 for v in rgb]
    nits = [sum(m * x for m, x in zip(row, lin)) for row in _709_TO_2020]
    if transfer == "pq":
        return tuple(c.nits_to_pq(n) for n in nits)
    yd = 0.2627 * nits[0] + 0.6780 * nits[1] + 0.0593 * nits[2]
    ys = (yd / 1000) ** (1 / 1.2)
    return tuple(c.scene_to_hlg(n / (1000 * ys**0.2)) for n in nits)


def _yuv10_frame(width, height, rgb_signal) -> av.VideoFrame:
    """A flat yuv420p10le BT.2020 (non-constant luminance) limited-range frame."""
    r, g, b = rgb_signal
    y = 0.2627 * r + 0.6780 * g + 0.0593 * b
    planes = (
        round(64 + 876 * y),
        round(512 + 896 * (b - y) / 1.8814),
        round(512 + 896 * (r - y) / 1.4746),
    )
    frame = av.VideoFrame(width, height, "yuv420p10le")
    for plane, value in zip(frame.planes, planes):
        plane.update(array.array("H", [value]) * (plane.line_size // 2 * plane.height))
    return frame


def hdr(d, transfer="hlg", rgb=PATCH, name=None) -> Path:
    """A 10-bit HEVC MOV tagged BT.2020 + HLG (iPhone's default) or PQ (HDR10)."""
    path = Path(d) / (name or f"{transfer}.mov")
    out = av.open(str(path), "w", format="mov")
    try:
        v = out.add_stream("libx265", rate=10)
        v.width, v.height, v.pix_fmt = 64, 64, "yuv420p10le"
        ctx = v.codec_context
        ctx.color_primaries, ctx.colorspace, ctx.color_range = 9, 9, 1
        ctx.color_trc = 18 if transfer == "hlg" else 16
        v.options = {"preset": "ultrafast", "x265-params": "log-level=none"}
        for i in range(3):
            frame = _yuv10_frame(64, 64, _hdr_signal(transfer, rgb))
            frame.pts = i
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
    finally:
        out.close()
    return path


def _flat(width, height, rgb, fmt, matrix, colour_range) -> av.VideoFrame:
    frame = av.VideoFrame.from_image(Image.new("RGB", (width, height), rgb))
    return frame.reformat(format=fmt, dst_colorspace=matrix, dst_color_range=colour_range)


def flat_clip(
    path,
    rgb,
    *,
    width=64,
    height=64,
    vcodec="libx264",
    pix_fmt="yuv420p",
    matrix="itu709",
    colour_range="MPEG",
    tags=(1, 1, 1, 1),
    frames=3,
) -> Path:
    """A flat-colour clip; ``tags`` = (primaries, transfer, matrix, range) enum values."""
    path = Path(path)
    fmt = {".avi": "avi", ".mov": "mov", ".mkv": "matroska"}.get(path.suffix, "mp4")
    out = av.open(str(path), "w", format=fmt)
    try:
        v = out.add_stream(vcodec, rate=10)
        v.width, v.height, v.pix_fmt = width, height, pix_fmt
        ctx = v.codec_context
        ctx.color_primaries, ctx.color_trc, ctx.colorspace, ctx.color_range = tags
        if vcodec == "libx264":
            v.options = {"preset": "ultrafast"}
        for i in range(frames):
            frame = _flat(width, height, rgb, pix_fmt, matrix, colour_range)
            frame.pts = i
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
    finally:
        out.close()
    return path


def full_range_h264(d, rgb=(20, 20, 20)) -> Path:
    """H.264 full range (yuvj420p), as Android phones record: otherwise a remux candidate."""
    return flat_clip(
        Path(d) / "fullrange.mp4", rgb, pix_fmt="yuvj420p", colour_range="JPEG", tags=(1, 1, 1, 2)
    )


def full_range_mjpeg(d, rgb=(235, 235, 235)) -> Path:
    """Motion JPEG (full range by nature) in AVI, as still cameras record video."""
    return flat_clip(
        Path(d) / "mjpeg.avi",
        rgb,
        vcodec="mjpeg",
        pix_fmt="yuvj420p",
        colour_range="JPEG",
        tags=(2, 2, 5, 2),
    )


def bt601_hd(d, rgb=(200, 40, 40)) -> Path:
    """1280x720 H.264 whose matrix is BT.601 (tagged): players decode HD as BT.709."""
    return flat_clip(
        Path(d) / "bt601hd.mp4",
        rgb,
        width=1280,
        height=720,
        matrix="itu601",
        tags=(6, 6, 6, 1),
        frames=2,
    )


def bt709_tagged(d, rgb=(200, 40, 40)) -> Path:
    return flat_clip(Path(d) / "bt709.mp4", rgb, width=64, height=64)


# Motion and shape --------------------------------------------------------------


def high_fps(d, fps=240) -> Path:
    """Slow-motion phone footage: a quarter second at 240 (or 120) fps."""
    return make_clip(
        Path(d) / f"fps{fps}.mp4",
        width=64,
        height=48,
        duration=0.25,
        fps=fps,
        acodec=None,
        options={"preset": "ultrafast"},
    )


def _combed(width, height, i) -> Image.Image:
    """Two fields of a fast pan caught a picture apart: alternate lines disagree."""
    image = Image.new("RGB", (width, height), (30, 30, 30))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 2):
        draw.line([(0, y), (width - 1, y)], fill=(220, 220, 220))
    return image


def interlaced(d) -> Path:
    """Interlaced H.264 (camcorders, broadcast): top field first, flagged in the stream."""
    path = Path(d) / "interlaced.mp4"
    out = av.open(str(path), "w", format="mp4")
    try:
        v = out.add_stream("libx264", rate=25)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        v.options = {"preset": "ultrafast", "qp": "0", "x264-params": "interlaced=1:tff=1"}
        for i in range(3):
            frame = av.VideoFrame.from_image(_combed(64, 48, i)).reformat(format="yuv420p")
            frame.pts = i
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
    finally:
        out.close()
    return path


LINE_AT = (60, 44)  # where odd_size's vertical and horizontal white lines are


def odd_size(d) -> Path:
    """65x49 (4:4:4 allows odd sides), black with one white column and one white row."""
    path = Path(d) / "odd.mkv"
    out = av.open(str(path), "w", format="matroska")
    try:
        v = out.add_stream("libx264", rate=10)
        v.width, v.height, v.pix_fmt = 65, 49, "yuv444p"
        v.options = {"preset": "ultrafast", "qp": "0"}
        image = Image.new("RGB", (65, 49), (0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.line([(LINE_AT[0], 0), (LINE_AT[0], 48)], fill=(255, 255, 255))
        draw.line([(0, LINE_AT[1]), (64, LINE_AT[1])], fill=(255, 255, 255))
        for i in range(2):
            frame = av.VideoFrame.from_image(image).reformat(format="yuv444p")
            frame.pts = i
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
    finally:
        out.close()
    return path


# What cameras make -------------------------------------------------------------


def _write(
    path,
    fmt,
    vcodec,
    size,
    pix_fmt,
    fps,
    frames,
    acodec=None,
    sample_rate=48000,
    options=None,
    container_options=None,
    video_options=None,
) -> Path:
    """A few frames of the moving-square picture in any muxer PyAV has."""
    path = Path(path)
    out = av.open(str(path), "w", format=fmt, options=container_options or {})
    try:
        v = out.add_stream(vcodec, rate=fps, options=video_options or {})
        v.width, v.height, v.pix_fmt = size[0], size[1], pix_fmt
        a = None
        if acodec:
            a = out.add_stream(acodec, rate=sample_rate)
            a.layout = "stereo"
        for i in range(frames):
            frame = av.VideoFrame.from_image(_picture(size[0], size[1], i)).reformat(
                format=pix_fmt
            )
            frame.pts = i
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
        if a is not None:
            total, done = int(frames / fps * sample_rate), 0
            chunk = a.codec_context.frame_size or 1024
            while done < total:
                tone = _tone("stereo", sample_rate, chunk, done)
                out.mux(a.encode(tone))
                done += chunk
            out.mux(a.encode(None))
    finally:
        out.close()
    return path


def avchd(d) -> Path:
    """AVCHD as camcorders write it: H.264 + AC-3 in 192-byte-packet MPEG-TS (.MTS)."""
    return _write(
        Path(d) / "00001.MTS",
        "mpegts",
        "libx264",
        (64, 48),
        "yuv420p",
        25,
        5,
        acodec="ac3",
        container_options={"mpegts_m2ts_mode": "1"},
        video_options={"preset": "ultrafast"},
    )


def phone_3gp(d) -> Path:
    return _write(
        Path(d) / "old-phone.3gp",
        "3gp",
        "libx264",
        (64, 48),
        "yuv420p",
        15,
        5,
        acodec="aac",
        sample_rate=16000,
        video_options={"preset": "ultrafast"},
    )


def dvd_vob(d) -> Path:
    """MPEG-2 + MP2 in an MPEG program stream, as on a DVD (.VOB) or an old camera (.MPG)."""
    return _write(
        Path(d) / "VTS_01_1.VOB", "vob", "mpeg2video", (64, 48), "yuv420p", 25, 5, acodec="mp2"
    )


def raw_dv(d) -> Path:
    """Raw DV (PAL), as tape camcorders and their capture tools write it."""
    return _write(Path(d) / "tape.dv", "dv", "dvvideo", (720, 576), "yuv420p", 25, 3)


def animated_gif(d) -> Path:
    return _write(Path(d) / "loop.gif", "gif", "gif", (64, 48), "rgb8", 10, 5)


def single_frame_1ms(d) -> Path:
    """One frame lasting a millisecond: nothing a viewer could see."""
    return make_clip(
        Path(d) / "blink.mp4", width=64, height=48, duration=0.001, fps=1000, acodec=None
    )
