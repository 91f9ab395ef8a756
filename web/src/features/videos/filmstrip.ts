// Filmstrips (frames of a draft's original, or of a posted video) as server state.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api";
import type { Answer, Draft, VideoId } from "@/lib/types";

export type Filmstrip = Answer<"/api/videos/drafts/{draft_id}/filmstrip">;

export const filmstripKeys = {
  all: () => ["filmstrip"] as const,
  draft: (id: Draft["id"]) => ["filmstrip", id] as const,
  video: (id: VideoId) => ["filmstrip", "video", id] as const,
};

// Signed links live an hour; kept 50 minutes.
const STRIP_STALE_MS = 50 * 60_000;

/** The strip of a draft, once it exists. */
export function useFilmstrip(draftId: Draft["id"] | null) {
  return useQuery({
    queryKey: filmstripKeys.draft(draftId ?? -1),
    queryFn: () => api.get<Filmstrip>(`/api/videos/drafts/${encodeURIComponent(String(draftId))}/filmstrip`),
    enabled: draftId != null,
    staleTime: STRIP_STALE_MS,
    retry: false,
  });
}

/** The strip of a posted video, for its editor (a new trim makes a new one). */
export function useVideoFilmstrip(id: VideoId, enabled = true) {
  return useQuery({
    queryKey: filmstripKeys.video(id),
    queryFn: () => api.get<Filmstrip>(`/api/videos/${encodeURIComponent(id)}/filmstrip`),
    enabled,
    staleTime: STRIP_STALE_MS,
    retry: false,
  });
}
