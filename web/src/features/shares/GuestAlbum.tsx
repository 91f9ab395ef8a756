// An album link's page: the album's title, description and owner, the chosen video's
// player, and the album's videos in order to pick from. The choice lives in the address
// (`?v=<id>`), so it survives a reload and never asks the server again.
import { useSearchParams } from "react-router-dom";
import { countOf, formatDuration } from "@/lib/format";
import type { GuestAlbum as Album } from "./api";
import { Frame, GuestPlayer } from "./GuestParts";

export function GuestAlbum({ album }: { album: Album }) {
  const [params, setParams] = useSearchParams();
  const picked = params.get("v");
  const index = Math.max(0, album.videos.findIndex((s) => s.video.id === picked));
  const current = album.videos[index];
  return (
    <Frame>
      <header>
        <h1 className="text-2xl font-bold" data-testid="guest-album-title">{album.title}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          An album by <strong data-testid="guest-album-owner">{album.owner_name}</strong> · {countOf(album.videos.length, "video")}
        </p>
        {album.description && <p className="mt-2 whitespace-pre-wrap text-sm">{album.description}</p>}
      </header>
      {current ? (
        <section aria-label="Now playing" className="flex flex-col gap-3">
          <GuestPlayer shared={current} heading="h2" autoPlay={picked != null} />
        </section>
      ) : (
        <p className="card p-6 text-center text-zinc-600 dark:text-zinc-400" data-testid="guest-album-empty">This album has no videos to show yet.</p>
      )}
      {album.videos.length > 1 && (
        <ol className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Videos in this album" data-testid="guest-album-videos">
          {album.videos.map((s, i) => (
            <li key={s.video.id}>
              <button
                type="button"
                className={`flex w-full items-center gap-3 py-2 text-left ${i === index ? "font-semibold" : ""}`}
                aria-current={i === index ? "true" : undefined}
                onClick={() => setParams({ v: s.video.id })}
                data-testid="guest-album-video"
              >
                <img src={s.media.thumbnail_url} alt="" loading={i < 6 ? "eager" : "lazy"} className="aspect-video w-28 shrink-0 rounded-lg bg-zinc-200 object-cover dark:bg-zinc-800" />
                <span className="min-w-0 flex-1">
                  <span className="line-clamp-2 block">{i + 1}. {s.video.title}</span>
                  <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">{s.video.uploader_name}{s.video.duration_seconds != null && ` · ${formatDuration(s.video.duration_seconds)}`}</span>
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </Frame>
  );
}
