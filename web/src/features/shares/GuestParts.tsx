// The pieces of a guest's page: its frame and the player of one shared video, used by a
// video link's page and by an album link's page alike.
import { useEffect, useRef, type ReactNode } from "react";
import { formatDuration, timeAgo } from "@/lib/format";
import { Icon } from "@/components/icons";
import type { GuestAlbum } from "./api";

type Shared = GuestAlbum["videos"][number];

export function Frame({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-full w-full max-w-3xl flex-col gap-4 p-4 sm:p-6" data-testid="guest-page">
      <p className="text-sm font-semibold text-brand-600 dark:text-brand-400">Clipset</p>
      {children}
    </main>
  );
}

/** One shared video: the player, its title and uploader, the download when allowed. With
 * `autoPlay` (a video the guest picked in an album) it starts playing at once. */
export function GuestPlayer({ shared, autoPlay = false, heading = "h1" }: { shared: Shared; autoPlay?: boolean; heading?: "h1" | "h2" }) {
  const { video, media } = shared;
  const el = useRef<HTMLVideoElement>(null);
  const [w, h] = video.width && video.height ? [video.width, video.height] : [16, 9];
  useEffect(() => {
    if (autoPlay) el.current?.play().catch(() => undefined);
  }, [autoPlay, video.id]);
  const Title = heading;
  return (
    <>
      <div className="overflow-hidden rounded-xl bg-black">
        <video
          ref={el}
          key={video.id}
          src={media.stream_url}
          poster={media.thumbnail_url}
          controls
          playsInline
          preload="metadata"
          controlsList={media.download_url ? undefined : "nodownload"}
          style={{ aspectRatio: `${w} / ${h}`, maxHeight: "75vh" }}
          className="mx-auto block w-full object-contain"
          aria-label={`Video: ${video.title}`}
          data-testid="guest-player"
          data-video-id={video.id}
        />
      </div>
      <Title className="text-xl font-bold" data-testid="guest-title">{video.title}</Title>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Shared by <strong data-testid="guest-uploader">{video.uploader_name}</strong> · {timeAgo(video.created_at)}
        {video.duration_seconds != null && ` · ${formatDuration(video.duration_seconds)}`}
      </p>
      {media.download_url && (
        <a className="btn-ghost self-start" href={media.download_url} download data-testid="guest-download">
          <Icon name="download" className="h-4 w-4" /> Download
        </a>
      )}
      {video.description && <p className="whitespace-pre-wrap rounded-xl bg-zinc-100 p-4 text-sm dark:bg-zinc-900">{video.description}</p>}
    </>
  );
}
