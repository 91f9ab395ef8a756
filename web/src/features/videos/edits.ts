// Editing a posted video's cover and trim: the trim job's state, the two mutations, and
// the live events that move the job along, all in the query cache.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { useLiveVideos } from "@/lib/live";
import { keys } from "@/lib/queries";
import type { Answer, Video, VideoId } from "@/lib/types";
import { filmstripKeys } from "./filmstrip";

export type TrimState = Answer<"/api/videos/{video_id}/trim">;

export const editKeys = {
  trim: (id: VideoId) => ["trim", id] as const,
};

/** The trim job of a video (asked once, then moved along by live events). */
export function useTrimState(id: VideoId, enabled = true) {
  return useQuery({
    queryKey: editKeys.trim(id),
    queryFn: () => api.get<TrimState>(`/api/videos/${encodeURIComponent(id)}/trim`),
    enabled,
    staleTime: Infinity,
  });
}

/** Everything that shows the video's picture or cut is asked for again. */
function refreshMedia(queryClient: QueryClient, id: VideoId, cut: boolean) {
  const stale = [["thumbnail", id], keys.mine(), keys.videos(), keys.feed()];
  if (cut) stale.push(keys.video(id), ["stream", id], keys.previews(id), filmstripKeys.video(id));
  for (const queryKey of stale) void queryClient.invalidateQueries({ queryKey });
}

export function useVideoEdits(id: VideoId) {
  const queryClient = useQueryClient();
  const path = `/api/videos/${encodeURIComponent(id)}`;
  const cover = useMutation({
    mutationFn: (time: number) => api.put<Video>(`${path}/cover`, { time }),
    onSuccess: (video) => {
      queryClient.setQueryData(keys.video(id), video);
      refreshMedia(queryClient, id, false);
    },
  });
  const trim = useMutation({
    mutationFn: (range: { start: number; end: number }) => api.post<TrimState>(`${path}/trim`, range),
    onSuccess: (state) => queryClient.setQueryData(editKeys.trim(id), state),
  });
  return { cover, trim };
}

/** While mounted: the trim job's progress and outcome land in the cache. */
export function useEditEvents(id: VideoId) {
  const queryClient = useQueryClient();
  useLiveVideos([id], (e) => {
    const set = (state: TrimState) => queryClient.setQueryData(editKeys.trim(id), state);
    if (e.type === "video.edit_progress") set({ state: "running", percent: e.percent, error: null });
    if (e.type === "video.edit_failed") set({ state: "failed", percent: 0, error: e.error });
    if (e.type === "video.edited") {
      set({ state: "idle", percent: 100, error: null });
      refreshMedia(queryClient, id, true);
    }
  });
}
