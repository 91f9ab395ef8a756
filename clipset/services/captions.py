"""Caption tracks: uploaded ``.srt``/``.vtt`` files and the input's own subtitle tracks,
stored as sanitised WebVTT with their plain words, which the video search reads.

Cue text keeps only what WebVTT cue text allows and players show: ``<b>``, ``<i>``,
``<u>`` and a voice ``<v Name>``, balanced; every other tag is dropped (its text kept),
and ``&``, ``<``, ``>`` are escaped. Positioning settings are dropped too. Uploading a
file for a language that already has an uploaded track replaces that track.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..errors import BadRequest, NotFound, PayloadTooLarge, ValidationFailed
from ..store.db import immediate
from ..store.models import Caption, User, Video
from .catalog import Catalog, find, managed, ready, visible
from .media_urls import MediaUrls

# What a caption change by someone else than the owner or an admin is told.
_CHANGE = "change this video's captions"

MAX_BYTES = 512 * 1024  # a feature film's subtitles are ~100 KB
MAX_CUES = 10_000
MAX_CUE_CHARS = 1000
LABEL_MAX = 64
# A BCP 47 language tag, as <track srclang> takes it: "en", "pt-BR", "zh-Hant-TW".
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$"
EXTENSIONS = (".srt", ".vtt")
# ISO 639-2 codes containers use, as the two-letter tags browsers expect.
_ISO_639_2 = {
    "eng": "en", "fre": "fr", "fra": "fr", "ger": "de", "deu": "de", "spa": "es",
    "ita": "it", "por": "pt", "dut": "nl", "nld": "nl", "jpn": "ja", "chi": "zh",
    "zho": "zh", "kor": "ko", "rus": "ru", "swe": "sv", "dan": "da", "nor": "no",
    "fin": "fi", "pol": "pl", "tur": "tr", "ara": "ar", "hin": "hi", "gre": "el",
    "ell": "el", "heb": "he", "cze": "cs", "ces": "cs", "hun": "hu", "ukr": "uk",
}  # fmt: skip
_NAMES = {
    "en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "it": "Italiano",
    "pt": "Português", "nl": "Nederlands", "ja": "日本語", "zh": "中文", "ko": "한국어",
    "ru": "Русский", "sv": "Svenska", "da": "Dansk", "no": "Norsk", "fi": "Suomi",
    "pl": "Polski", "tr": "Türkçe", "ar": "العربية", "hi": "हिन्दी", "el": "Ελληνικά",
}  # fmt: skip
_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAG = re.compile(r"<(/?)([A-Za-z]+)([^<>]*)>")
_KEPT = {"b", "i", "u", "v"}


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # sanitised WebVTT cue text


def _seconds(h, m, s, ms) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def clean_cue_text(text: str) -> str:
    """Cue text with only the kept tags, balanced, and the rest escaped."""
    out, stack, pos = [], [], 0
    text = text.replace("\r", "").replace("-->", "→")  # "-->" may not appear in cue text

    def words(piece: str) -> str:
        piece = html.unescape(piece)
        return piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    for m in _TAG.finditer(text):
        out.append(words(text[pos : m.start()]))
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name not in _KEPT:
            continue
        if closing:
            if name in stack:
                while stack:
                    top = stack.pop()
                    out.append(f"</{top}>")
                    if top == name:
                        break
        elif name == "v":
            voice = " ".join(html.unescape(m.group(3)).split())[:LABEL_MAX]
            out.append(f"<v {words(voice)}>" if voice else "<v>")
            stack.append(name)
        else:
            out.append(f"<{name}>")
            stack.append(name)
    out.append(words(text[pos:]))
    out += [f"</{name}>" for name in reversed(stack)]
    lines = [line.strip() for line in "".join(out).split("\n")]  # a blank line ends a cue
    return "\n".join(line for line in lines if line)[:MAX_CUE_CHARS]


def plain_words(vtt_text: str) -> str:
    """What a cue says, for search: no tags, entities read."""
    return html.unescape(_TAG.sub("", vtt_text))


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise _invalid("it is not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")  # older SubRip files from Windows tools
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _invalid(why: str) -> BadRequest:
    return BadRequest(
        f"This is not a caption file we can read: {why}. Upload a SubRip (.srt) or "
        "WebVTT (.vtt) file.",
        error_code="invalid_captions",
        field="file",
    )


def parse(data: bytes) -> list[Cue]:
    """The cues of a SubRip or WebVTT file, sanitised; refuses anything else."""
    if len(data) > MAX_BYTES:
        raise too_large()
    text = _decode(data)
    vtt = text.lstrip("\ufeff").startswith("WEBVTT")
    blocks = re.split(r"\n[ \t]*\n", text.strip())
    if vtt:
        blocks = blocks[1:]  # the header and its metadata lines
    cues = []
    for block in blocks:
        lines = block.split("\n")
        if vtt and lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        timing = _TIMING.match(lines[at]) if at is not None else None
        if timing is None:
            continue
        g = timing.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        body = clean_cue_text("\n".join(lines[at + 1 :]))
        if end > start and body:
            cues.append(Cue(start, end, body))
        if len(cues) > MAX_CUES:
            raise _invalid(f"it has more than {MAX_CUES} cues")
    if not cues:
        raise _invalid("no timed cues were found in it")
    return sorted(cues, key=lambda c: (c.start, c.end))


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"A caption file may be at most {MAX_BYTES // 1024} KB.", error_code="captions_too_large"
    )


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def to_webvtt(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    for cue in cues:
        parts += [f"{_clock(cue.start)} --> {_clock(cue.end)}", cue.text, ""]
    return "\n".join(parts)


def clean_language(language: str | None) -> str:
    language = (language or "").strip()
    if not re.match(LANGUAGE_PATTERN, language):
        raise ValidationFailed(
            "language: a language tag such as en, fr or pt-BR", field="language"
        )
    first, *rest = language.split("-")
    return "-".join([first.lower(), *rest])


def language_of_track(tag: str | None) -> str:
    """A container's language tag ("eng", "und", None) as a BCP 47 one."""
    tag = (tag or "").strip().lower()
    tag = _ISO_639_2.get(tag, tag)
    return tag if re.match(LANGUAGE_PATTERN, tag) and tag != "und" else "und"


