// The query cache is the one home of server state: a change to a video (a live like count,
// my like, a new comment count) is written into every cached copy of it, whatever list or
// page holds it, so no screen keeps a counter of its own.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { keys } from "./queries";
import type { Video, VideoId } from "./types";

export type VideoPatch = Partial<Pick<Video, "like_count" | "liked" | "comment_count" | "progress" | "stand_in_type">>;

function isVideo(x: unknown, id: VideoId): x is Video {
  return !!x && typeof x === "object" && (x as { id?: unknown }).id === id && "like_count" in x;
}

function isAnyVideo(x: unknown, ids: ReadonlySet<VideoId>): x is Video {
  return !!x && typeof x === "object" && ids.has((x as { id?: VideoId }).id as VideoId) && "like_count" in x;
}

/** `data` with every copy of video `id` patched; the same object when nothing changed,
 * so untouched queries do not re-render. */
export function patchIn<T>(data: T, id: VideoId, patch: VideoPatch): T {
  if (Array.isArray(data)) {
    let changed = false;
    const out = data.map((item) => {
      const next = patchIn(item, id, patch);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? out : data) as T;
  }
  if (!data || typeof data !== "object") return data;
  if (isVideo(data, id)) {
    const same = Object.entries(patch).every(([k, v]) => (data as Record<string, unknown>)[k] === v);
    return same ? data : { ...data, ...patch };
  }
  // Pages ({items}), infinite lists ({pages}) and other wrappers: look inside.
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const next = patchIn(v, id, patch);
    if (next !== v) changed = true;
    out[k] = next;
  }
  return (changed ? out : data) as T;
}

/** Write `patch` into every cached copy of video `id`. */
export function patchVideo(queryClient: QueryClient, id: VideoId, patch: VideoPatch) {
  for (const query of queryClient.getQueryCache().getAll()) {
    const data = query.state.data;
    if (data === undefined) continue;
    const next = patchIn(data, id, patch);
    if (next !== data) queryClient.setQueryData(query.queryKey, next);
  }
}

/** What the cache holds for video `id` now (the freshest copy found). */
export function cachedVideo(queryClient: QueryClient, id: VideoId): Video | undefined {
  let found: Video | undefined;
  const look = (x: unknown) => {
    if (found || !x || typeof x !== "object") return;
    if (isVideo(x, id)) { found = x; return; }
    for (const v of Array.isArray(x) ? x : Object.values(x)) look(v);
  };
  look(queryClient.getQueryData(keys.video(id)));
  for (const q of queryClient.getQueryCache().getAll()) {
    if (found) break; // the video's own query first: lists are walked only without it
    look(q.state.data);
  }
  return found;
}

/** The keys of the queries that hold a copy of any of `ids` that `pick` accepts: one walk
 * of the cache however many ids are asked about. */
export function queriesHolding(queryClient: QueryClient, ids: readonly VideoId[], pick: (v: Video) => boolean): QueryKey[] {
  const wanted = new Set(ids);
  const holds = (x: unknown): boolean => {
    if (!x || typeof x !== "object") return false;
    if (isAnyVideo(x, wanted)) return pick(x);
    return (Array.isArray(x) ? x : Object.values(x)).some(holds);
  };
  if (wanted.size === 0) return [];
  return queryClient.getQueryCache().getAll().filter((q) => holds(q.state.data)).map((q) => q.queryKey);
}
