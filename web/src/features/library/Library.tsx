// My library: every video of mine in any state, with search, sort and bulk actions.
import { useId, useState } from "react";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "@/lib/api";
import { countOf, formatBytes, PRIVACY_WORDS, timeAgo } from "@/lib/format";
import { flattenUnique, nextPage } from "@/lib/paging";
import { useToast } from "@/lib/toast";
import { isUnfinished, keys, useQuota } from "@/lib/queries";
import type { Page, Privacy, Video, VideoId } from "@/lib/types";
import { AddToAlbumButton } from "@/features/albums";
import { Thumbnail } from "@/components/VideoCard";
import { ConfirmDialog, EmptyState, ErrorState, LoadMore, Skeleton, StatusBadge } from "@/components/ui";

const SORTS: Record<string, string> = { created_at: "Date", recorded_at: "Recorded", title: "Title", view_count: "Views", like_count: "Likes", file_size_bytes: "Size" };

export default function LibraryPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const ids = useId();
  const [search, setSearch] = useState("");
  const [text, setText] = useState("");
  const [sort, setSort] = useState("created_at");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [selected, setSelected] = useState<Set<VideoId>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const list = useInfiniteQuery({
    queryKey: keys.mine({ search, sort, order }),
    queryFn: ({ pageParam }) => api.get<Page<Video>>("/api/videos/mine", { page: pageParam, page_size: 30, search, sort_by: sort, sort_order: order }),
    initialPageParam: 1,
    getNextPageParam: nextPage,
    refetchInterval: (q) => flattenUnique(q.state.data?.pages).some(isUnfinished) ? 5000 : false,
  });
  const quota = useQuota();
  const videos = flattenUnique(list.data?.pages);
  const chosen = videos.filter((v) => selected.has(v.id));

  function toggle(id: VideoId) {
    setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  }

  async function bulk(action: (v: Video) => Promise<unknown>, done: string) {
    const results = await Promise.allSettled(chosen.map(action));
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed) toast.show(`${failed} of ${chosen.length} couldn't be changed.`, "error");
    else toast.show(done, "success");
    setSelected(new Set());
    queryClient.invalidateQueries({ queryKey: keys.mine() });
    queryClient.invalidateQueries({ queryKey: keys.quota() });
    queryClient.invalidateQueries({ queryKey: keys.feed() });
  }

  return (
    <div className="mx-auto max-w-6xl px-4 py-6">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-2">
        <h1 className="text-2xl font-bold">My library</h1>
        {quota.data && (
          <div className="w-full max-w-xs text-sm" data-testid="quota">
            <p className="mb-1 text-zinc-600 dark:text-zinc-400">{formatBytes(quota.data.used_bytes)} of {formatBytes(quota.data.limit_bytes)} uploaded this week</p>
            <div className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label="Weekly upload quota used" aria-valuenow={Math.round((100 * quota.data.used_bytes) / Math.max(1, quota.data.limit_bytes))} aria-valuemin={0} aria-valuemax={100}>
              <div className="h-full bg-brand-500" style={{ width: `${Math.min(100, (100 * quota.data.used_bytes) / Math.max(1, quota.data.limit_bytes))}%` }} />
            </div>
          </div>
        )}
      </div>
      <form className="mb-4 flex flex-wrap gap-2" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(text.trim()); }}>
        <label htmlFor={`${ids}-q`} className="sr-only">Search my videos</label>
        <input id={`${ids}-q`} type="search" className="input min-w-0 flex-1" placeholder="Search my videos" value={text} onChange={(e) => setText(e.target.value)} />
        <label htmlFor={`${ids}-sort`} className="sr-only">Sort by</label>
        <select id={`${ids}-sort`} className="input w-auto" value={sort} onChange={(e) => setSort(e.target.value)}>
          {Object.entries(SORTS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}
        </select>
        <button type="button" className="btn-ghost" onClick={() => setOrder(order === "desc" ? "asc" : "desc")} aria-label={`Order: ${order === "desc" ? "descending" : "ascending"}`}>{order === "desc" ? "↓" : "↑"}</button>
      </form>

      {chosen.length > 0 && (
        <div className="sticky top-0 z-10 mb-3 flex flex-wrap items-center gap-2 rounded-xl bg-zinc-900 p-3 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900" role="toolbar" aria-label="Bulk actions">
          <span className="mr-2 font-medium">{chosen.length} selected</span>
          {(Object.keys(PRIVACY_WORDS) as Privacy[]).map((p) => (
            <button key={p} className="rounded-lg bg-white/10 px-3 py-1.5 hover:bg-white/20 dark:bg-black/10" onClick={() => bulk((v) => api.patch(`/api/videos/${v.id}/privacy`, { privacy: p }), `Changed to ${PRIVACY_WORDS[p].toLowerCase()}.`)}>Make {p}</button>
          ))}
          <AddToAlbumButton videoIds={chosen.map((v) => v.id)} className="rounded-lg bg-white/10 px-3 py-1.5 hover:bg-white/20 dark:bg-black/10" onDone={() => setSelected(new Set())} />
          <button className="rounded-lg bg-red-600 px-3 py-1.5 text-white hover:bg-red-700" onClick={() => setConfirming(true)}>Delete…</button>
          <button className="ml-auto underline" onClick={() => setSelected(new Set())}>Clear</button>
        </div>
      )}

      {list.isLoading ? (
        <div className="flex flex-col gap-3">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-20" />)}</div>
      ) : list.error ? <ErrorState error={list.error} retry={() => list.refetch()} /> : videos.length === 0 ? (
        <EmptyState title={search ? `Nothing matches “${search}”` : "You haven't uploaded anything yet"} icon="folder">
          <Link to="/upload" className="text-brand-500 underline">Upload a video</Link>
        </EmptyState>
      ) : (
        <ul className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="library-list">
          <li className="flex items-center gap-3 py-2 text-sm text-zinc-600 dark:text-zinc-400">
            <input type="checkbox" aria-label="Select all" checked={chosen.length === videos.length} onChange={(e) => setSelected(e.target.checked ? new Set(videos.map((v) => v.id)) : new Set())} />
            Select all
          </li>
          {videos.map((v) => (
            <li key={v.id} className="flex items-center gap-3 py-3">
              <input type="checkbox" aria-label={`Select ${v.title}`} checked={selected.has(v.id)} onChange={() => toggle(v.id)} />
              <Link to={`/v/${v.id}`} className="w-28 shrink-0 sm:w-40"><Thumbnail video={v} /></Link>
              <div className="min-w-0 flex-1">
                <Link to={`/v/${v.id}`} className="line-clamp-1 font-medium hover:underline">{v.title}</Link>
                <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
                  <StatusBadge status={v.processing_status} />
                  <span>{PRIVACY_WORDS[v.privacy]}</span>
                  <span>{countOf(v.view_count, "view")} · {countOf(v.like_count, "like")}</span>
                  <span>{timeAgo(v.created_at)}</span>
                  {v.file_size_bytes != null && <span>{formatBytes(v.file_size_bytes)}</span>}
                </p>
                {v.processing_status === "failed" && v.error_message && <p className="text-xs text-red-600">{v.error_message}</p>}
              </div>
            </li>
          ))}
        </ul>
      )}
      <LoadMore active={!!list.hasNextPage} loading={list.isFetchingNextPage} onVisible={() => !list.isFetchingNextPage && list.fetchNextPage()} />
      <ConfirmDialog open={confirming} onClose={() => setConfirming(false)} title={`Delete ${chosen.length} video${chosen.length === 1 ? "" : "s"}?`} body="They and their files will be removed for good." confirm="Delete" danger onConfirm={() => bulk((v) => api.del(`/api/videos/${v.id}`), "Deleted.")} />
    </div>
  );
}
