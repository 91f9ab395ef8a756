// A posted video's way through processing: queued, percent done (live, with polling in
// case live events are missed), then ready with a link, or failed with the reason. When
// the original plays in this browser meanwhile, a link to watch it at once.
import { useEffect } from "react";
import { Link } from "react-router-dom";
import { useLiveVideos } from "@/lib/live";
import { useVideo } from "@/lib/queries";
import { useToast } from "@/lib/toast";
import type { Video } from "@/lib/types";
import { browserPlays } from "./standIn";

export function ProcessingStatus({ video }: { video: Video }) {
  const toast = useToast();
  const live = useVideo(video.id, { pollMs: 4000 });
  useLiveVideos([video.id]); // progress events land in the cached video
  const current = live.data ?? video;
  const status = current.processing_status;
  // The cached status may still say pending while progress events already arrive.
  const percent = status === "processing" || (status === "pending" && current.progress > 0) ? current.progress : null;

  useEffect(() => {
    if (status === "completed") toast.show(`“${current.title}” is ready.`, "success");
    if (status === "failed") toast.show(`“${current.title}” failed: ${current.error_message ?? "unknown error"}`, "error");
    // Only a change of status is news.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  return (
    <div role="status" className="text-sm" data-testid="processing-status">
      {status === "completed" ? (
        <p className="text-emerald-700 dark:text-emerald-400">Ready! <Link className="font-medium underline" to={`/v/${encodeURIComponent(current.id)}`}>Watch “{current.title}”</Link></p>
      ) : status === "failed" ? (
        <p className="text-red-700 dark:text-red-400">Processing failed: {current.error_message ?? "unknown error"}</p>
      ) : (
        <>
          <p>{status === "pending" ? "Waiting to be processed…" : "Processing…"} {percent != null && `${Math.round(percent)}%`}
            {browserPlays(current.stand_in_type) && <> · <Link className="font-medium underline" to={`/v/${encodeURIComponent(current.id)}`}>Watch the original now</Link></>}
          </p>
          <div className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label="Processing" aria-valuenow={Math.round(percent ?? 0)} aria-valuemin={0} aria-valuemax={100}>
            <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${Math.max(2, percent ?? 0)}%` }} />
          </div>
        </>
      )}
    </div>
  );
}
