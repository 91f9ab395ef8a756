import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { api } from "@/lib/api";
import { flattenUnique, nextPage } from "@/lib/paging";
import type { Page, User, Video } from "@/lib/types";
import { VideoGrid, VideoGridSkeleton } from "@/components/VideoCard";
import { EmptyState, ErrorState, LoadMore, Skeleton } from "@/components/ui";

export default function ProfilePage() {
  const username = useParams().username ?? "";
  const profile = useQuery({ queryKey: ["user", username], queryFn: () => api.get<User>(`/api/users/by-username/${encodeURIComponent(username)}`) });
  const uid = profile.data?.id;
  const list = useInfiniteQuery({
    queryKey: ["videos", "user", uid],
    queryFn: ({ pageParam }) => api.get<Page<Video>>(`/api/videos/user/${uid}`, { page: pageParam, page_size: 24 }),
    initialPageParam: 1,
    getNextPageParam: nextPage,
    enabled: uid != null,
  });
  if (profile.error) return <ErrorState error={profile.error} retry={() => profile.refetch()} />;
  const videos = flattenUnique(list.data?.pages);
  return (
    <div className="mx-auto max-w-7xl px-4 py-6">
      <div className="mb-6 flex items-center gap-4">
        <span className="grid h-16 w-16 place-items-center rounded-full bg-brand-500 text-2xl font-bold uppercase text-white" aria-hidden="true">{username.slice(0, 1)}</span>
        <div>
          <h1 className="text-2xl font-bold">{username}</h1>
          {profile.data ? <p className="text-sm text-zinc-600 dark:text-zinc-400">Member since {new Date(profile.data.created_at).toLocaleDateString()} · {list.data?.pages[0]?.total_count ?? "…"} videos</p> : <Skeleton className="h-4 w-40" />}
        </div>
      </div>
      {list.isLoading || profile.isLoading ? <VideoGridSkeleton /> : list.error ? <ErrorState error={list.error} retry={() => list.refetch()} /> : videos.length === 0 ? (
        <EmptyState title="No videos yet" icon="film">{username} hasn't posted anything you can see.</EmptyState>
      ) : (
        <>
          <VideoGrid videos={videos} />
          <LoadMore active={!!list.hasNextPage} loading={list.isFetchingNextPage} onVisible={() => !list.isFetchingNextPage && list.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
