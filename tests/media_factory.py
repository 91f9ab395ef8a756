"""Real video files made with PyAV, for tests (and benchmarks) that need media.

``make_clip(path, ...)`` writes one clip; the named helpers below make the cases the
media rules care about. Frames show a moving square on a gradient and a red block in
the stored frame's top-left corner, so orientation can be checked on the output.
"""

from __future__ import annotations

import array
import functools
import math
import os
import random
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw

MARK = (255, 0, 0)  # colour of the top-left orientation mark


@functools.lru_cache(maxsize=16)
def _layer(kind: str, width: int, height: int, seed: int = 0) -> Image.Image:
    if kind == "noise":
        return Image.effect_noise((width, height), 60 + seed).convert("RGB")
    return Image.linear_gradient("L").resize((width, height)).convert("RGB")


def _picture(width: int, height: int, i: int, noise: bool = False) -> Image.Image:
    image = _layer("gradient", width, height).copy()
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, max(1, width // 4) - 1, max(1, height // 4) - 1], fill=MARK)
    side = max(2, min(width, height) // 4)
    x = (i * 7) % max(1, width - side)
    draw.rectangle(
        [x, height // 2 - side // 2, x + side, height // 2 + side // 2], fill=(40, 200, 90)
    )
    if noise:
        # A few cached noise layers in turn: grain the encoder must work on, made cheaply.
        image = Image.blend(image, _layer("noise", width, height, i % 6), 0.08)
    return image


def _tone(
    layout: str, rate: int, samples: int, start: int, beep_at: float | None = None
) -> av.AudioFrame:
    """A 440 Hz tone; with ``beep_at``, silence until that second, then the tone."""
    channels = av.AudioLayout(layout).nb_channels
    onset = int(beep_at * rate) if beep_at is not None else 0
    data = array.array(
        "h",
        (
            int(8000 * math.sin(2 * math.pi * 440 * (start + n) / rate))
            if start + n >= onset
            else 0
            for n in range(samples)
            for _ in range(channels)
        ),
    )
    frame = av.AudioFrame(format="s16", layout=layout, samples=samples)
    frame.planes[0].update(data.tobytes())
    frame.sample_rate = rate
    frame.pts = start
    frame.time_base = Fraction(1, rate)
    return frame


def make_clip(
    path,
    *,
    width=320,
    height=240,
    duration=1.0,
    fps=25,
    vcodec="libx264",
    pix_fmt="yuv420p",
    acodec: str | None = "aac",
    sample_rate=44100,
    rotation: int | None = None,
    vfr=False,
    noise=False,
    video=True,
    options: dict | None = None,
    pixel_aspect: Fraction | None = None,
    layout: str = "stereo",
    language: str | None = None,
    beep_at: float | None = None,
    audio_bitrate: int | None = None,
    subtitles: tuple = (),
) -> Path:
    """Write a clip. ``rotation`` is the clockwise display rotation stored as metadata;
    ``pixel_aspect`` the stored pixels' width over height; ``layout`` the audio's channels
    ("mono", "stereo", "5.1"), ``language`` its ISO 639-2 tag, ``beep_at`` the second a
    tone starts after silence (to measure audio timing)."""
    path = Path(path)
    fmt = {".mkv": "matroska", ".webm": "webm", ".avi": "avi", ".mov": "mov"}.get(
        path.suffix, "mp4"
    )
    out = av.open(str(path), "w", format=fmt)
    try:
        streams = []
        if video:
            v = out.add_stream(vcodec, rate=fps)
            v.width, v.height, v.pix_fmt = width, height, pix_fmt
            if options:
                v.options = options
            if vfr:
                v.codec_context.time_base = Fraction(1, 1000)
            if pixel_aspect is not None:
                v.codec_context.sample_aspect_ratio = pixel_aspect
            if rotation is not None:
                v.set_display_rotation(-rotation)  # PyAV takes counter-clockwise degrees
            streams.append(("v", v))
        if acodec:
            a = out.add_stream(acodec, rate=sample_rate if acodec != "libopus" else 48000)
            a.layout = layout
            if audio_bitrate:
                a.bit_rate = audio_bitrate
            if language:
                a.metadata["language"] = language
            streams.append(("a", a))
        # (codec, language, [(start s, end s, text)]): text tracks as cameras and
        # editors write them (mov_text in MP4, SubRip in Matroska).
        texts = [(_subtitle_track(out, codec, lang), cues) for codec, lang, cues in subtitles]

        if video:
            # VFR: irregular gaps between 20 ms and 90 ms on a millisecond clock.
            gaps = random.Random(7)
            t, i = 0.0, 0
            while t < duration - 1e-9:
                frame = av.VideoFrame.from_image(_picture(width, height, i, noise))
                frame = frame.reformat(format=pix_fmt)
                frame.pts = int(round(t * 1000)) if vfr else i
                for packet in v.encode(frame):
                    out.mux(packet)
                i += 1
                t = t + gaps.choice((0.02, 0.05, 0.09)) if vfr else i / fps
            out.mux(v.encode(None))
        if acodec:
            rate = a.codec_context.sample_rate
            total, chunk, done = int(duration * rate), 1024, 0
            while done < total:
                n = min(chunk, total - done)
                out.mux(a.encode(_tone(layout, rate, n, done, beep_at)))
                done += n
            out.mux(a.encode(None))
        for track, cues in texts:
            _write_cues(out, track, cues)
    finally:
        out.close()
    return path


_ASS_HEADER = (
    b"[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n[V4+ Styles]\n"
    b"Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
    b"BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
    b"BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    b"Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0"
    b"\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
    b"Effect, Text\n"
)


def _subtitle_track(out, codec: str, language: str | None):
    track = out.add_stream(codec)
    track.codec_context.time_base = Fraction(1, 1000)
    track.codec_context.subtitle_header = _ASS_HEADER  # text encoders take ASS events
    if language:
        track.metadata["language"] = language
    return track


def _write_cues(out, track, cues) -> None:
    for n, (start, end, text) in enumerate(cues):
        ms, length = int(start * 1000), int((end - start) * 1000)
        event = f"{n},0,Default,,0,0,0,,{text}".encode()
        packet = track.codec_context.encode_subtitle(
            av.subtitles.subtitle.SubtitleSet.create(event, 0, length, pts=ms * 1000)
        )
        packet.pts = packet.dts = ms
        packet.duration, packet.time_base, packet.stream = length, Fraction(1, 1000), track
        out.mux(packet)


# The cases the media rules name -------------------------------------------------


def made_once(makers, directory: Path):
    """A getter for a test module's clips: ``get("landscape")`` calls ``makers.landscape``
    (with any extra arguments) the first time and hands back the same file afterwards."""
    made: dict = {}

    def get(name, *args):
        if (name, args) not in made:
            made[name, args] = getattr(makers, name)(directory, *args)
        return made[name, args]

    return get


def landscape(d) -> Path:
    """H.264 yuv420p + AAC in MP4 inside 1920x1080: the remux path."""
    return make_clip(Path(d) / "landscape.mp4", width=320, height=180, duration=1.0)


def portrait_rotated(d) -> Path:
    """Stored 320x180 with a 90 degree display rotation, like a phone held upright."""
    return make_clip(Path(d) / "portrait.mov", width=320, height=180, duration=1.0, rotation=90)


def anamorphic(d) -> Path:
    """Widescreen DV-style footage: 360x240 stored, pixels 32:27 wide, shown 427x240."""
    return make_clip(
        Path(d) / "anamorphic.mp4",
        width=360,
        height=240,
        duration=1.0,
        pixel_aspect=Fraction(32, 27),
    )


def vfr(d) -> Path:
    return make_clip(Path(d) / "vfr.mkv", width=320, height=240, duration=1.5, vfr=True)


def webm_vp9(d) -> Path:
    return make_clip(
        Path(d) / "vp9.webm",
        vcodec="libvpx-vp9",
        acodec="libopus",
        width=320,
        height=240,
        duration=1.0,
        options={"deadline": "realtime", "cpu-used": "8"},
    )


def avi_mpeg4(d) -> Path:
    return make_clip(
        Path(d) / "mpeg4.avi", vcodec="mpeg4", acodec="mp3", width=320, height=240, duration=1.0
    )


def no_audio(d) -> Path:
    return make_clip(Path(d) / "silent.mp4", acodec=None, width=240, height=160, duration=1.0)


CUES = ((0.0, 1.0, "Hello {\\i1}little{\\i0} zebra"), (1.0, 2.5, "A <b>giraffe</b>\\Nwalks by"))


def mov_text_clip(d) -> Path:
    """An MP4 with a mov_text track, as phones and editors write subtitles."""
    return make_clip(d / "mov_text.mp4", duration=3.0, subtitles=(("mov_text", "eng", CUES),))


def subrip_clip(d) -> Path:
    """A Matroska file with SubRip tracks in two languages."""
    french = ((0.5, 2.0, "Bonjour la girafe"),)
    return make_clip(
        d / "subrip.mkv",
        duration=3.0,
        subtitles=(("subrip", "eng", CUES), ("subrip", "fre", french)),
    )


def tiny(d) -> Path:
    return make_clip(Path(d) / "tiny.mp4", width=16, height=16, duration=0.2)


def oversize(d) -> Path:
    """2560x1440 for the scale-down rule; a handful of frames keeps it fast."""
    return make_clip(
        Path(d) / "big.mp4",
        width=2560,
        height=1440,
        duration=0.2,
        fps=10,
        acodec=None,
        options={"preset": "ultrafast"},
    )


def yuv444(d) -> Path:
    """H.264 but 4:4:4: not playable everywhere, so it must be re-encoded."""
    return make_clip(
        Path(d) / "yuv444.mp4", pix_fmt="yuv444p", width=320, height=240, duration=0.5
    )


def audio_only(d) -> Path:
    return make_clip(Path(d) / "song.mp4", video=False, duration=1.0)


def truncated(d) -> Path:
    """Half an MP4 whose moov box was written last, so it is missing."""
    whole = landscape(Path(d))
    path = Path(d) / "truncated.mp4"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def random_bytes(d, size=64 * 1024) -> Path:
    path = Path(d) / "noise.mp4"
    path.write_bytes(random.Random(3).randbytes(size))
    return path


def text_as_mp4(d) -> Path:
    path = Path(d) / "notes.mp4"
    path.write_text("These are my holiday notes, not a video.\n" * 50)
    return path


def top_level_atoms(path) -> list[str]:
    """Names of an MP4's top-level boxes, in file order (to check moov comes first)."""
    names = []
    size_total = os.path.getsize(path)
    with open(path, "rb") as f:
        pos = 0
        while pos + 8 <= size_total:
            f.seek(pos)
            header = f.read(16)
            size = int.from_bytes(header[:4], "big")
            names.append(header[4:8].decode("latin-1"))
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:
                break
            pos += size
    return names


# Metadata ----------------------------------------------------------------------

RECORDED_LOCAL = "2023-07-14T18:30:05+0200"  # as an iPhone writes it
RECORDED_UTC = "2023-07-14T16:30:05"
LOCATION = "+48.8584+002.2945+035.000/"


def with_metadata(src, dst, metadata: dict) -> Path:
    """A copy of ``src`` (streams copied) with container metadata, QuickTime keys kept."""
    dst = Path(dst)
    fmt = "mov" if dst.suffix == ".mov" else "mp4"
    inp = av.open(str(src))
    out = av.open(str(dst), "w", format=fmt, options={"movflags": "use_metadata_tags"})
    try:
        out.metadata.update(metadata)
        mapping = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream_index]
            out.mux(packet)
    finally:
        out.close()
        inp.close()
    return dst


def iphone_tagged(d) -> Path:
    """A phone clip with its recording date and the place it was shot."""
    src = make_clip(Path(d) / "plain-phone.mov", width=64, height=48, duration=0.3)
    return with_metadata(
        src,
        Path(d) / "iphone.mov",
        {
            "com.apple.quicktime.creationdate": RECORDED_LOCAL,
            "creation_time": RECORDED_UTC + ".000000Z",
            "com.apple.quicktime.location.ISO6709": LOCATION,
            "location": LOCATION,
        },
    )
