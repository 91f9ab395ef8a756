// Favourites and Watch later as server state.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { nextPage } from "@/lib/paging";
import type { Page, SavedState, Video, VideoId } from "@/lib/types";

export const savedKeys = {
  favourites: () => ["saved", "favourites"] as const,
  later: () => ["saved", "later"] as const,
  isSaved: (id: VideoId) => ["saved", "later", id] as const,
};

const LISTS = { favourites: "/api/videos/liked", later: "/api/videos/later" } as const;

export function useSavedList(list: keyof typeof LISTS) {
  return useInfiniteQuery({
    queryKey: savedKeys[list](),
    queryFn: ({ pageParam }) => api.get<Page<Video>>(LISTS[list], { page: pageParam, page_size: 24 }),
    initialPageParam: 1,
    getNextPageParam: nextPage,
  });
}

export function useIsSaved(id: VideoId) {
  return useQuery({ queryKey: savedKeys.isSaved(id), queryFn: () => api.get<SavedState>(`/api/videos/${id}/later`) });
}

export function useSetSaved(id: VideoId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (saved: boolean) => saved ? api.put<SavedState>(`/api/videos/${id}/later`) : api.del<SavedState>(`/api/videos/${id}/later`),
    onSuccess: (state) => {
      queryClient.setQueryData(savedKeys.isSaved(id), state);
      queryClient.invalidateQueries({ queryKey: savedKeys.later(), exact: true });
    },
  });
}
