// The trim bar (two handles on a filmstrip: a draft's original, or a posted video) and cover
// picker (a slider whose frame is shown beside it). Handles are range inputs: keyboard
// and screen readers work as for any slider; only their thumbs take the pointer.
import { useId } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { formatDuration } from "@/lib/format";
import type { Filmstrip } from "./filmstrip";

/** What the bar edits; null means "not chosen" (the clip's own start, end, cover). */
export interface Edits { trim_start: number | null; trim_end: number | null; cover_time: number | null }

const STEP = 0.1;
/** The shortest clip a trim may leave, as the server checks it. */
const MIN_CLIP = 0.5;
const round = (t: number) => Math.round(t / STEP) * STEP;
const secs = (t: number) => `${t.toFixed(1)} s`;
const HANDLE = "pointer-events-none absolute inset-0 h-full w-full appearance-none bg-transparent [&::-webkit-slider-thumb]:pointer-events-auto [&::-webkit-slider-thumb]:h-16 [&::-webkit-slider-thumb]:w-3 [&::-webkit-slider-thumb]:cursor-ew-resize [&::-webkit-slider-thumb]:appearance-none [&::-webkit-slider-thumb]:rounded [&::-webkit-slider-thumb]:bg-brand-500 [&::-webkit-slider-thumb]:shadow [&::-moz-range-thumb]:pointer-events-auto [&::-moz-range-thumb]:h-16 [&::-moz-range-thumb]:w-3 [&::-moz-range-thumb]:rounded [&::-moz-range-thumb]:bg-brand-500";

/** The strip's frame nearest to `t`, as a background of the strip image. */
function Frame({ strip, t, className, label, style }: { strip: Filmstrip; t: number; className: string; label?: string; style?: React.CSSProperties }) {
  const index = Math.max(0, Math.min(strip.frames - 1, Math.floor((t / (strip.duration || 1)) * strip.frames)));
  return (
    <div
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      data-frame={index}
      className={className}
      style={{
        ...style,
        backgroundImage: `url("${strip.url}")`,
        backgroundSize: `${strip.frames * 100}% 100%`,
        backgroundPosition: strip.frames > 1 ? `${(index / (strip.frames - 1)) * 100}% 0` : "0 0",
      }}
    />
  );
}

/** `strip` is the filmstrip's query; without one (a draft still uploading) a hint shows. */
export function TrimBar({ strip, edits, onChange, onSeek }: { strip: UseQueryResult<Filmstrip> | null; edits: Edits; onChange: (e: Edits) => void; onSeek?: (t: number) => void }) {
  const ids = useId();
  if (strip == null) return <p className="text-xs text-zinc-600 dark:text-zinc-400">The trim bar appears when the upload has arrived.</p>;
  if (strip.isPending) return <div className="h-16 animate-pulse rounded-lg bg-zinc-200 dark:bg-zinc-800" aria-label="Loading the filmstrip" />;
  if (strip.isError) return <p role="alert" className="text-xs text-red-700 dark:text-red-400">The filmstrip could not be made; the trim buttons still work.</p>;
  const s = strip.data;
  const duration = s.duration;
  const start = edits.trim_start ?? 0;
  const end = edits.trim_end ?? duration;
  const cover = edits.cover_time ?? start + Math.min(1, 0.1 * (end - start));
  const clampCover = (lo: number, hi: number) => (edits.cover_time == null ? null : Math.min(Math.max(edits.cover_time, lo), hi));
  const setStart = (v: number) => {
    const t = round(Math.min(Math.max(0, v), end - MIN_CLIP));
    onChange({ ...edits, trim_start: t <= 0 ? null : t, cover_time: clampCover(t, end) });
    onSeek?.(t);
  };
  const setEnd = (v: number) => {
    const t = round(Math.max(Math.min(duration, v), start + MIN_CLIP));
    onChange({ ...edits, trim_end: t >= duration - STEP / 2 ? null : t, cover_time: clampCover(start, t) });
    onSeek?.(t);
  };
  const setCover = (v: number) => {
    const t = round(Math.min(Math.max(start, v), end));
    onChange({ ...edits, cover_time: t });
    onSeek?.(t);
  };
  const pct = (t: number) => `${(t / (duration || 1)) * 100}%`;

  return (
    <div className="mt-3 space-y-3" data-testid="trim-editor">
      <div>
        <p id={`${ids}-trim`} className="label">Trim</p>
        <div className="relative h-16 overflow-hidden rounded-lg bg-black" data-testid="trim-bar" role="group" aria-labelledby={`${ids}-trim`}>
          <div className="absolute inset-0 flex">
            {Array.from({ length: s.frames }, (_, i) => (
              <Frame key={i} strip={s} t={s.times[i]} className="h-full flex-1 bg-no-repeat" />
            ))}
          </div>
          {/* What the trim cuts away is dimmed; what stays is outlined. */}
          <div className="absolute inset-y-0 left-0 bg-black/60" style={{ width: pct(start) }} />
          <div className="absolute inset-y-0 right-0 bg-black/60" style={{ width: `calc(100% - ${pct(end)})` }} />
          <div className="absolute inset-y-0 rounded border-2 border-brand-500" data-testid="trim-kept" style={{ left: pct(start), width: `calc(${pct(end)} - ${pct(start)})` }} />
          <input type="range" className={HANDLE} min={0} max={duration} step={STEP} value={start} aria-label="Trim start" aria-valuetext={formatDuration(start)} onChange={(e) => setStart(Number(e.target.value))} />
          <input type="range" className={HANDLE} min={0} max={duration} step={STEP} value={end} aria-label="Trim end" aria-valuetext={formatDuration(end)} onChange={(e) => setEnd(Number(e.target.value))} />
        </div>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="trim-summary">
          {secs(start)} → {secs(end)} · keeps {secs(end - start)}
        </p>
      </div>
      <div className="flex items-center gap-3">
        <Frame strip={s} t={cover} label={`Cover frame at ${secs(cover)}`} className="h-16 shrink-0 rounded bg-black bg-no-repeat" style={{ aspectRatio: String(s.aspect) }} />
        <div className="min-w-0 flex-1">
          <label className="label" htmlFor={`${ids}-cover`}>Cover {edits.cover_time == null ? "(automatic)" : `at ${secs(cover)}`}</label>
          <input id={`${ids}-cover`} type="range" className="w-full" min={start} max={end} step={STEP} value={cover} aria-valuetext={formatDuration(cover)} onChange={(e) => setCover(Number(e.target.value))} />
        </div>
      </div>
    </div>
  );
}
