// A thin progress bar that is also a slider: drag or tap to seek, arrow keys step 5 s.
import { useEffect, useRef, useState, type PointerEvent } from "react";
import { formatDuration } from "@/lib/format";

export function SeekBar({ media, label }: { media: HTMLVideoElement | null; label: string }) {
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
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

  function seekTo(clientX: number) {
    const el = bar.current;
    if (!el || !media || !duration) return;
    const r = el.getBoundingClientRect();
    const t = Math.max(0, Math.min(1, (clientX - r.left) / r.width)) * duration;
    media.currentTime = t;
    setTime(t);
  }
  function down(e: PointerEvent<HTMLDivElement>) {
    e.stopPropagation();
    dragging.current = true;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    seekTo(e.clientX);
  }
  const move = (e: PointerEvent<HTMLDivElement>) => { if (dragging.current) seekTo(e.clientX); };
  const up = () => { dragging.current = false; };
  function key(e: React.KeyboardEvent) {
    if (!media || !duration) return;
    const step = { ArrowRight: 5, ArrowLeft: -5 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    media.currentTime = Math.max(0, Math.min(duration, media.currentTime + step));
  }

  const fraction = duration ? time / duration : 0;
  return (
    <div
      ref={bar}
      role="slider"
      tabIndex={0}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(time)}
      aria-valuetext={`${formatDuration(time)} of ${formatDuration(duration)}`}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={key}
      className="group absolute inset-x-0 bottom-0 z-10 flex h-5 cursor-pointer touch-none items-end"
      data-testid="seek-bar"
    >
      <div className="h-1 w-full bg-white/25 transition-[height] group-hover:h-1.5">
        <div className="h-full bg-white" style={{ width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}
