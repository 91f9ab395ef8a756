// Comments of a video as server state: the list query and the post/delete mutations.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { keys } from "@/lib/queries";
import type { Comment, Page, VideoId } from "@/lib/types";

export function useComments(videoId: VideoId) {
  return useQuery({
    queryKey: keys.comments(videoId),
    queryFn: async () => (await api.get<Page<Comment>>(`/api/videos/${videoId}/comments`, { page_size: 100 })).items,
  });
}

/** Also done on the live event; this covers a connection that is down. */
function useRefresh(videoId: VideoId) {
  const queryClient = useQueryClient();
  return () => Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.comments(videoId) }),
    queryClient.invalidateQueries({ queryKey: keys.video(videoId) }),
  ]);
}

export function useAddComment(videoId: VideoId) {
  const refresh = useRefresh(videoId);
  return useMutation({
    mutationFn: (payload: { body: string; timestamp_seconds?: number }) => api.post<Comment>(`/api/videos/${videoId}/comment`, payload),
    onSuccess: refresh,
  });
}

export function useDeleteComment(videoId: VideoId) {
  const refresh = useRefresh(videoId);
  return useMutation({
    mutationFn: (id: Comment["id"]) => api.del(`/api/comments/${id}`),
    onSuccess: refresh,
  });
}
