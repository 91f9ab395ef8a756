// A video's owner changes, caption tracks and stand-in as server state, with their query
// keys (the video itself and seek previews are shared with the cards: lib/queries).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, toApiError, tokenStore } from "@/lib/api";
import { keys } from "@/lib/queries";
import type { Caption, Privacy, StandIn, Video, VideoId } from "@/lib/types";

export const mediaKeys = {
  captions: (id: VideoId) => ["captions", id] as const,
  standIn: (id: VideoId) => ["stand-in", id] as const,
};

/** The signed URL of the original playing while the video is processed. */
export function useStandIn(id: VideoId, enabled = true) {
  return useQuery({
    queryKey: mediaKeys.standIn(id),
    queryFn: () => api.get<StandIn>(`/api/videos/${id}/stand-in`),
    enabled,
    retry: false, // gone (404) once processing ends: the processed file takes over
    staleTime: 30 * 60_000,
  });
}

export function useCaptions(id: VideoId, enabled = true) {
  return useQuery({
    queryKey: mediaKeys.captions(id),
    queryFn: () => api.get<Caption[]>(`/api/videos/${id}/captions`),
    enabled,
    staleTime: 30 * 60_000, // the tracks' signed URLs live for hours
  });
}

async function sendForm(path: string, form: FormData): Promise<Caption> {
  const token = tokenStore.get();
  let response: Response;
  try {
    response = await fetch(path, { method: "POST", body: form, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw toApiError(0, null);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response.status, data);
  return data as Caption;
}

export function useCaptionChanges(id: VideoId) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: mediaKeys.captions(id) });
  const upload = useMutation({
    mutationFn: (p: { file: File; language: string; label: string; isDefault: boolean }) => {
      const form = new FormData();
      form.set("file", p.file);
      form.set("language", p.language);
      if (p.label) form.set("label", p.label);
      form.set("default", String(p.isDefault));
      return sendForm(`/api/videos/${id}/captions`, form);
    },
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: (p: { caption: Caption["id"]; is_default: boolean }) => api.patch<Caption>(`/api/videos/${id}/captions/${p.caption}`, { is_default: p.is_default }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (caption: Caption["id"]) => api.del(`/api/videos/${id}/captions/${caption}`),
    onSuccess: refresh,
  });
  return { upload, update, remove };
}

/** What the details form sends (tags already split, category as its id or none). */
export interface DetailsChange { title: string; description: string; tags: string[]; category_id: number | null }

/** The owner's (or an admin's) changes to a posted video: each answer goes into the cache,
 * and lists that show the video are refetched. */
export function useVideoChanges(id: VideoId) {
  const queryClient = useQueryClient();
  const store = (v: Video) => queryClient.setQueryData(keys.video(id), v);
  const details = useMutation({
    mutationFn: (change: DetailsChange) => api.patch<Video>(`/api/videos/${id}/details`, change),
    onSuccess: (v) => { store(v); queryClient.invalidateQueries({ queryKey: keys.mine() }); },
  });
  const privacy = useMutation({
    mutationFn: (p: Privacy) => api.patch<Video>(`/api/videos/${id}/privacy`, { privacy: p }),
    onSuccess: (v) => { store(v); queryClient.invalidateQueries({ queryKey: keys.feed() }); },
  });
  const remove = useMutation({
    mutationFn: () => api.del(`/api/videos/${id}`),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: keys.mine() });
      queryClient.invalidateQueries({ queryKey: keys.feed() });
    },
  });
  return { details, privacy, remove };
}
