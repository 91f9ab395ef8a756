// What the address's screen needs first, asked for while the app is still checking the
// session (setup, who am I) rather than after it: the screen's code, and for the feed and
// a video page their first API answers, so the largest paint waits on fewer round trips.
import type { QueryClient } from "@tanstack/react-query";
import { tokenStore } from "@/lib/api";
import { signedUrlQuery, videoQuery } from "@/lib/queries";
import { feedQuery } from "@/features/feed";

export const pages = {
  feed: () => import("@/features/feed/Feed"),
  upload: () => import("@/features/upload/Upload"),
  video: () => import("@/features/videos/VideoPage"),
  browse: () => import("@/features/browse/Browse"),
  profile: () => import("@/features/profile/Profile"),
  library: () => import("@/features/library/Library"),
  admin: () => import("@/features/admin/AdminArea"),
  albums: () => import("@/features/albums/Albums"),
  album: () => import("@/features/albums/AlbumPage"),
  saved: () => import("@/features/saved/SavedPage"),
  guest: () => import("@/features/shares/GuestPage"),
  shares: () => import("@/features/shares/MyShares"),
};

const pageByFirstSegment: Record<string, () => Promise<unknown>> = {
  "": pages.feed, upload: pages.upload, v: pages.video, browse: pages.browse, c: pages.browse,
  u: pages.profile, library: pages.library, admin: pages.admin,
  albums: pages.albums, favourites: pages.saved, later: pages.saved, s: pages.guest, shares: pages.shares,
};

/** Fetch the code of the page at `path`; a failure is left to the page's own load to report. */
export function preloadPageOf(path: string) {
  pageByFirstSegment[path.split("/")[1]]?.().catch(() => undefined);
}

/** Ask for the first answers of the page at `path` when someone is signed in (a stale
 * session answers 401 here as it would on the page). Failures stay in the cache, where
 * the page's own queries see them and try again. */
export function preloadDataOf(path: string, queryClient: QueryClient) {
  if (!tokenStore.get()) return;
  const [, first, id] = path.split("/");
  const mediaOf = (video: string) => {
    void queryClient.prefetchQuery(signedUrlQuery("stream", video));
    void queryClient.prefetchQuery(signedUrlQuery("thumbnail", video));
  };
  if (first === "") {
    // The first clip's poster is the feed's largest paint: its URLs follow the first page.
    void queryClient.prefetchInfiniteQuery(feedQuery()).then(() => {
      const top = queryClient.getQueryData(feedQuery().queryKey)?.pages[0]?.items[0];
      if (top) mediaOf(top.id);
    });
  }
  if (first === "v" && id) {
    void queryClient.prefetchQuery(videoQuery(id));
    // Most videos opened are ready; for one still processing these answer an error the
    // page never shows (it asks again once the video is ready).
    mediaOf(id);
  }
}
