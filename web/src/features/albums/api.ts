// Albums as server state: the query-key factory, the lists and the mutations.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import type { Album, AlbumMember, AlbumRole, Page, Video, VideoId } from "@/lib/types";

export const albumKeys = {
  all: () => ["albums"] as const,
  list: () => ["albums", "list"] as const,
  album: (id: string) => ["albums", "one", id] as const,
  videos: (id: string) => ["albums", "one", id, "videos"] as const,
  members: (id: string) => ["albums", "one", id, "members"] as const,
};

export function useAlbums() {
  return useQuery({ queryKey: albumKeys.list(), queryFn: () => api.get<Album[]>("/api/albums") });
}

export function useAlbum(id: string) {
  return useQuery({ queryKey: albumKeys.album(id), queryFn: () => api.get<Album>(`/api/albums/${encodeURIComponent(id)}`), retry: false });
}

export function useAlbumVideos(id: string, enabled = true) {
  return useQuery({
    queryKey: albumKeys.videos(id),
    queryFn: async () => (await api.get<Page<Video>>(`/api/albums/${id}/videos`, { page_size: 100 })).items,
    enabled,
  });
}

export function useAlbumMembers(id: string, enabled = true) {
  return useQuery({ queryKey: albumKeys.members(id), queryFn: () => api.get<AlbumMember[]>(`/api/albums/${id}/members`), enabled });
}

/** After any change to albums: every album list and page is refetched. */
function useRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: albumKeys.all() });
}

export function useCreateAlbum() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { title: string; description?: string }) => api.post<Album>("/api/albums", body),
    onSuccess: refresh,
  });
}

export function useUpdateAlbum(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { title?: string; description?: string; cover_video_id?: VideoId | null }) => api.patch<Album>(`/api/albums/${id}`, body),
    onSuccess: refresh,
  });
}

export function useDeleteAlbum(id: string) {
  const refresh = useRefresh();
  return useMutation({ mutationFn: () => api.del(`/api/albums/${id}`), onSuccess: refresh });
}

export function useAddToAlbum() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ album, videoIds }: { album: string; videoIds: VideoId[] }) => api.post<Album>(`/api/albums/${album}/videos`, { video_ids: videoIds }),
    onSuccess: refresh,
  });
}

export function useRemoveFromAlbum(id: string) {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (videoId: VideoId) => api.del(`/api/albums/${id}/videos/${videoId}`), onSuccess: refresh });
}

/** The new order shows at once; the server's answer (or a failure) refetches it. */
export function useReorderAlbum(id: string) {
  const queryClient = useQueryClient();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (videos: Video[]) => api.put(`/api/albums/${id}/order`, { video_ids: videos.map((v) => v.id) }),
    onMutate: (videos) => queryClient.setQueryData(albumKeys.videos(id), videos),
    onSettled: refresh,
  });
}

export function useSetMember(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: AlbumRole }) => api.put<AlbumMember>(`/api/albums/${id}/members/${userId}`, { role }),
    onSuccess: refresh,
  });
}

export function useRemoveMember(id: string) {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (userId: number) => api.del(`/api/albums/${id}/members/${userId}`), onSuccess: refresh });
}
