// The feed as server state: the cursor list, and others' videos posted since it was
// loaded ("3 new videos — show").
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { infiniteQueryOptions, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { useLiveClient, useLiveStatus } from "@/lib/live";
import { nextCursor } from "@/lib/paging";
import { keys } from "@/lib/queries";
import type { CursorPage, Video } from "@/lib/types";

const PAGE = 10;
/** How many of the feed's first videos are looked at after the live connection was lost. */
const HEAD = 20;

/** The feed's pages (also what the app asks for ahead of the feed screen). */
export function feedQuery() {
  return infiniteQueryOptions({
    queryKey: keys.feed(),
    queryFn: ({ pageParam }) => api.get<CursorPage<Video>>("/api/videos/feed", { cursor: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: nextCursor,
  });
}

export function useFeed() {
  return useInfiniteQuery(feedQuery());
}

/** Others' videos posted since this walk of the feed began (`asOf`, the server's snapshot
 * time), and `show` to start again with them. They are announced live (`video.published`);
 * only when the connection comes back after a loss is the feed's head looked at, for what
 * was posted meanwhile. */
export function useNewVideos(shown: Video[], asOf: string | undefined) {
  const { user } = useAuth();
  const me = user?.id;
  const client = useLiveClient();
  const queryClient = useQueryClient();
  const status = useLiveStatus();
  // UI state: what this screen has been told of since its walk began.
  const [announced, setAnnounced] = useState<ReadonlySet<string>>(() => new Set());
  const add = useCallback((ids: string[]) => {
    setAnnounced((prev) => (ids.every((id) => prev.has(id)) ? prev : new Set([...prev, ...ids])));
  }, []);

  useEffect(() => client.onEvent((e) => {
    if (e.type === "video.published" && e.uploader_id !== me) add([e.video_id]);
  }), [client, me, add]);

  const lost = useRef(false);
  useEffect(() => {
    if (status === "lost") lost.current = true;
    if (status !== "open" || !lost.current || !asOf) return;
    lost.current = false;
    void queryClient.fetchQuery({
      queryKey: keys.feedHead(),
      queryFn: () => api.get<CursorPage<Video>>("/api/videos/feed", { limit: HEAD }),
      staleTime: 0,
    }).then((head) => {
      // Times are ISO 8601 UTC strings of one shape: they compare as text.
      add(head.items.filter((v) => v.created_at > asOf && v.uploader.id !== me).map((v) => v.id));
    }, () => undefined);
  }, [status, asOf, queryClient, me, add]);

  const count = useMemo(() => {
    const ids = new Set(shown.map((v) => v.id));
    return [...announced].filter((id) => !ids.has(id)).length;
  }, [announced, shown]);

  function show() {
    setAnnounced(new Set());
    queryClient.removeQueries({ queryKey: keys.feedHead() });
    return queryClient.resetQueries({ queryKey: keys.feed(), exact: true });
  }
  return { count, show };
}
