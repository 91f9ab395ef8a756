// A thin progress bar that is also a slider: drag or tap to seek, arrow keys step 5 s.
// With previews, the frame under the pointer (or the finger, while it drags) shows above
// it; with chapters, each start is a mark and its name shows with the frame.
import { useEffect, useRef, useState, type PointerEvent } from "react";
import { formatDuration } from "@/lib/format";
import { tileAt, type PreviewTile } from "@/lib/previews";
import type { Chapter } from "@/lib/types";

export function SeekBar({ media, label, previews = [], chapters = [] }: {
  media: HTMLVideoElement | null; label: string; previews?: PreviewTile[]; chapters?: Chapter[];
}) {
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  // Where the pointer is (clientX): the frame under it follows once the duration is known,
  // even if the pointer arrived before the metadata and has not moved since.
  const [pointerX, setPointerX] = useState<number | null>(null);
  const bar = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);

  useEffect(() => {
    if (!media) return;
    const update = () => { setTime(media.currentTime); setDuration(Number.isFinite(media.duration) ? media.duration : 0); };
    update();
    const events = ["timeupdate", "durationchange", "loadedmetadata", "seeked"];
    events.forEach((e) => media.addEventListener(e, update));
    return () => events.forEach((e) => media.removeEventListener(e, update));
  }, [media]);

  function at(clientX: number) {
    const el = bar.current;
    if (!el || !duration) return null;
    const r = el.getBoundingClientRect();
    const x = Math.max(0, Math.min(r.width, clientX - r.left));
    return { x, width: r.width, t: (x / r.width) * duration };
  }
  function seekTo(clientX: number) {
    const point = at(clientX);
    if (!point || !media) return;
    media.currentTime = point.t;
    setTime(point.t);
  }
  function down(e: PointerEvent<HTMLDivElement>) {
    e.stopPropagation();
    dragging.current = true;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    seekTo(e.clientX);
    setPointerX(e.clientX);
  }
  function move(e: PointerEvent<HTMLDivElement>) {
    if (dragging.current) seekTo(e.clientX);
    // A mouse shows previews on hover; a finger while it drags.
    if (dragging.current || e.pointerType === "mouse") setPointerX(e.clientX);
  }
  const up = () => { dragging.current = false; setPointerX(null); };
  function key(e: React.KeyboardEvent) {
    if (!media || !duration) return;
    const step = { ArrowRight: 5, ArrowLeft: -5 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    media.currentTime = Math.max(0, Math.min(duration, media.currentTime + step));
  }

  const chapterAt = (t: number) => [...chapters].reverse().find((c) => c.start <= t);
  const fraction = duration ? time / duration : 0;
  const hover = pointerX === null ? null : at(pointerX);
  const tile = hover ? tileAt(previews, hover.t) : undefined;
  const boxWidth = tile?.w ?? 80;
  const left = hover ? Math.max(0, Math.min(hover.width - boxWidth, hover.x - boxWidth / 2)) : 0;
  const current = chapterAt(time);
  return (
    <div
      ref={bar}
      role="slider"
      tabIndex={0}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(time)}
      aria-valuetext={`${formatDuration(time)} of ${formatDuration(duration)}${current ? `, ${current.title}` : ""}`}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
      onPointerLeave={() => { if (!dragging.current) setPointerX(null); }}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={key}
      className="group absolute inset-x-0 bottom-0 z-10 flex h-5 cursor-pointer touch-none items-end"
      data-testid="seek-bar"
    >
      <div className="relative h-1 w-full bg-white/25 transition-[height] group-hover:h-1.5">
        <div className="h-full bg-white" style={{ width: `${fraction * 100}%` }} />
        {duration > 0 && chapters.slice(1).map((c) => (
          <span key={c.start} className="absolute inset-y-0 w-0.5 bg-black/70" style={{ left: `${(c.start / duration) * 100}%` }} data-testid="chapter-mark" aria-hidden="true" />
        ))}
      </div>
      {hover && (tile || chapters.length > 0) && (
        <div className="pointer-events-none absolute bottom-6 flex flex-col items-center gap-1 text-xs text-white [text-shadow:0_1px_2px_rgb(0_0_0/0.9)]" style={{ left, width: boxWidth }} data-testid="seek-preview" aria-hidden="true">
          {tile && (
            <div className="rounded border border-white/80 bg-black shadow-lg"
              style={{ width: tile.w, height: tile.h, backgroundImage: `url("${tile.url}")`, backgroundPosition: `-${tile.x}px -${tile.y}px` }}
              data-testid="seek-preview-frame" />
          )}
          {chapterAt(hover.t) && <span className="max-w-full truncate font-semibold" data-testid="seek-preview-chapter">{chapterAt(hover.t)?.title}</span>}
          <span>{formatDuration(hover.t)}</span>
        </div>
      )}
    </div>
  );
}
