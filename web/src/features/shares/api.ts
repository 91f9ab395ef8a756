// Guest share links as server state: a video's links, my links, making and revoking
// them, and the guest's side (opening and unlocking a link).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import type { components } from "@/lib/schema.gen";
import type { Answer, Page, VideoId } from "@/lib/types";

export type ShareLink = Answer<"/api/videos/{video_id}/shares", "post">;
export type NewShare = components["schemas"]["ShareIn"];
export type Expiry = NonNullable<NewShare["expires_in"]>;
export type GuestShare = Answer<"/api/guest/{token}">;

/** Cache keys of share links; `all()` is the prefix that refreshes every list of them. */
export const shareKeys = {
  all: () => ["shares"] as const,
  video: (id: VideoId) => ["shares", "video", id] as const,
  mine: (page: number) => ["shares", "mine", page] as const,
  guest: (token: string) => ["guest", token] as const,
};

export function useVideoShares(id: VideoId, enabled = true) {
  return useQuery({ queryKey: shareKeys.video(id), queryFn: () => api.get<ShareLink[]>(`/api/videos/${id}/shares`), enabled });
}

export function useMyShares(page: number) {
  return useQuery({ queryKey: shareKeys.mine(page), queryFn: () => api.get<Page<ShareLink>>("/api/shares", { page, page_size: 20 }) });
}

export function useCreateShare(id: VideoId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewShare) => api.post<ShareLink>(`/api/videos/${id}/shares`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: shareKeys.all() }),
  });
}

export function useRevokeShare() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (linkId: ShareLink["id"]) => api.del(`/api/shares/${linkId}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: shareKeys.all() }),
  });
}

// An unlocked password link stays unlocked in this tab (the server's `access`, not the password).
const accessKey = (token: string) => `clipset.share.${token}`;
export const accessStore = {
  get(token: string): string | null {
    try { return sessionStorage.getItem(accessKey(token)); } catch { return null; }
  },
  set(token: string, access: string) {
    try { sessionStorage.setItem(accessKey(token), access); } catch { /* private mode: unlock again next time */ }
  },
};

export function useGuestShare(token: string) {
  return useQuery({
    queryKey: shareKeys.guest(token),
    queryFn: () => api.get<GuestShare>(`/api/guest/${encodeURIComponent(token)}`, { access: accessStore.get(token) }),
    retry: false,
    staleTime: Infinity,
  });
}

export function useUnlockShare(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => api.post<GuestShare>(`/api/guest/${encodeURIComponent(token)}/unlock`, { password }),
    onSuccess: (share) => {
      if (share.access) accessStore.set(token, share.access);
      queryClient.setQueryData(shareKeys.guest(token), share);
    },
  });
}
