// Server state: the reads the screens share, cached by react-query.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./api";
import { parsePreviews } from "./previews";
import { cachedVideo } from "./videoCache";
import type { Answer, Category, Previews, Quota, SignedUrl, Video, VideoId } from "./types";

/** Every cache key the screens share, so a change can refresh exactly what it affects. */
export const keys = {
  video: (id: Video["id"]) => ["video", id] as const,
  quota: () => ["quota"] as const,
  drafts: () => ["drafts"] as const,
  /** My videos; with the list's search and sort, one of its orderings. */
  mine: (params?: { search: string; sort: string; order: string }) => (params ? ["mine", params] : ["mine"]) as readonly unknown[],
  feed: () => ["feed"] as const,
  feedHead: () => ["feed", "head"] as const,
  videos: () => ["videos"] as const,
  categories: () => ["categories"] as const,
  comments: (id: Video["id"]) => ["comments", id] as const,
  previews: (id: Video["id"]) => ["previews", id] as const,
  setup: () => ["setup"] as const,
};

/** Whether this Clipset still needs its first admin (asked once per visit). */
export function useSetup() {
  return useQuery({ queryKey: keys.setup(), queryFn: () => api.get<Answer<"/api/setup">>("/api/setup"), staleTime: Infinity });
}

/** Waiting for or in processing: its status will still change. */
export function isUnfinished(v: Video | undefined): boolean {
  return v?.processing_status === "pending" || v?.processing_status === "processing";
}

/** A video; with `pollMs`, refetched until processing ends (live events can be missed
 * while the connection is down). */
export function useVideo(id: VideoId, { pollMs }: { pollMs?: number } = {}) {
  const queryClient = useQueryClient();
  return useQuery({
    ...videoQuery(id),
    enabled: id !== "",
    // A copy from a list the screen came from: the page has its shape at once.
    placeholderData: () => cachedVideo(queryClient, id),
    refetchInterval: (q) => (pollMs && isUnfinished(q.state.data) ? pollMs : false),
  });
}

/** A video as the API has it (also what the app asks for ahead of the video page). */
export function videoQuery(id: VideoId) {
  return { queryKey: keys.video(id), queryFn: () => api.get<Video>(`/api/videos/${encodeURIComponent(id)}`) };
}

/** This week's upload quota of the signed-in user. */
export function useQuota() {
  return useQuery({ queryKey: keys.quota(), queryFn: () => api.get<Quota>("/api/videos/quota"), retry: false });
}

export function useCategories() {
  return useQuery({
    queryKey: keys.categories(),
    queryFn: () => api.get<Category[]>("/api/categories"),
    staleTime: 60_000,
  });
}

/** Signed media URLs live for hours; refresh them well before they expire. */
export function signedUrlQuery(kind: "stream" | "thumbnail", id: VideoId, enabled = true) {
  return {
    queryKey: [kind, id],
    queryFn: () => api.get<SignedUrl>(`/api/videos/${kind}/${id}`),
    enabled,
    staleTime: 30 * 60_000,
    gcTime: 60 * 60_000,
    retry: 1,
  };
}

export function useStreamUrl(id: VideoId, enabled = true) {
  return useQuery(signedUrlQuery("stream", id, enabled));
}

export function useThumbnailUrl(id: VideoId, enabled = true) {
  return useQuery(signedUrlQuery("thumbnail", id, enabled));
}

/** A video's seek-preview tiles (player scrubber, card hover), or none: an older video
 * has no previews, which is not an error. */
export function usePreviews(id: VideoId, enabled = true) {
  return useQuery({
    queryKey: keys.previews(id),
    queryFn: async () => {
      let urls: Previews;
      try {
        urls = await api.get<Previews>(`/api/videos/${id}/previews`);
      } catch {
        return [];
      }
      const index = await fetch(urls.index_url);
      return index.ok ? parsePreviews(await index.text(), urls.sprite_url) : [];
    },
    enabled,
    staleTime: 30 * 60_000,
  });
}
