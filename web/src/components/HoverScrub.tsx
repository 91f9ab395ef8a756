// Hover previews on desktop cards: with a fine pointer, moving across a thumbnail shows the
// frame under it, a tile of the video's seek-preview sprite (no video is downloaded). The
// tiles are asked for on a card's first hover, never on touch screens.
import { useState, useSyncExternalStore, type PointerEvent } from "react";
import { tileAt } from "@/lib/previews";
import { usePreviews } from "@/lib/queries";
import type { Video } from "@/lib/types";

const FINE_POINTER = "(hover: hover) and (pointer: fine)";

function onPointerKindChange(changed: () => void) {
  const query = window.matchMedia(FINE_POINTER);
  query.addEventListener("change", changed);
  return () => query.removeEventListener("change", changed);
}

function useFinePointer(): boolean {
  return useSyncExternalStore(onPointerKindChange, () => window.matchMedia(FINE_POINTER).matches, () => false);
}

/** Where the pointer is over the thumbnail: a fraction of its width, and its size. */
type Spot = { at: number; width: number; height: number };

/** Pointer handlers for the thumbnail's box and the preview to draw inside it. */
export function useHoverScrub(video: Video) {
  const fine = useFinePointer();
  const [wanted, setWanted] = useState(false);
  const [spot, setSpot] = useState<Spot | null>(null);
  const duration = video.duration_seconds ?? 0;
  const able = fine && video.processing_status === "completed" && duration > 0;
  const tiles = usePreviews(video.id, able && wanted).data;

  function move(e: PointerEvent<HTMLElement>) {
    if (e.pointerType !== "mouse") return;
    const box = e.currentTarget.getBoundingClientRect();
    setWanted(true);
    setSpot({ at: Math.min(1, Math.max(0, (e.clientX - box.left) / box.width)), width: box.width, height: box.height });
  }
  const handlers = able ? { onPointerEnter: move, onPointerMove: move, onPointerLeave: () => setSpot(null) } : {};
  const tile = spot && tiles?.length ? tileAt(tiles, spot.at * duration) : undefined;
  const preview = spot && tile ? <ScrubFrame spot={spot} tile={tile} /> : null;
  return { handlers, preview };
}

function ScrubFrame({ spot, tile }: { spot: Spot; tile: NonNullable<ReturnType<typeof tileAt>> }) {
  // The tile fitted into the card (a portrait clip gets bars), scaled from its sprite size.
  const scale = Math.min(spot.width / tile.w, spot.height / tile.h);
  return (
    <div className="pointer-events-none absolute inset-0 bg-black" data-testid="scrub-preview" data-tile={`${tile.x},${tile.y}`} aria-hidden="true">
      <div
        className="absolute bg-no-repeat"
        style={{
          left: (spot.width - tile.w * scale) / 2,
          top: (spot.height - tile.h * scale) / 2,
          width: tile.w,
          height: tile.h,
          transform: `scale(${scale})`,
          transformOrigin: "0 0",
          backgroundImage: `url("${tile.url}")`,
          backgroundPosition: `-${tile.x}px -${tile.y}px`,
        }}
      />
      <div className="absolute bottom-0 left-0 h-1 bg-brand-500" style={{ width: `${spot.at * 100}%` }} />
    </div>
  );
}
