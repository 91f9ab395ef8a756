// The live connection as React hooks: one client for the app, subscriptions per screen,
// live counters kept in a tiny store the like buttons read.
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { tokenStore } from "./api";
import { useAuth } from "./auth";
import type { VideoId } from "./types";
import { LiveClient, liveUrl, type LiveEvent, type LiveStatus } from "./ws";

const Ctx = createContext<LiveClient | null>(null);

/** Live like counts and liked flags by video id, newer than any cached list. */
export const likeStore = (() => {
  const state = new Map<VideoId, { like_count?: number; liked?: boolean }>();
  const listeners = new Set<() => void>();
  let version = 0;
  return {
    get: (id: VideoId) => state.get(id),
    set(id: VideoId, patch: { like_count?: number; liked?: boolean }) {
      state.set(id, { ...state.get(id), ...patch });
      version++;
      listeners.forEach((fn) => fn());
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    version: () => version,
    clear() {
      state.clear();
      version++;
    },
  };
})();

export function useLikeState(id: VideoId, fallback: { like_count: number; liked: boolean }) {
  useSyncExternalStore(likeStore.subscribe, likeStore.version);
  const live = likeStore.get(id);
  return { like_count: live?.like_count ?? fallback.like_count, liked: live?.liked ?? fallback.liked };
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const [client] = useState(() => new LiveClient({ url: liveUrl(), getToken: tokenStore.get }));

  useEffect(() => {
    if (!user) return;
    client.start();
    return () => {
      client.stop();
      likeStore.clear();
    };
  }, [client, user]);

  useEffect(() => client.onEvent((e) => {
    if (e.type === "like.updated") likeStore.set(e.video_id, { like_count: e.like_count });
    if (e.type === "comment.created" || e.type === "comment.deleted") {
      queryClient.invalidateQueries({ queryKey: ["comments", e.video_id] });
      queryClient.invalidateQueries({ queryKey: ["video", e.video_id] }); // its comment_count
    }
    if (e.type === "video.ready" || e.type === "video.failed") {
      queryClient.invalidateQueries({ queryKey: ["video", e.video_id] });
      queryClient.invalidateQueries({ queryKey: ["mine"] });
      queryClient.invalidateQueries({ queryKey: ["feed"] });
      queryClient.invalidateQueries({ queryKey: ["videos"] });
    }
  }), [client, queryClient]);

  return <Ctx.Provider value={client}>{children}</Ctx.Provider>;
}

export function useLiveClient(): LiveClient {
  const c = useContext(Ctx);
  if (!c) throw new Error("useLiveClient outside LiveProvider");
  return c;
}

/** Receive live events of these videos while the component is mounted. */
export function useLiveVideos(ids: VideoId[], onEvent?: (e: LiveEvent) => void) {
  const client = useLiveClient();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = [...new Set(ids)].sort().join(","); // public ids never hold a comma
  useEffect(() => {
    if (!key) return;
    const list = key.split(",");
    const off = client.subscribe(list);
    const offEvents = client.onEvent((e) => {
      if (list.includes(e.video_id)) handler.current?.(e);
    });
    return () => {
      off();
      offEvents();
    };
  }, [client, key]);
}

export function useLiveStatus(): LiveStatus {
  const client = useLiveClient();
  const [status, setStatus] = useState<LiveStatus>(client.status);
  useEffect(() => client.onStatus(setStatus), [client]);
  return status;
}
