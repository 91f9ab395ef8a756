// Browse: featured row, category filter, search, sort, and an infinite grid.
import { useEffect, useId, useState } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api } from "@/lib/api";
import { flattenUnique, nextPage } from "@/lib/paging";
import { useCategories } from "@/lib/queries";
import type { Page, Video } from "@/lib/types";
import { FIRST_ROW, VideoCard, VideoGrid, VideoGridSkeleton } from "@/components/VideoCard";
import { EmptyState, ErrorState, LoadMore } from "@/components/ui";

const SORTS = { created_at: "Newest", recorded_at: "Recently recorded", view_count: "Most viewed", like_count: "Most liked" } as const;
type Sort = keyof typeof SORTS;

export default function BrowsePage() {
  const { slug } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const category = slug ? categories.data?.find((c) => c.slug === slug) : undefined;
  const q = params.get("q") ?? "";
  const sort = (params.get("sort") as Sort) in SORTS ? (params.get("sort") as Sort) : "created_at";
  const [text, setText] = useState(q);
  const ids = useId();
  useEffect(() => setText(q), [q]);

  const list = useInfiniteQuery({
    queryKey: ["videos", { q, sort, category: category?.id }],
    queryFn: ({ pageParam }) => api.get<Page<Video>>("/api/videos", { page: pageParam, page_size: 24, q, sort_by: sort, order: "desc", category_id: category?.id }),
    initialPageParam: 1,
    getNextPageParam: nextPage,
    enabled: !slug || !!category,
  });
  const featured = useQuery({
    queryKey: ["featured"],
    queryFn: async () => (await api.get<Page<Video>>("/api/videos/featured", { page_size: 12 })).items,
    enabled: !q && !slug,
  });
  const videos = flattenUnique(list.data?.pages);

  function update(next: Record<string, string>) {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) { if (v) p.set(k, v); else p.delete(k); }
    setParams(p, { replace: true });
  }

  return (
    <div className="mx-auto max-w-7xl px-4 py-6">
      <h1 className="mb-4 text-2xl font-bold">{category ? category.name : "Browse"}</h1>
      <form className="mb-4 flex flex-wrap gap-2" role="search" onSubmit={(e) => { e.preventDefault(); update({ q: text.trim() }); }}>
        <label htmlFor={`${ids}-q`} className="sr-only">Search videos</label>
        <input id={`${ids}-q`} type="search" className="input min-w-0 flex-1" placeholder="Search titles, descriptions, tags…" value={text} onChange={(e) => setText(e.target.value)} />
        <button className="btn-primary">Search</button>
        <label htmlFor={`${ids}-sort`} className="sr-only">Sort by</label>
        <select id={`${ids}-sort`} className="input w-auto" value={sort} onChange={(e) => update({ sort: e.target.value === "created_at" ? "" : e.target.value })}>
          {Object.entries(SORTS).map(([k, label]) => <option key={k} value={k}>{label}</option>)}
        </select>
      </form>
      <nav aria-label="Categories" className="no-scrollbar mb-6 flex gap-2 overflow-x-auto">
        <Link to={{ pathname: "/browse", search: params.toString() }} className={`shrink-0 rounded-full px-3 py-1.5 text-sm ${!slug ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900" : "bg-zinc-200 dark:bg-zinc-800"}`}>All</Link>
        {(categories.data ?? []).map((c) => (
          <Link key={c.id} to={{ pathname: `/c/${c.slug}`, search: params.toString() }} className={`shrink-0 rounded-full px-3 py-1.5 text-sm ${slug === c.slug ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900" : "bg-zinc-200 dark:bg-zinc-800"}`}>{c.name}</Link>
        ))}
      </nav>

      {!q && !slug && (featured.data?.length ?? 0) > 0 && (
        <section aria-labelledby={`${ids}-featured`} className="mb-8">
          <h2 id={`${ids}-featured`} className="mb-3 text-lg font-semibold">Featured</h2>
          <div className="no-scrollbar flex snap-x gap-4 overflow-x-auto pb-2">
            {featured.data!.map((v, i) => <div key={v.id} className="w-64 shrink-0 snap-start"><VideoCard video={v} eager={i < FIRST_ROW} sizes="256px" /></div>)}
          </div>
        </section>
      )}

      {slug && categories.isSuccess && !category ? (
        <EmptyState title="No such category" icon="folder">It may have been removed. <button className="text-brand-500 underline" onClick={() => navigate("/browse")}>See all videos</button></EmptyState>
      ) : list.isLoading ? <VideoGridSkeleton /> : list.error ? <ErrorState error={list.error} retry={() => list.refetch()} /> : videos.length === 0 ? (
        <EmptyState title={q ? `Nothing matches “${q}”` : "No videos here yet"} icon="search">{q ? "Try other words." : <Link to="/upload" className="text-brand-500 underline">Upload one</Link>}</EmptyState>
      ) : (
        <>
          <VideoGrid videos={videos} />
          <LoadMore active={!!list.hasNextPage} loading={list.isFetchingNextPage} onVisible={() => !list.isFetchingNextPage && list.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
