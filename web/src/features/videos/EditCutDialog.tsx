// "Trim and cover" for a posted video: the trim bar and cover picker on a filmstrip of
// the processed video. A cover is saved at once; a trim runs as a job on the server
// while the video keeps playing as it was, its progress arriving over the live connection.
import { useRef, useState } from "react";
import { useStreamUrl } from "@/lib/queries";
import { useToast } from "@/lib/toast";
import type { Video } from "@/lib/types";
import { Dialog } from "@/components/ui";
import { useTrimState, useVideoEdits } from "./edits";
import { useVideoFilmstrip } from "./filmstrip";
import { TrimBar, type Edits } from "./TrimBar";

const NONE: Edits = { trim_start: null, trim_end: null, cover_time: null };

/** The trim job's state in words, for the dialog and the video page. */
export function TrimProgress({ video }: { video: Video }) {
  const state = useTrimState(video.id).data;
  if (!state || state.state === "idle") return null;
  if (state.state === "failed") {
    return <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400" data-testid="trim-progress">The trim failed: {state.error}. The video is as it was.</p>;
  }
  return (
    <p role="status" className="mt-2 text-sm text-zinc-700 dark:text-zinc-300" data-testid="trim-progress">
      Trimming… {Math.round(state.percent)}%. It plays as it was until the new cut is ready.
    </p>
  );
}

export function EditCutDialog({ video, open, onClose }: { video: Video; open: boolean; onClose: () => void }) {
  const toast = useToast();
  const strip = useVideoFilmstrip(video.id, open);
  const stream = useStreamUrl(video.id, open);
  const trimState = useTrimState(video.id, open);
  const { cover, trim } = useVideoEdits(video.id);
  const [edits, setEdits] = useState<Edits>(NONE);
  const preview = useRef<HTMLVideoElement>(null);
  const running = trimState.data?.state === "running";
  const trimmed = edits.trim_start != null || edits.trim_end != null;
  const changed = trimmed || edits.cover_time != null;
  const busy = cover.isPending || trim.isPending;

  async function save() {
    try {
      // The cover first: a trim that keeps its moment keeps it as the cover.
      if (edits.cover_time != null) await cover.mutateAsync(edits.cover_time);
      if (trimmed) {
        await trim.mutateAsync({ start: edits.trim_start ?? 0, end: edits.trim_end ?? strip.data?.duration ?? video.duration_seconds ?? 0 });
        toast.show("Trimming: the new cut replaces the old one when it's ready.", "success");
      } else {
        toast.show("Cover saved.", "success");
      }
      setEdits(NONE);
      onClose();
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title="Trim and cover" testId="edit-cut">
      <div className="flex flex-col gap-3">
        {stream.data && (
          <video ref={preview} src={stream.data.url} muted playsInline preload="metadata" className="w-full rounded-lg bg-black" style={{ aspectRatio: String((video.width ?? 16) / (video.height ?? 9)) }} aria-label={`Preview of ${video.title}`} />
        )}
        <TrimBar strip={strip} edits={edits} onChange={setEdits} onSeek={(t) => { if (preview.current) preview.current.currentTime = t; }} />
        <TrimProgress video={video} />
        <p className="text-xs text-zinc-600 dark:text-zinc-400">A new cover is saved at once. A trim makes a new cut of the video; it plays as it is until that is ready.</p>
        <div className="flex justify-end gap-2">
          {changed && <button type="button" className="btn-ghost" onClick={() => setEdits(NONE)}>Reset</button>}
          <button type="button" className="btn-ghost" onClick={onClose}>Cancel</button>
          <button type="button" className="btn-primary" onClick={save} disabled={!changed || busy || (trimmed && running)}>
            {trimmed ? "Save and trim" : "Save cover"}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
