import { Link } from "react-router-dom";
import { countOf, formatDuration, timeAgo } from "@/lib/format";
import { useThumbnailUrl } from "@/lib/queries";
import type { Video } from "@/lib/types";
import { useHoverScrub } from "./HoverScrub";
import { Skeleton } from "./ui";

/** The widths a card is shown at, as the grid below lays them out (1 to 4 columns). */
const CARD_SIZES = "(min-width: 1280px) 25vw, (min-width: 1024px) 33vw, (min-width: 640px) 50vw, 100vw";
/** The most cards a grid's first row holds: those are on screen at once, so not lazy. */
export const FIRST_ROW = 4;

/** A thumbnail at display size: WebP copies by width (`srcset`), the JPEG as fallback.
 * `eager` for what is on screen at first (the first row), lazily loaded otherwise. With a
 * mouse, moving across it shows the frame under the pointer. */
export function Thumbnail({ video, className = "", eager = false, sizes = CARD_SIZES }: { video: Video; className?: string; eager?: boolean; sizes?: string }) {
  const ready = video.processing_status === "completed";
  const thumb = useThumbnailUrl(video.id, ready);
  const scrub = useHoverScrub(video);
  return (
    <div className={`relative aspect-video overflow-hidden rounded-xl bg-zinc-200 dark:bg-zinc-800 ${className}`} data-testid="thumbnail" {...scrub.handlers}>
      {thumb.data ? (
        <img
          src={thumb.data.url}
          srcSet={thumb.data.srcset.length ? thumb.data.srcset.map((v) => `${v.url} ${v.width}w`).join(", ") : undefined}
          sizes={thumb.data.srcset.length ? sizes : undefined}
          alt=""
          loading={eager ? "eager" : "lazy"}
          fetchPriority={eager ? "high" : undefined}
          className="h-full w-full object-cover"
        />
      ) : ready ? <Skeleton className="h-full w-full" /> : null}
      {scrub.preview}
      {video.duration_seconds != null && (
        <span className="absolute bottom-1.5 right-1.5 rounded bg-black/75 px-1.5 py-0.5 text-xs font-medium text-white">{formatDuration(video.duration_seconds)}</span>
      )}
    </div>
  );
}

export function VideoCard({ video, eager = false, sizes }: { video: Video; eager?: boolean; sizes?: string }) {
  return (
    <Link to={`/v/${video.id}`} className="group block rounded-xl focus-visible:outline-2 focus-visible:outline-brand-500" data-testid="video-card">
      <Thumbnail video={video} eager={eager} sizes={sizes} className="transition group-hover:opacity-90" />
      <div className="mt-2 px-0.5">
        <h2 className="line-clamp-2 text-sm font-semibold leading-snug">{video.title}</h2>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {video.uploader.username} · {countOf(video.view_count, "view")} · {timeAgo(video.created_at)}
        </p>
      </div>
    </Link>
  );
}

export function VideoGridSkeleton({ count = 8 }: { count?: number }) {
  return (
    <div className="grid grid-cols-1 gap-x-4 gap-y-6 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
      {Array.from({ length: count }, (_, i) => (
        <div key={i}><Skeleton className="aspect-video w-full rounded-xl" /><Skeleton className="mt-2 h-4 w-3/4" /><Skeleton className="mt-1 h-3 w-1/2" /></div>
      ))}
    </div>
  );
}

export function VideoGrid({ videos }: { videos: Video[] }) {
  return (
    <div className="grid grid-cols-1 gap-x-4 gap-y-6 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
      {videos.map((v, i) => <VideoCard key={v.id} video={v} eager={i < FIRST_ROW} />)}
    </div>
  );
}
