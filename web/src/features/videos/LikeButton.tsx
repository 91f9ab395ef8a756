import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { Icon } from "@/components/icons";
import { formatCount } from "@/lib/format";
import { useToast } from "@/lib/toast";
import type { LikeState, Video } from "@/lib/types";
import { cachedVideo, patchVideo } from "@/lib/videoCache";

/** Like or unlike a video at once (optimistic, in every cached copy), then the server's
 * answer; a failure puts back what was there. */
export function useLike(video: Video) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationKey: ["like", video.id],
    mutationFn: (next: boolean) => next
      ? api.post<LikeState>(`/api/videos/${video.id}/like`)
      : api.del<LikeState>(`/api/videos/${video.id}/unlike`),
    onMutate: (next) => {
      const before = cachedVideo(queryClient, video.id) ?? video;
      const previous = { liked: before.liked, like_count: before.like_count };
      patchVideo(queryClient, video.id, { liked: next, like_count: Math.max(0, previous.like_count + (next ? 1 : -1)) });
      return previous;
    },
    onSuccess: (r) => { if (r) patchVideo(queryClient, video.id, { liked: r.liked, like_count: r.like_count }); },
    onError: (err, _next, previous) => {
      if (previous) patchVideo(queryClient, video.id, previous);
      toast.error(err);
    },
  });
  const { liked, like_count } = video;
  function set(next: boolean) {
    if (mutation.isPending || next === liked) return;
    mutation.mutate(next);
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
