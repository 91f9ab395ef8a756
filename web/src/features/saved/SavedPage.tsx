// Favourites (the videos you liked) and Watch later: one page shape for both lists.
import { Link } from "react-router-dom";
import { flattenUnique } from "@/lib/paging";
import { VideoGrid, VideoGridSkeleton } from "@/components/VideoCard";
import { EmptyState, ErrorState, LoadMore } from "@/components/ui";
import { useSavedList } from "./api";

const PAGES = {
  favourites: { title: "Favourites", empty: "No favourites yet", hint: "Videos you like show up here." },
  later: { title: "Watch later", empty: "Nothing saved for later", hint: "Use “Watch later” on a video's page to keep it here." },
} as const;

export default function SavedPage({ list }: { list: keyof typeof PAGES }) {
  const page = PAGES[list];
  const query = useSavedList(list);
  const videos = flattenUnique(query.data?.pages);
  return (
    <div className="mx-auto max-w-7xl px-4 py-6">
      <div className="mb-4 flex flex-wrap items-baseline gap-4">
        <h1 className="text-2xl font-bold">{page.title}</h1>
        <nav aria-label="My lists" className="flex gap-3 text-sm">
          <Link to="/favourites" className={list === "favourites" ? "font-semibold" : "text-brand-500 hover:underline"}>Favourites</Link>
          <Link to="/later" className={list === "later" ? "font-semibold" : "text-brand-500 hover:underline"}>Watch later</Link>
          <Link to="/albums" className="text-brand-500 hover:underline">Albums</Link>
        </nav>
      </div>
      {query.isLoading ? <VideoGridSkeleton /> : query.error ? <ErrorState error={query.error} retry={() => query.refetch()} /> : videos.length === 0 ? (
        <EmptyState title={page.empty} icon="heart">{page.hint}</EmptyState>
      ) : (
        <div data-testid={`${list}-list`}><VideoGrid videos={videos} /></div>
      )}
      <LoadMore active={!!query.hasNextPage} loading={query.isFetchingNextPage} onVisible={() => !query.isFetchingNextPage && query.fetchNextPage()} />
    </div>
  );
}
