// Guest share links as server state: a video's or an album's links, my links, making,
// changing and revoking them, and the guest's side (opening and unlocking a link).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import type { components } from "@/lib/schema.gen";
import type { Answer, Page, VideoId } from "@/lib/types";

export type ShareLink = Answer<"/api/videos/{video_id}/shares", "post">;
export type NewShare = components["schemas"]["ShareIn"];
export type ShareChanges = components["schemas"]["SharePatch"];
export type Expiry = NonNullable<NewShare["expires_in"]>;
export type GuestShare = Answer<"/api/guest/{token}">;
export type GuestAlbum = NonNullable<GuestShare["album"]>;

/** What a link is made for: one video, or one album. */
export type ShareTarget = { kind: "video"; id: VideoId; title: string } | { kind: "album"; id: string; title: string };

function targetPath(target: ShareTarget): string {
  return target.kind === "video" ? `/api/videos/${target.id}/shares` : `/api/albums/${encodeURIComponent(target.id)}/shares`;
}

/** Cache keys of share links; `all()` is the prefix that refreshes every list of them. */
export const shareKeys = {
  all: () => ["shares"] as const,
  target: (target: ShareTarget) => ["shares", target.kind, target.id] as const,
  mine: (page: number) => ["shares", "mine", page] as const,
  guest: (token: string) => ["guest", token] as const,
};

export function useTargetShares(target: ShareTarget, enabled = true) {
  return useQuery({ queryKey: shareKeys.target(target), queryFn: () => api.get<ShareLink[]>(targetPath(target)), enabled });
}

export function useMyShares(page: number) {
  return useQuery({ queryKey: shareKeys.mine(page), queryFn: () => api.get<Page<ShareLink>>("/api/shares", { page, page_size: 20 }) });
}

export function useCreateShare(target: ShareTarget) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewShare) => api.post<ShareLink>(targetPath(target), body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: shareKeys.all() }),
  });
}

export function useUpdateShare() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: ShareLink["id"]; changes: ShareChanges }) => api.patch<ShareLink>(`/api/shares/${id}`, changes),
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
    // Each answer counts as one opening for the owner: asked once per page load, never
    // again on focus or reconnect (playing, seeking and switching videos fetch media only).
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
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
