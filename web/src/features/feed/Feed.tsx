// The feed: full-screen vertical videos with scroll snapping; the visible one plays.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { flattenUnique } from "@/lib/paging";
import { useAfterFirstTask } from "@/lib/nextTask";
import { useFeed, useNewVideos } from "./api";
import { FeedItem } from "./FeedItem";
import { Icon } from "@/components/icons";
import { EmptyState, ErrorState, Skeleton, Spinner } from "@/components/ui";

const MUTE_KEY = "clipset.muted";

function useRememberedMute(): [boolean, (m: boolean) => void] {
  const [muted, setMuted] = useState(() => localStorage.getItem(MUTE_KEY) !== "false");
  const set = useCallback((m: boolean) => {
    localStorage.setItem(MUTE_KEY, String(m));
    setMuted(m);
  }, []);
  return [muted, set];
}

export default function FeedPage() {
  const feed = useFeed();
  const videos = useMemo(() => flattenUnique(feed.data?.pages), [feed.data?.pages]);
  const news = useNewVideos(videos, feed.data?.pages[0]?.as_of);
  const [active, setActive] = useState(0);
  const [muted, setMuted] = useRememberedMute();
  const container = useRef<HTMLDivElement>(null);
  // The first clip mounts alone, the rest in the next task: the first paint waits on one.
  const rest = useAfterFirstTask(videos.length > 0);
  const shown = rest ? videos : videos.slice(0, 1);

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
  }, [shown.length]);

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
      if (e.key === " " && !t.closest("button, a, [role=slider]")) {
        e.preventDefault();
        const v = container.current?.querySelector<HTMLVideoElement>(`[data-index="${active}"] video`);
        if (v) { if (v.paused) void v.play().catch(() => undefined); else v.pause(); }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [go, muted, setMuted, active]);

  async function showNew() {
    await news.show();
    container.current?.scrollTo({ top: 0 });
    setActive(0);
  }

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
    <>
    <h1 className="sr-only">Feed</h1>
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 top-16 z-20 flex justify-center">
      {news.count > 0 && (
        <button type="button" className="pointer-events-auto rounded-full bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-lg hover:bg-brand-500" onClick={showNew} data-testid="new-videos">
          {news.count === 1 ? "1 new video" : `${news.count} new videos`} — show
        </button>
      )}
    </div>
    <div
      ref={container}
      className="no-scrollbar mx-auto h-full max-w-[min(100%,calc((100dvh-3.5rem)*0.5625+8rem))] snap-y snap-mandatory overflow-y-scroll overscroll-contain bg-black"
      aria-label="Video feed. Arrow keys move between videos, Space pauses and plays, M mutes."
      tabIndex={0}
      data-testid="feed"
    >
      {shown.map((v, i) => (
        <FeedItem key={v.id} video={v} index={i} active={i === active} near={i >= active - 1 && i <= active + 2} muted={muted} setMuted={setMuted} />
      ))}
      {feed.isFetchingNextPage && <div className="flex h-16 items-center justify-center"><Spinner label="Loading more videos" /></div>}
      {!hasNextPage && rest && (
        <div className="flex h-40 snap-start flex-col items-center justify-center gap-2 text-center text-sm text-zinc-300" data-testid="feed-end">
          <Icon name="inbox" className="h-8 w-8" />
          <p className="font-medium text-white">You're all caught up</p>
          <p>That's every video for now. <Link className="font-medium text-white underline" to="/browse">Browse all videos</Link></p>
        </div>
      )}
    </div>
    </>
  );
}
