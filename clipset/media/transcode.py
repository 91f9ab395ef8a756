"""The transcode path: decode, shape the picture (``frames.VideoPath``) and the sound
(``audio.AudioPath``), encode H.264 and AAC into a browser-ready MP4."""

from __future__ import annotations

import contextlib
from fractions import Fraction

import av

from ..errors import UnreadableMedia
from . import audio, colour, encoders
from .frames import NO_SEEK, VideoPath, fit_size, save_thumbnail
from .probing import BAD_INPUT, MAX_BAD_PACKETS, Probe, frame_rate, video_stream


def out_container(path: str):
    return av.open(path, "w", format="mp4", options={"movflags": "+faststart"})


def transcode(
    src,
    dst,
    dst_thumb,
    p: Probe,
    options,
    start: float,
    end: float,
    cover: float,
    tracker,
    encoder: str = encoders.SOFTWARE,
    sprites=None,
):
    inp = av.open(src, metadata_errors="replace")
    try:
        vin = video_stream(inp)
        ain = inp.streams.audio[0] if inp.streams.audio else None
        vin.thread_type = "FRAME"
        vin.thread_count = 0
        tb = vin.time_base or Fraction(1, 90000)
        rate = frame_rate(vin)
        size = fit_size(p.width, p.height, options.max_width, options.max_height)
        video = VideoPath(p, tb, rate, size, start, end, cover, tracker, options.max_fps)
        video.sprites = sprites

        out = out_container(dst)
        try:
            vout = _video_track(out, encoder, video.out_rate, size, tb, p, options)
            sound = None
            if ain is not None and ain.codec_context is not None:
                sound = audio.AudioPath(
                    out, ain, options.audio_bitrate, options.surround, start, end
                )

            def encode(frame):
                with _as_encoder_failure(encoder):
                    out.mux(vout.encode(frame))

            # Opened now, so a hardware encoder that can't start fails here, as itself.
            with _as_encoder_failure(encoder):
                out.start_encoding()
            # Timestamps may start anywhere (MPEG streams: often past 0.5 s); trims and
            # the cover are on the timeline a player shows, which starts at the first one.
            zero = (inp.start_time or 0) / av.time_base
            origin = zero + (start if options.trim_start else 0.0)
            video.zero, video.origin_ticks = zero, int(round(origin / tb))
            if sound is not None:
                sound.zero, sound.origin = zero, origin
            if start > 0 and p.container not in NO_SEEK:
                try:
                    inp.seek(int((zero + start) / tb), stream=vin, backward=True)
                except BAD_INPUT:
                    pass  # decode from the beginning instead
            bad = 0

            for packet in inp.demux(*([vin] + ([ain] if sound is not None else []))):
                if video.done and (sound is None or sound.done):
                    break
                path = video if packet.stream_index == vin.index else sound
                if path.done:
                    continue
                try:
                    frames = packet.decode()
                except BAD_INPUT:
                    bad += 1  # skip a damaged packet, as players do
                    if bad > MAX_BAD_PACKETS:
                        raise
                    continue
                for frame in frames:
                    if path is video:
                        for shaped in video.convert(frame):
                            encode(shaped)
                    else:
                        out.mux(sound.convert(frame))
                    if path.done:
                        break
            if not video.done:
                for frame in _flush(vin):
                    for shaped in video.convert(frame):
                        encode(shaped)
            for shaped in video.flush():
                encode(shaped)
            if video.last is None:
                raise UnreadableMedia("No picture could be decoded from this video.")
            encode(None)
            if sound is not None:
                out.mux(sound.flush())
        finally:
            out.close()
        save_thumbnail(video.thumb or video.last, dst_thumb, options.thumbnail_max_width)
    finally:
        inp.close()


def _video_track(out, encoder: str, out_rate, size, tb, p: Probe, options):
    vout = out.add_stream(encoder, rate=out_rate)
    vout.width, vout.height, vout.pix_fmt = size[0], size[1], "yuv420p"
    _tag_bt709(vout.codec_context, p)
    # Encode on the source's own clock so variable frame rate timing is kept.
    vout.codec_context.time_base = tb
    vout.codec_context.thread_type = "FRAME"  # much faster than PyAV's default SLICE
    vout.codec_context.thread_count = options.threads
    vout.options = encoders.encoder_options(encoder, options.crf, options.preset)
    return vout


@contextlib.contextmanager
def _as_encoder_failure(encoder: str):
    """A hardware encoder's error as ``EncoderFailed`` (the job retries in software)."""
    try:
        yield
    except Exception as exc:
        if encoder == encoders.SOFTWARE:
            raise
        raise encoders.EncoderFailed(encoder, exc) from exc


def _flush(stream):
    try:
        return stream.decode(None)
    except BAD_INPUT:
        return []


def _tag_bt709(ctx, p: Probe):
    """What the encoder writes into the stream's VUI: what the frames now are."""
    ctx.color_primaries = colour.output_primaries(p.colour_primaries, p.colour_transfer)
    ctx.color_trc = colour.OUT_BT709
    ctx.colorspace = colour.OUT_BT709
    ctx.color_range = colour.OUT_RANGE_TV
