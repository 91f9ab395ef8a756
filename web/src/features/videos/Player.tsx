// The video page's player: the browser's controls plus what they lack everywhere —
// keyboard shortcuts (k/Space, j/l, arrows, f, m), speed, picture-in-picture, download —
// and a box shaped from the stored size, so nothing jumps when the video loads. Caption
// tracks are <track>s; a timeline under the picture shows chapters and seek previews.
// It starts playing (muted if the browser insists); a new source (the processed file
// after the original's stand-in) carries on where the old one was, playing if it played.
import { useCallback, useEffect, useState, type ReactNode, type RefObject } from "react";
import type { PreviewTile } from "@/lib/previews";
import type { Caption, Video } from "@/lib/types";
import { Icon } from "@/components/icons";
import { SeekBar } from "@/components/SeekBar";

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !!target.closest("input, textarea, select, [contenteditable], dialog");
}

/** The player's box for this video: its stored shape, as wide as fits but never taller
 * than 75% of the screen (the width gives way). */
function playerBox(video: Video) {
  const [w, h] = video.width && video.height ? [video.width, video.height] : [16, 9];
  return { aspectRatio: `${w} / ${h}`, maxWidth: `min(100%, calc(75vh * ${w} / ${h}))` };
}

// The toolbar's height, reserved while the player is not there yet.
const TOOLBAR = "mt-2 flex min-h-9 flex-wrap items-center gap-2 text-sm";
// The timeline's strip under the picture, reserved the same way.
const TIMELINE = "relative h-6";

/** What stands in for the player (loading, processing, failed) in the player's own shape,
 * so the page does not move when the player arrives. */
export function PlayerFrame({ video, children }: { video: Video; children: ReactNode }) {
  return (
    <div>
      <div className="overflow-hidden rounded-xl bg-black">
        <div style={playerBox(video)} className="mx-auto flex w-full flex-col items-center justify-center gap-2 text-white" role="status">
          {children}
        </div>
        <div className={TIMELINE} aria-hidden="true" />
      </div>
      <div className={TOOLBAR} aria-hidden="true" />
    </div>
  );
}

export function Player({ video, src, poster, playerRef, onPlaying, captions = [], previews = [], download = true }: {
  video: Video; src: string; poster?: string; playerRef: RefObject<HTMLVideoElement | null>; onPlaying: () => void;
  captions?: Caption[]; previews?: PreviewTile[]; download?: boolean;
}) {
  const [speed, setSpeed] = useState(1);
  const [media, setMedia] = useState<HTMLVideoElement | null>(null);
  // One ref callback for the element's life: the page's ref, and the timeline's state.
  const attach = useCallback((el: HTMLVideoElement | null) => { playerRef.current = el; setMedia(el); }, [playerRef]);
  const pip = typeof document !== "undefined" && document.pictureInPictureEnabled;
  const box = playerBox(video);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = playerRef.current;
      if (!el || typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const onControl = e.target instanceof HTMLElement && e.target.closest("button, a, video");
      const step = (s: number) => { el.currentTime = Math.max(0, Math.min(el.duration || Infinity, el.currentTime + s)); };
      const actions: Record<string, () => void> = {
        k: () => (el.paused ? void el.play().catch(() => undefined) : el.pause()),
        j: () => step(-10),
        l: () => step(10),
        ArrowLeft: () => step(-5),
        ArrowRight: () => step(5),
        f: () => (document.fullscreenElement ? void document.exitFullscreen() : void el.requestFullscreen?.().catch(() => undefined)),
        m: () => { el.muted = !el.muted; },
      };
      if (e.key === " " && !onControl) actions[" "] = actions.k;
      const act = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
      if (!act) return;
      e.preventDefault();
      act();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [playerRef]);

  useEffect(() => { if (playerRef.current) playerRef.current.playbackRate = speed; }, [speed, playerRef]);

  // The source is set here rather than as a prop, so a change of source can first note
  // where the old one was.
  useEffect(() => {
    if (!media || media.getAttribute("src") === src) return;
    const was = media.currentSrc ? { time: media.currentTime, playing: !media.paused, rate: media.playbackRate } : null;
    media.src = src;
    if (!was) {
      // The page opens playing, as people expect; muted when the browser wants a gesture
      // before sound (the viewer unmutes with one).
      void media.play().catch(() => {
        media.muted = true;
        return media.play();
      }).catch(() => undefined);
      return;
    }
    const resume = () => {
      media.currentTime = was.time;
      media.playbackRate = was.rate;
      if (was.playing) void media.play().catch(() => undefined);
    };
    media.addEventListener("loadedmetadata", resume, { once: true });
    return () => media.removeEventListener("loadedmetadata", resume);
  }, [media, src]);

  async function togglePip() {
    const el = playerRef.current;
    if (!el) return;
    try {
      if (document.pictureInPictureElement) await document.exitPictureInPicture();
      else await el.requestPictureInPicture();
    } catch { /* refused by the browser (no gesture, or not allowed): nothing to do */ }
  }

  const filename = `${video.title.replace(/[\\/:*?"<>|]+/g, " ").trim() || "video"}.mp4`;
  return (
    <div>
      <div className="overflow-hidden rounded-xl bg-black">
        <video
          ref={attach}
          poster={poster}
          controls
          playsInline
          preload="metadata"
          onPlaying={onPlaying}
          onRateChange={(e) => setSpeed(e.currentTarget.playbackRate)}
          style={box}
          className="mx-auto block w-full object-contain"
          aria-label={`Video: ${video.title}. Shortcuts: K or Space plays and pauses, J and L skip 10 seconds, arrows 5, F full screen, M mute.`}
          data-testid="player"
        >
          {captions.map((c) => <track key={c.id} kind="captions" src={c.url} srcLang={c.language} label={c.label} default={c.is_default} />)}
        </video>
        <div className={TIMELINE}>
          <SeekBar media={media} label={`Seek in ${video.title}`} previews={previews} chapters={video.chapters} />
        </div>
      </div>
      <div className={TOOLBAR}>
        <label className="flex items-center gap-1.5">
          <span>Speed</span>
          <select className="input w-auto py-1" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => <option key={s} value={s}>{s === 1 ? "Normal" : `${s}×`}</option>)}
          </select>
        </label>
        {pip && (
          <button type="button" className="btn-ghost px-2 py-1" onClick={togglePip}>
            {/* One row on phones too: the row's height is reserved before the player loads. */}
            <Icon name="pip" className="h-4 w-4" /> <span className="max-sm:sr-only">Picture in picture</span>
          </button>
        )}
        {download && (
          <a className="btn-ghost px-2 py-1" href={src} download={filename} data-testid="download">
            <Icon name="download" className="h-4 w-4" /> Download
          </a>
        )}
      </div>
    </div>
  );
}
