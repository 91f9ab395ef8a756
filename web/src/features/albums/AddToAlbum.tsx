// "Add to album": pick one of the albums you may add to (or start a new one); used on the
// video page and in the feed's action column for one video, in the library for a selection.
// The dialog loads when first opened: the feed and the video page show the button at once.
import { lazy, Suspense, useState } from "react";
import { Icon } from "@/components/icons";
import type { VideoId } from "@/lib/types";

const AddToAlbumDialog = lazy(() => import("./AddToAlbumDialog"));
export function AddToAlbumButton({ videoIds, className = "btn-ghost", onDone, variant = "plain" }: {
  videoIds: VideoId[]; className?: string; onDone?: () => void; variant?: "plain" | "overlay";
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      {variant === "overlay" ? (
        <button type="button" className="flex flex-col items-center gap-1 text-white drop-shadow" onClick={() => setOpen(true)} aria-label="Add to album" data-testid="add-to-album">
          <span className="grid h-12 w-12 place-items-center rounded-full bg-black/40"><Icon name="folder" className="h-6 w-6" /></span>
          <span className="text-xs font-semibold">Album</span>
        </button>
      ) : (
        <button type="button" className={className} onClick={() => setOpen(true)} data-testid="add-to-album">Add to album</button>
      )}
      {open && <Suspense fallback={null}><AddToAlbumDialog videoIds={videoIds} onClose={() => { setOpen(false); onDone?.(); }} /></Suspense>}
    </>
  );
}
