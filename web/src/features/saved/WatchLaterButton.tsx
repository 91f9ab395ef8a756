import { useToast } from "@/lib/toast";
import type { VideoId } from "@/lib/types";
import { useIsSaved, useSetSaved } from "./api";

/** Puts the video on (or takes it off) your Watch later list. */
export function WatchLaterButton({ videoId }: { videoId: VideoId }) {
  const toast = useToast();
  const state = useIsSaved(videoId);
  const set = useSetSaved(videoId);
  const saved = state.data?.saved ?? false;
  return (
    <button
      type="button"
      className="btn-ghost"
      aria-pressed={saved}
      disabled={state.isLoading || set.isPending}
      data-testid="watch-later"
      onClick={() => set.mutate(!saved, { onError: (err) => toast.error(err) })}
    >
      {saved ? "Saved for later" : "Watch later"}
    </button>
  );
}
