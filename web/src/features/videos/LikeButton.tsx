import { useState } from "react";
import { api } from "@/lib/api";
import { Icon } from "@/components/icons";
import { formatCount } from "@/lib/format";
import { likeStore, useLikeState } from "@/lib/live";
import { useToast } from "@/lib/toast";
import type { LikeState, Video } from "@/lib/types";

/** Like or unlike a video at once (optimistic), corrected by the server's answer. */
export function useLike(video: Video) {
  const { like_count, liked } = useLikeState(video.id, video);
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function set(next: boolean) {
    if (busy || next === liked) return;
    setBusy(true);
    likeStore.set(video.id, { liked: next, like_count: Math.max(0, like_count + (next ? 1 : -1)) });
    try {
      const r = next
        ? await api.post<LikeState>(`/api/videos/${video.id}/like`)
        : await api.del<LikeState>(`/api/videos/${video.id}/unlike`);
      if (r) likeStore.set(video.id, { liked: r.liked, like_count: r.like_count });
    } catch (err) {
      likeStore.set(video.id, { liked, like_count });
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }
  return { liked, like_count, set };
}

/** The like button; the video says whether I liked it, live updates override it. */
export function LikeButton({ video, variant = "plain" }: { video: Video; variant?: "plain" | "overlay" }) {
  const { liked, like_count, set } = useLike(video);
  const toggle = () => set(!liked);

  const overlay = variant === "overlay";
  return (
    <button
      type="button"
      aria-pressed={liked}
      onClick={toggle}
      data-testid="like-button"
      className={overlay
        ? "flex flex-col items-center gap-1 text-white drop-shadow"
        : `btn ${liked ? "bg-brand-500 text-white hover:bg-brand-600" : "bg-zinc-200 hover:bg-zinc-300 dark:bg-zinc-800 dark:hover:bg-zinc-700"}`}
    >
      <span className={overlay ? `grid h-12 w-12 place-items-center rounded-full bg-black/40 ${liked ? "text-brand-500" : ""}` : ""}>
        <Icon name="heart" filled={liked} className={overlay ? "h-7 w-7" : "h-5 w-5"} />
      </span>
      <span className="sr-only">Like</span>
      <span data-testid="like-count" className={overlay ? "text-xs font-semibold" : ""}>{formatCount(like_count)}</span>
    </button>
  );
}