def default_label(language: str) -> str:
    return _NAMES.get(language.split("-")[0], language) if language != "und" else "Captions"


def clean_label(label: str | None, language: str) -> str:
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise ValidationFailed(f"label: at most {LABEL_MAX} characters", field="label")
    return label or default_label(language)


class Captions:
    def __init__(self, urls: MediaUrls, catalog: Catalog):
        self.urls = urls
        self.catalog = catalog

    # -- reading ---------------------------------------------------------------------
    def tracks(self, user: User, video_id: str) -> list[dict]:
        """The video's tracks with signed URLs (one token serves all of them)."""
        video = ready(visible(user, find(video_id, user)))
        return [self._out(user, video, c) for c in _of(video)]

    def _out(self, user: User, video: Video, caption: Caption) -> dict:
        signed = self.urls.issue(user, video, "captions", name=caption.id)
        return {
            "id": caption.id,
            "language": caption.language,
            "label": caption.label,
            "source": caption.source,
            "is_default": video.default_caption == caption.id,
            **signed,
        }

    def served(self, video_id: str, caption_id: str, token: str) -> tuple[str, int]:
        """A track's WebVTT behind its signed URL, and how long a browser may cache it."""
        video = self.catalog.media_video(video_id, "captions", token)
        return _track(video, caption_id).vtt, min(self.urls.ttl_for(video), 3600)

    # -- the owner's changes -----------------------------------------------------------
    def add(
        self,
        user: User,
        video_id: str,
        filename: str,
        data: bytes,
        language: str | None,
        label: str | None = None,
        default: bool = False,
    ) -> dict:
        video = managed(user, video_id, _CHANGE)
        if not (filename or "").lower().endswith(EXTENSIONS):
            raise _invalid("its name must end in .srt or .vtt")
        language = clean_language(language)
        label = clean_label(label, language)
        cues = parse(data)
        vtt = to_webvtt(cues)
        words = "\n".join(plain_words(c.text) for c in cues)
        with immediate():
            video = managed(user, video_id, _CHANGE)
            old = Caption.get_or_none(
                Caption.video == video.id, Caption.source == "upload", Caption.language == language
            )
            caption = Caption.create(
                video=video.id,
                language=language,
                label=label,
                source="upload",
                vtt=vtt,
                text=words,
            )
            was_default = old is not None and video.default_caption == old.id
            if old is not None:
                old.delete_instance()
            if default or was_default:
                video.default_caption = caption.id
            _reindex(video)
        return self._out(user, find(video_id, user), caption)

    def update(self, user: User, video_id: str, caption_id: str, changes: dict) -> dict:
        with immediate():
            video = managed(user, video_id, _CHANGE)
            caption = _track(video, caption_id)
            if "language" in changes:
                caption.language = clean_language(changes["language"])
            if "label" in changes:
                caption.label = clean_label(changes["label"], caption.language)
            caption.save()
            if changes.get("is_default") is True:
                video.default_caption = caption.id
            elif changes.get("is_default") is False and video.default_caption == caption.id:
                video.default_caption = None
            _reindex(video)
        return self._out(user, find(video_id, user), caption)

    def remove(self, user: User, video_id: str, caption_id: str) -> None:
        with immediate():
            video = managed(user, video_id, _CHANGE)
            _track(video, caption_id).delete_instance()
            _reindex(video)

    # -- processing ------------------------------------------------------------------
    @staticmethod
    def from_file(video: Video, tracks) -> None:
        """The input's subtitle tracks (media's ``captions.Track``) become the video's
        ``file`` tracks, replacing those of an earlier run; uploaded ones stay."""
        made = []
        for track in tracks:
            cues = [
                Cue(start, end, body)
                for start, end, text in track.cues
                if end > start and (body := clean_cue_text(text))
            ][:MAX_CUES]
            if cues:
                language = language_of_track(track.language)
                label = clean_label((track.title or "")[:LABEL_MAX], language)
                made.append((language, label, cues))
        with immediate():
            current = Video.get_or_none(Video.id == video.id)
            if current is None:
                return
            Caption.delete().where(Caption.video == video.id, Caption.source == "file").execute()
            for language, label, cues in made:
                words = "\n".join(plain_words(c.text) for c in cues)
                Caption.create(
                    video=video.id,
                    language=language,
                    label=label,
                    source="file",
                    vtt=to_webvtt(cues),
                    text=words,
                )
            _reindex(current)


