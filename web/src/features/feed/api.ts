// The feed as server state: the cursor list, and a look at its head for videos posted
// since it was loaded ("3 new videos — show").
import { useEffect, useMemo, useState } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { useLiveStatus } from "@/lib/live";
import { nextCursor } from "@/lib/paging";
import { keys } from "@/lib/queries";
import type { CursorPage, Video } from "@/lib/types";

const PAGE = 10;
/** How many of the feed's first videos are compared with what is shown. */
const HEAD = 20;
/** How often the head is looked at while the tab is open; also on return to the tab and
 * when the live connection comes back (the server sends no event for others' posts). */
const HEAD_EVERY_MS = 60_000;

export function useFeed() {
  return useInfiniteQuery({
    queryKey: keys.feed(),
    queryFn: ({ pageParam }) => api.get<CursorPage<Video>>("/api/videos/feed", { cursor: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

/** Others' videos that entered the feed's head since it was first looked at, and `show`
 * to load them. Compared by id, not time: the feed is not strictly newest-first. */
export function useNewVideos(shown: Video[]) {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const status = useLiveStatus();
  const head = useQuery({
    queryKey: keys.feedHead(),
    queryFn: () => api.get<CursorPage<Video>>("/api/videos/feed", { limit: HEAD }),
    enabled: shown.length > 0,
    staleTime: 0,
    refetchInterval: HEAD_EVERY_MS,
    refetchOnWindowFocus: true,
  });
  const { refetch } = head;
  useEffect(() => {
    if (status === "open" && shown.length > 0) void refetch();
  }, [status, refetch, shown.length]);

  // The head as first seen is the baseline (held as UI state: what this screen has seen).
  const [baseline, setBaseline] = useState<Set<string> | null>(null);
  if (head.data && baseline === null) setBaseline(new Set(head.data.items.map((v) => v.id)));

  const fresh = useMemo(() => {
    if (!head.data || !baseline) return [];
    const ids = new Set(shown.map((v) => v.id));
    return head.data.items.filter((v) => !baseline.has(v.id) && !ids.has(v.id) && v.uploader.id !== user?.id);
  }, [head.data, baseline, shown, user?.id]);

  function show() {
    setBaseline(null);
    queryClient.removeQueries({ queryKey: keys.feedHead() });
    return queryClient.resetQueries({ queryKey: keys.feed(), exact: true });
  }
  return { count: fresh.length, show };
}
