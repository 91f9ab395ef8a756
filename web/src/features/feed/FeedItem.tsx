// One clip of the feed: plays while it fills the screen and starts over when it comes
// back; tap pauses and plays, a double tap likes it (with a heart), a thin bar seeks.
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { api } from "@/lib/api";
import { formatCount } from "@/lib/format";
import { useLiveVideos } from "@/lib/live";
import { useStreamUrl, useThumbnailUrl } from "@/lib/queries";
import type { Video } from "@/lib/types";
import { Icon } from "@/components/icons";
import { LikeButton, useLike, usePreviews } from "@/features/videos";
import { ShareButton } from "@/features/shares";
import { AddToAlbumButton } from "@/features/albums";
import { SeekBar } from "@/components/SeekBar";
import { Dialog, Spinner } from "@/components/ui";

// The comment list loads when a sheet first opens, not with the feed.
const Comments = lazy(() => import("@/features/comments").then((m) => ({ default: m.Comments })));

/** Two taps closer than this are a double tap. */
const DOUBLE_TAP_MS = 280;
const SHADOW = "[text-shadow:0_1px_3px_rgb(0_0_0/0.9)]";

/** Whether the element is known to carry sound (browsers expose it differently). */
function hasSound(el: HTMLVideoElement): boolean {
  const v = el as HTMLVideoElement & { mozHasAudio?: boolean; webkitAudioDecodedByteCount?: number; audioTracks?: { length: number } };
  return Boolean(v.mozHasAudio || (v.webkitAudioDecodedByteCount ?? 0) > 0 || (v.audioTracks?.length ?? 0) > 0);
}

