// The live connection as React hooks: one client for the app, subscriptions per screen,
// events written into the query cache (the one home of server state).
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { tokenStore } from "./api";
import { useAuth } from "./auth";
import { api } from "./api";
import { isUnfinished, keys } from "./queries";
import type { Comment, Video, VideoId } from "./types";
import { patchVideo, queriesHolding } from "./videoCache";
import { nextTask } from "./nextTask";
import { LiveClient, liveUrl, type LiveEvent, type LiveStatus } from "./ws";

const Ctx = createContext<LiveClient | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const [client] = useState(() => new LiveClient({ url: liveUrl(), getToken: tokenStore.get }));

  useEffect(() => {
    if (!user) return;
    // The socket opens after the first screen is committed, in a task of its own.
    let stopped = false;
    void nextTask().then(() => { if (!stopped) client.start(); });
    return () => {
      stopped = true;
      client.stop();
    };
  }, [client, user]);

  useEffect(() => client.onEvent((e) => {
    if (e.type === "events.missed") {
      void queryClient.invalidateQueries(); // what is on screen is fetched again
      return;
    }
    if (e.type === "subscribed") {
      // A video still processing may have finished before the server followed it for
      // this screen (a page opened while the job was ending): what shows it is asked again.
      for (const queryKey of queriesHolding(queryClient, e.video_ids, isUnfinished)) {
        void queryClient.invalidateQueries({ queryKey, exact: true });
      }
      return;
    }
    if (e.type === "like.updated") patchVideo(queryClient, e.video_id, { like_count: e.like_count });
    if (e.type === "video.progress") patchVideo(queryClient, e.video_id, { progress: e.percent });
    if (e.type === "video.playable") patchVideo(queryClient, e.video_id, { stand_in_type: e.stand_in_type });
    if (e.type === "comment.created" || e.type === "comment.deleted") {
      queryClient.setQueryData<Comment[]>(keys.comments(e.video_id), (list) => {
        if (!list) return list;
        if (e.type === "comment.created") return list.some((c) => c.id === e.comment.id) ? list : [e.comment, ...list];
        return list.filter((c) => c.id !== e.comment_id);
      });
      // The event carries no count: take the server's, then write it into every copy.
      void queryClient.fetchQuery({
        queryKey: keys.video(e.video_id),
        queryFn: () => api.get<Video>(`/api/videos/${encodeURIComponent(e.video_id)}`),
        staleTime: 0,
      }).then((v) => patchVideo(queryClient, v.id, { comment_count: v.comment_count }), () => undefined);
    }
    if (e.type === "video.ready" || e.type === "video.failed") {
      queryClient.invalidateQueries({ queryKey: keys.video(e.video_id) });
      queryClient.invalidateQueries({ queryKey: keys.mine() });
      queryClient.invalidateQueries({ queryKey: keys.feed() });
      queryClient.invalidateQueries({ queryKey: keys.videos() });
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
      if ("video_id" in e && list.includes(e.video_id)) handler.current?.(e);
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
