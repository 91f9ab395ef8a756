// A draft's filmstrip (frames of its uploaded original) as server state.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api";
import type { Answer, Draft } from "@/lib/types";

export type Filmstrip = Answer<"/api/videos/drafts/{draft_id}/filmstrip">;

export const filmstripKeys = {
  all: () => ["filmstrip"] as const,
  draft: (id: Draft["id"]) => ["filmstrip", id] as const,
};

/** The strip of a draft, once it exists; its signed link lives an hour, kept 50 minutes. */
export function useFilmstrip(draftId: Draft["id"] | null) {
  return useQuery({
    queryKey: filmstripKeys.draft(draftId ?? -1),
    queryFn: () => api.get<Filmstrip>(`/api/videos/drafts/${encodeURIComponent(String(draftId))}/filmstrip`),
    enabled: draftId != null,
    staleTime: 50 * 60_000,
    retry: false,
  });
}
