// The feed: full-screen vertical videos with scroll snapping; the visible one plays.
import { useCallback, useEffect, useRef, useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "../lib/api";
import { formatCount } from "../lib/format";
import { useLiveVideos } from "../lib/live";
import { flattenUnique, nextCursor } from "../lib/paging";
import { useStreamUrl, useThumbnailUrl } from "../lib/queries";
import type { CursorPage, Video } from "../lib/types";
import { Icon } from "../components/icons";
import { Comments } from "../components/Comments";
import { LikeButton } from "../components/LikeButton";
import { Dialog, EmptyState, ErrorState, Skeleton, Spinner } from "../components/ui";

const MUTE_KEY = "clipset.muted";

function useRememberedMute(): [boolean, (m: boolean) => void] {
  const [muted, setMuted] = useState(() => localStorage.getItem(MUTE_KEY) !== "false");
  const set = useCallback((m: boolean) => {
    localStorage.setItem(MUTE_KEY, String(m));
    setMuted(m);
  }, []);
  return [muted, set];
}

function FeedItem({ video, index, active, near, muted, setMuted }: {
  video: Video; index: number; active: boolean; near: boolean; muted: boolean; setMuted: (m: boolean) => void;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  const stream = useStreamUrl(video.id, near);
  const thumb = useThumbnailUrl(video.id, near);
  const [comments, setComments] = useState(false);
  const [commentCount, setCommentCount] = useState(video.comment_count);
  const viewed = useRef(false);
  useLiveVideos(near ? [video.id] : [], (e) => {
    if (e.type === "comment.created") setCommentCount((n) => n + 1);
    if (e.type === "comment.deleted") setCommentCount((n) => Math.max(0, n - 1));
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (active) {
      el.muted = muted;
      el.play().catch(() => {
        // Autoplay with sound needs a gesture first: fall back to muted.
        if (!el.muted) {
          el.muted = true;
          setMuted(true);
          el.play().catch(() => undefined);
        }
      });
    } else {
      el.pause();
    }
  }, [active, muted, stream.data?.url, setMuted]);

  function onPlaying() {
    if (viewed.current) return;
    viewed.current = true;
    api.post(`/api/videos/${video.id}/views`).catch(() => undefined);
  }

  return (
    <section
      className="relative flex h-full w-full snap-start snap-always items-center justify-center bg-black"
      data-index={index}
      data-testid="feed-item"
      aria-label={video.title}
    >
      {stream.data ? (
        <video
          ref={ref}
          src={stream.data.url}
          poster={thumb.data?.url}
          className="h-full w-full object-contain"
          playsInline
          loop
          muted={muted}
          preload={near ? "auto" : "none"}
          onPlaying={onPlaying}
          onClick={() => setMuted(!muted)}
          data-testid="feed-video"
        />
      ) : near && stream.error ? (
        <p className="px-6 text-center text-sm text-white/80">This video can't be played right now.</p>
      ) : (
        <Spinner label="Loading video" />
      )}
      <button
        type="button"
        className="absolute left-3 top-3 rounded-full bg-black/50 px-3 py-1.5 text-sm text-white"
        aria-label={muted ? "Unmute" : "Mute"}
        aria-pressed={!muted}
        onClick={() => setMuted(!muted)}
      >
        <span className="flex items-center gap-1.5"><Icon name={muted ? "muted" : "sound"} className="h-4 w-4" />{muted && "Tap to unmute"}</span>
      </button>
      <div className="pointer-events-none absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/80 via-black/30 to-transparent p-4 pr-20 text-white">
        <Link to={`/v/${video.id}`} className="pointer-events-auto block text-lg font-semibold leading-tight hover:underline">{video.title}</Link>
        <Link to={`/u/${encodeURIComponent(video.uploader.username)}`} className="pointer-events-auto text-sm text-white/80 hover:underline">@{video.uploader.username}</Link>
        {video.description && <p className="mt-1 line-clamp-2 text-sm text-white/80">{video.description}</p>}
      </div>
      <div className="absolute bottom-24 right-3 flex flex-col items-center gap-5">
        <LikeButton video={video} variant="overlay" />
        <button type="button" className="flex flex-col items-center gap-1 text-white drop-shadow" onClick={() => setComments(true)} aria-label={`Comments (${commentCount})`}>
          <span className="grid h-12 w-12 place-items-center rounded-full bg-black/40"><Icon name="comment" className="h-6 w-6" /></span>
          <span className="text-xs font-semibold">{formatCount(commentCount)}</span>
        </button>
      </div>
      <Dialog open={comments} onClose={() => setComments(false)} title={`Comments on “${video.title}”`}>
        <div className="max-h-[60vh] overflow-y-auto pr-1">
          {comments && <Comments videoId={video.id} currentTime={() => ref.current?.currentTime ?? 0} onSeek={(s) => { if (ref.current) ref.current.currentTime = s; }} />}
        </div>
        <div className="mt-3 flex justify-end"><button className="btn-ghost" onClick={() => setComments(false)}>Close</button></div>
      </Dialog>
    </section>
  );
}

export function FeedPage() {
  const feed = useInfiniteQuery({
    queryKey: ["feed"],
    queryFn: ({ pageParam }) => api.get<CursorPage<Video>>("/api/videos/feed", { cursor: pageParam, limit: 10 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
  const videos = flattenUnique(feed.data?.pages);
  const [active, setActive] = useState(0);
  const [muted, setMuted] = useRememberedMute();
  const container = useRef<HTMLDivElement>(null);

  // The item that fills most of the screen is the active one.
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) setActive(Number((e.target as HTMLElement).dataset.index));
      }
    }, { root, threshold: 0.6 });
    root.querySelectorAll("[data-index]").forEach((el) => io.observe(el));
    return () => io.disconnect();
  }, [videos.length]);

  // The query result is a new object each render; depend on the parts that matter.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = feed;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && active >= videos.length - 3) fetchNextPage();
  }, [active, videos.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const go = useCallback((delta: number) => {
    const root = container.current;
    if (!root) return;
    const target = Math.max(0, Math.min(videos.length - 1, active + delta));
    root.scrollTo({ top: target * root.clientHeight, behavior: "smooth" });
  }, [active, videos.length]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest("input, textarea, select, dialog, [contenteditable]")) return;
      if (e.key === "ArrowDown" || e.key === "j" || e.key === "PageDown") { e.preventDefault(); go(1); }
      if (e.key === "ArrowUp" || e.key === "k" || e.key === "PageUp") { e.preventDefault(); go(-1); }
      if (e.key === "m") setMuted(!muted);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [go, muted, setMuted]);

  if (feed.isLoading) {
    return <div className="mx-auto h-full max-w-md p-4"><Skeleton className="h-full w-full rounded-2xl" /></div>;
  }
  if (feed.error) return <ErrorState error={feed.error} retry={() => feed.refetch()} />;
  if (videos.length === 0) {
    return (
      <EmptyState title="Nothing in the feed yet" icon="inbox">
        When someone posts a public video it shows up here. <Link className="font-medium text-brand-500 hover:underline" to="/upload">Upload the first one</Link>.
      </EmptyState>
    );
  }
  return (
    <div
      ref={container}
      className="no-scrollbar mx-auto h-full max-w-[min(100%,calc((100dvh-3.5rem)*0.5625+8rem))] snap-y snap-mandatory overflow-y-scroll overscroll-contain bg-black"
      aria-label="Video feed. Use the arrow keys to move between videos."
      tabIndex={0}
      data-testid="feed"
    >
      {videos.map((v, i) => (
        <FeedItem key={v.id} video={v} index={i} active={i === active} near={i >= active - 1 && i <= active + 2} muted={muted} setMuted={setMuted} />
      ))}
      {feed.isFetchingNextPage && <div className="flex h-16 items-center justify-center"><Spinner label="Loading more videos" /></div>}
    </div>
  );
}
