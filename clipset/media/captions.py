"""Text subtitle tracks of an input (mov_text, SubRip, ASS/SSA, WebVTT) as timed cues.

FFmpeg decodes every text subtitle codec to ASS dialogue; its override tags for bold,
italic and underline become WebVTT's ``<b>``, ``<i>``, ``<u>``, the rest is dropped. The
cue text is not trusted: the captions service sanitises it like an uploaded file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import av

from .probing import BAD_INPUT

TEXT_CODECS = {"mov_text", "subrip", "srt", "ass", "ssa", "webvtt", "text"}
_OVERRIDE = re.compile(r"\{\\?([^}]*)\}")
# \r resets the style (mov_text ends each run with it): it closes whatever is open.
_STYLE = {
    "b1": "<b>", "b0": "</b>", "i1": "<i>", "i0": "</i>", "u1": "<u>", "u0": "</u>",
    "r": "</i></b></u>",
}  # fmt: skip


@dataclass
class Track:
    language: str | None  # the stream's tag as written (ISO 639-2 "eng", or None)
    title: str | None
    cues: list[tuple[float, float, str]] = field(default_factory=list)  # seconds, text


def _text(sub) -> str:
    raw = sub.dialogue.decode("utf-8", "replace")

    def style(m: re.Match) -> str:
        return "".join(_STYLE.get(tag.strip(), "") for tag in m.group(1).split("\\"))

    return _OVERRIDE.sub(style, raw).replace("\\N", "\n").replace("\\n", "\n").strip()


def extract(src: str, start: float = 0.0, end: float | None = None) -> list[Track]:
    """Every text subtitle track's cues, on the output's timeline (trimmed to
    ``start``..``end`` of the source). A damaged cue is skipped, never the video."""
    inp = av.open(str(src), metadata_errors="replace")
    try:
        streams = [
            s
            for s in inp.streams.subtitles
            if s.codec_context is not None and s.codec_context.name in TEXT_CODECS
        ]
        if not streams:
            return []
        tracks = {
            s.index: Track(s.metadata.get("language"), s.metadata.get("title")) for s in streams
        }
        zero = (inp.start_time or 0) / av.time_base
        for packet in inp.demux(*streams):
            if packet.pts is None or packet.time_base is None:
                continue
            at = float(packet.pts * packet.time_base) - zero
            length = float((packet.duration or 0) * packet.time_base)
            try:
                subs = packet.decode()
            except BAD_INPUT:
                continue
            for sub in subs:
                if getattr(sub, "type", None) not in (b"ass", b"text"):
                    continue
                text = _text(sub) if sub.type == b"ass" else sub.text.decode("utf-8", "replace")
                cue_end = at + (length or 2.0)
                if not text or cue_end <= start or (end is not None and at >= end):
                    continue
                stop = cue_end if end is None else min(cue_end, end)
                tracks[packet.stream_index].cues.append(
                    (max(at, start) - start, stop - start, text)
                )
        return [t for t in tracks.values() if t.cues]
    except BAD_INPUT:
        return []  # unreadable subtitles never fail the video
    finally:
        inp.close()