def cut(video: Video, start: float, end: float) -> None:
    """After a new trim to ``start``..``end`` seconds of the timeline the tracks were
    timed against: every track's cues moved to the new timeline, those cut away dropped
    (and a track left with none removed), so captions stay in step with the picture."""
    length = end - start
    with immediate():
        if Video.get_or_none(Video.id == video.id) is None:
            return
        for caption in _of(video):
            cues = [
                Cue(max(0.0, c.start - start), min(length, c.end - start), c.text)
                for c in parse(caption.vtt.encode())
                if c.end > start and c.start < end
            ]
            if not cues:
                caption.delete_instance()
                continue
            caption.vtt = to_webvtt(cues)
            caption.text = "\n".join(plain_words(c.text) for c in cues)
            caption.save()
        _reindex(Video.get_by_id(video.id))


def _of(video: Video) -> list[Caption]:
    return list(
        Caption.select()
        .where(Caption.video == video.id)
        .order_by(Caption.source.desc(), Caption.created_at, Caption.id)
    )


def _track(video: Video, caption_id: str) -> Caption:
    caption = Caption.get_or_none(Caption.id == caption_id, Caption.video == video.id)
    if caption is None:
        raise NotFound("No such caption track.", error_code="caption_not_found")
    return caption


def _reindex(video: Video) -> None:
    """The video's caption words and default, as its tracks now are."""
    tracks = _of(video)
    ids = {c.id for c in tracks}
    default = video.default_caption if video.default_caption in ids else None
    Video.update(caption_text="\n".join(c.text for c in tracks), default_caption=default).where(
        Video.id == video.id
    ).execute()
