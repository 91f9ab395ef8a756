// Server state: the reads the screens share, cached by react-query.
import { useQuery } from "@tanstack/react-query";
import { api, itemsOf } from "./api";
import type { Category, SignedUrl, Video } from "./types";

export function useVideo(id: number) {
  return useQuery({ queryKey: ["video", id], queryFn: () => api.get<Video>(`/api/videos/${id}`), enabled: Number.isFinite(id) });
}

export function useCategories() {
  return useQuery({
    queryKey: ["categories"],
    queryFn: async () => itemsOf(await api.get<Category[] | { items: Category[] }>("/api/categories", { page_size: 100 })),
    staleTime: 60_000,
  });
}

/** Signed media URLs live for hours; refresh them well before they expire. */
function signed(kind: "stream" | "thumbnail", id: number, enabled = true) {
  return {
    queryKey: [kind, id],
    queryFn: () => api.get<SignedUrl>(`/api/videos/${kind}/${id}`),
    enabled,
    staleTime: 30 * 60_000,
    gcTime: 60 * 60_000,
    retry: 1,
  };
}

export function useStreamUrl(id: number, enabled = true) {
  return useQuery(signed("stream", id, enabled));
}

export function useThumbnailUrl(id: number, enabled = true) {
  return useQuery(signed("thumbnail", id, enabled));
}