export function FeedItem({ video, index, active, near, muted, setMuted }: {
  video: Video; index: number; active: boolean; near: boolean; muted: boolean; setMuted: (m: boolean) => void;
}) {
  const [el, setEl] = useState<HTMLVideoElement | null>(null);
  const section = useRef<HTMLElement>(null);
  const stream = useStreamUrl(video.id, near);
  const thumb = useThumbnailUrl(video.id, near);
  const like = useLike(video);
  // Seek previews matter only on the clip being watched.
  const previews = usePreviews(video.id, active);
  const [comments, setComments] = useState(false);
  const [paused, setPaused] = useState(false);
  const [sound, setSound] = useState(false);
  const [hearts, setHearts] = useState<{ id: number; x: number; y: number }[]>([]);
  const lastTap = useRef(0);
  const tapTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const viewed = useRef(false);
  // Live likes and comment counts land in the query cache, and so in `video`.
  useLiveVideos(near ? [video.id] : []);

  useEffect(() => {
    if (!el) return;
    if (active) {
      el.muted = muted;
      el.play().catch(() => {
        // Autoplay with sound needs a gesture first: fall back to muted.
        if (!el.muted) {
          el.muted = true;
          setMuted(true);
          el.play().catch(() => undefined);
        }
      });
    } else {
      el.pause();
      // Coming back into view starts it from the beginning.
      if (el.currentTime > 0) el.currentTime = 0;
    }
  }, [active, muted, el, stream.data?.url, setMuted]);

  useEffect(() => () => { if (tapTimer.current) clearTimeout(tapTimer.current); }, []);

  function togglePlay() {
    if (!el) return;
    if (el.paused) void el.play().catch(() => undefined);
    else el.pause();
  }

  function onTap(e: React.MouseEvent) {
    const now = e.timeStamp;
    if (now - lastTap.current < DOUBLE_TAP_MS) {
      // A double tap likes (never unlikes) and shows a heart where it landed.
      if (tapTimer.current) clearTimeout(tapTimer.current);
      tapTimer.current = null;
      lastTap.current = 0;
      const r = section.current?.getBoundingClientRect();
      const heart = { id: now, x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
      setHearts((h) => [...h, heart]);
      void like.set(true);
      return;
    }
    lastTap.current = now;
    tapTimer.current = setTimeout(() => { tapTimer.current = null; togglePlay(); }, DOUBLE_TAP_MS);
  }

  function onPlaying() {
    setPaused(false);
    if (viewed.current) return;
    viewed.current = true;
    api.post(`/api/videos/${video.id}/views`).catch(() => undefined);
  }

  function fullscreen() {
    const s = section.current;
    if (!s) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void s.requestFullscreen?.().catch(() => undefined);
  }

  const landscape = (video.width ?? 0) > (video.height ?? 0);
  return (
    <section
      ref={section}
      className="relative flex h-full w-full snap-start snap-always items-center justify-center overflow-hidden bg-black"
      data-index={index}
      data-testid="feed-item"
      data-paused={paused}
      aria-label={video.title}
    >
      {landscape && thumb.data && (
        <img src={thumb.data.url} alt="" aria-hidden="true" className="absolute inset-0 h-full w-full scale-110 object-cover opacity-60 blur-2xl" />
      )}
      {stream.data ? (
        <video
          ref={setEl}
          src={stream.data.url}
          poster={thumb.data?.url}
          className="relative h-full w-full object-contain"
          playsInline
          loop
          muted={muted}
          preload={active ? "auto" : near ? "metadata" : "none"}
          onPlaying={onPlaying}
          onPause={() => setPaused(true)}
          onTimeUpdate={(e) => { if (!sound && hasSound(e.currentTarget)) setSound(true); }}
          onLoadedMetadata={(e) => { if (hasSound(e.currentTarget)) setSound(true); }}
          onClick={onTap}
          data-testid="feed-video"
        />
      ) : near && stream.error ? (
        <p className="px-6 text-center text-sm text-white">This video can't be played right now.</p>
      ) : (
        <Spinner label="Loading video" />
      )}
      {paused && active && (
        <span className="pointer-events-none absolute grid h-20 w-20 place-items-center rounded-full bg-black/50 text-white" data-testid="paused-mark" aria-hidden="true">
          <Icon name="play" className="h-10 w-10" />
        </span>
      )}
      {hearts.map((h) => (
        <span key={h.id} className="heart-pop pointer-events-none absolute text-brand-500" style={{ left: h.x - 48, top: h.y - 48 }}
          onAnimationEnd={() => setHearts((all) => all.filter((x) => x.id !== h.id))} data-testid="like-heart" aria-hidden="true">
          <Icon name="heart" filled className="h-24 w-24 drop-shadow-lg" />
        </span>
      ))}
      <div className="absolute left-3 top-3 flex gap-2">
        {sound && (
          <button type="button" className="rounded-full bg-black/60 px-3 py-1.5 text-sm text-white" aria-pressed={!muted} onClick={() => setMuted(!muted)}>
            <span className="flex items-center gap-1.5"><Icon name={muted ? "muted" : "sound"} className="h-4 w-4" />{muted ? "Unmute" : <span className="sr-only">Mute</span>}</span>
          </button>
        )}
        <button type="button" className="rounded-full bg-black/60 px-3 py-1.5 text-sm text-white" onClick={fullscreen} aria-label="Full screen" title="Full screen">
          <Icon name="expand" className="h-4 w-4" />
        </button>
      </div>
      <div className={`pointer-events-none absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/85 via-black/40 to-transparent p-4 pb-6 pr-20 text-white ${SHADOW}`}>
        <Link to={`/v/${video.id}`} className="pointer-events-auto block text-lg font-semibold leading-tight hover:underline">{video.title}</Link>
        <Link to={`/u/${encodeURIComponent(video.uploader.username)}`} className="pointer-events-auto inline-block py-1 text-sm text-white hover:underline">@{video.uploader.username}</Link>
        {video.description && <p className="mt-1 line-clamp-2 text-sm text-white/90">{video.description}</p>}
      </div>
      <div className={`absolute bottom-24 right-3 flex flex-col items-center gap-5 ${SHADOW}`}>
        <LikeButton video={video} variant="overlay" />
        <button type="button" className="flex flex-col items-center gap-1 text-white drop-shadow" onClick={() => setComments(true)}>
          <span className="grid h-12 w-12 place-items-center rounded-full bg-black/40"><Icon name="comment" className="h-6 w-6" /></span>
          <span className="sr-only">Comments</span>
          <span className="text-xs font-semibold">{formatCount(video.comment_count)}</span>
        </button>
        <ShareButton video={video} variant="overlay" />
        <AddToAlbumButton videoIds={[video.id]} variant="overlay" />
      </div>
      {near && <SeekBar media={el} label={`Seek in ${video.title}`} previews={previews.data} chapters={video.chapters} />}
      <Dialog open={comments} onClose={() => setComments(false)} title={`Comments on “${video.title}”`} sheet testId="comment-sheet">
        <div className="max-h-[60vh] overflow-y-auto pr-1 max-sm:max-h-[55dvh]">
          {comments && <Suspense fallback={<Spinner label="Loading comments" />}><Comments videoId={video.id} currentTime={() => el?.currentTime ?? 0} onSeek={(s) => { if (el) el.currentTime = s; }} /></Suspense>}
        </div>
        <div className="mt-3 flex justify-end"><button className="btn-ghost" onClick={() => setComments(false)}>Close</button></div>
      </Dialog>
    </section>
  );
}
