import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useAuth } from "@/lib/auth";
import { formatDuration, timeAgo } from "@/lib/format";
import { useLiveVideos } from "@/lib/live";
import { useToast } from "@/lib/toast";
import type { Comment, VideoId } from "@/lib/types";
import { useAddComment, useComments, useDeleteComment } from "./api";
import { EmptyState, Skeleton } from "@/components/ui";
import { TimestampText } from "@/components/TimestampText";


/** Comments of a video, live; timestamps seek the player when there is one. */
export function Comments({ videoId, currentTime, onSeek }: { videoId: VideoId; currentTime?: () => number; onSeek?: (s: number) => void }) {
  const { user } = useAuth();
  const toast = useToast();
  const q = useComments(videoId);
  const add = useAddComment(videoId);
  const del = useDeleteComment(videoId);
  useLiveVideos([videoId]);
  const [body, setBody] = useState("");
  const [atTime, setAtTime] = useState(false);
  const inputId = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return;
    const payload: { body: string; timestamp_seconds?: number } = { body: body.trim() };
    if (atTime && currentTime) payload.timestamp_seconds = Math.floor(currentTime());
    add.mutate(payload, { onSuccess: () => setBody(""), onError: (err) => toast.error(err) });
  }

  function remove(c: Comment) {
    del.mutate(c.id, { onError: (err) => toast.error(err) });
  }

  const comments = q.data ?? [];
  return (
    <section aria-label="Comments" className="flex flex-col gap-4">
      <form onSubmit={submit} className="flex flex-col gap-2">
        <label htmlFor={inputId} className="sr-only">Add a comment</label>
        <textarea id={inputId} className="input min-h-[4rem]" placeholder="Add a comment… (mention a time like 1:23)" value={body} maxLength={2000} onChange={(e) => setBody(e.target.value)} />
        <div className="flex items-center justify-between gap-2">
          {currentTime ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={atTime} onChange={(e) => setAtTime(e.target.checked)} />
              Comment at current time
            </label>
          ) : <span />}
          <button className="btn-primary" disabled={add.isPending || !body.trim()}>Post comment</button>
        </div>
      </form>
      {q.isLoading ? (
        <div className="flex flex-col gap-3"><Skeleton className="h-12" /><Skeleton className="h-12" /></div>
      ) : comments.length === 0 ? (
        <EmptyState title="No comments yet" icon="chat">Be the first to say something.</EmptyState>
      ) : (
        <ul className="flex flex-col gap-3" data-testid="comment-list">
          {comments.map((c) => (
            <li key={c.id} className="flex gap-3">
              <span className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-zinc-300 text-xs font-semibold uppercase dark:bg-zinc-700" aria-hidden="true">{c.author.username.slice(0, 1)}</span>
              <div className="min-w-0 flex-1 text-sm">
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <Link to={`/u/${encodeURIComponent(c.author.username)}`} className="font-semibold hover:underline">{c.author.username}</Link>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">{timeAgo(c.created_at)}</span>
                  {c.timestamp_seconds != null && (
                    onSeek ? (
                      <button type="button" className="text-xs font-medium text-brand-500 hover:underline" onClick={() => onSeek(c.timestamp_seconds!)} aria-label={`Jump to ${formatDuration(c.timestamp_seconds)}`} data-testid="comment-timestamp">
                        at {formatDuration(c.timestamp_seconds)}
                      </button>
                    ) : <span className="text-xs text-zinc-600 dark:text-zinc-400">at {formatDuration(c.timestamp_seconds)}</span>
                  )}
                </div>
                <p className="whitespace-pre-wrap break-words"><TimestampText text={c.body} onSeek={onSeek} /></p>
              </div>
              {user && (user.id === c.author.id || user.role === "admin") && (
                <button type="button" className="self-start text-xs text-zinc-600 dark:text-zinc-400 hover:text-red-600" onClick={() => remove(c)} aria-label={`Delete comment by ${c.author.username}`}>Delete</button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
