// One video: player, details, like, comments (live, timestamps seek), owner's actions.
// While it is processed, the original plays in its place when this browser decodes it,
// and the processed file takes over where it was when video.ready arrives.
import { useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, ApiError } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { countOf, formatCount, formatDuration, PRIVACY_WORDS, timeAgo } from "@/lib/format";
import { useLiveVideos } from "@/lib/live";
import { useAfterFirstTask } from "@/lib/nextTask";
import { keys, usePreviews, useStreamUrl, useThumbnailUrl, useVideo } from "@/lib/queries";
import { useToast } from "@/lib/toast";
import { tagList } from "@/lib/tags";
import type { Privacy, Video, VideoId } from "@/lib/types";
import { AddToAlbumButton } from "@/features/albums";
import { Comments } from "@/features/comments";
import { WatchLaterButton } from "@/features/saved";
import { ShareButton } from "@/features/shares";
import { useCaptions, useStandIn, useVideoChanges } from "./api";
import { browserPlays } from "./standIn";
import { CaptionsDialog } from "./CaptionsDialog";
import { EditCutDialog, TrimProgress } from "./EditCutDialog";
import { useEditEvents } from "./edits";
import { LikeButton } from "./LikeButton";
import { NotFound } from "@/components/NotFound";
import { TimestampText } from "@/components/TimestampText";
import { Player, PlayerFrame } from "./Player";
import { DetailsFields, type Fields } from "./VideoDetailsForm";
import { ConfirmDialog, CopyButton, Dialog, ErrorState, Skeleton, Spinner, StatusBadge } from "@/components/ui";

function EditDialog({ video, open, onClose }: { video: Video; open: boolean; onClose: () => void }) {
  const toast = useToast();
  const { details } = useVideoChanges(video.id);
  const [form, setForm] = useState<Fields>({ title: video.title, description: video.description, tags: video.tags.join(", "), category_id: video.category_id ? String(video.category_id) : "" });
  function save() {
    details.mutate(
      { title: form.title, description: form.description, tags: tagList(form.tags), category_id: form.category_id ? Number(form.category_id) : null },
      { onSuccess: () => { toast.show("Saved.", "success"); onClose(); }, onError: (err) => toast.error(err) },
    );
  }
  return (
    <Dialog open={open} onClose={onClose} title="Edit details">
      <div className="flex flex-col gap-3">
        <DetailsFields details={form} onChange={setForm} />
        <div className="flex justify-end gap-2"><button className="btn-ghost" onClick={onClose}>Cancel</button><button className="btn-primary" onClick={save} disabled={details.isPending}>{details.isPending ? "Saving…" : "Save"}</button></div>
      </div>
    </Dialog>
  );
}

const PAGE_GRID = "mx-auto grid max-w-6xl gap-6 p-4 lg:grid-cols-[1fr_22rem]";

export default function VideoPage() {
  const id: VideoId = useParams().id ?? "";
  const { user } = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const video = useVideo(id);
  const changes = useVideoChanges(id);
  const ready = video.data?.processing_status === "completed";
  const stream = useStreamUrl(id, ready);
  const thumb = useThumbnailUrl(id, ready);
  const captions = useCaptions(id, ready);
  const previews = usePreviews(id, ready);
  const standInType = video.data?.stand_in_type;
  const standIn = useStandIn(id, !ready && !!video.data && browserPlays(standInType));
  // The stand-in's cached answer keeps playing until the processed file's URL is here.
  const source = ready && stream.data ? { url: stream.data.url, original: false }
    : standIn.data ? { url: standIn.data.url, original: true } : null;
  const player = useRef<HTMLVideoElement>(null);
  const viewed = useRef(false);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [captioning, setCaptioning] = useState(false);
  const [cutting, setCutting] = useState(false);
  useLiveVideos([id]); // live progress, likes and comments land in the cached video
  useEditEvents(id); // a trim's progress and its new cut
  // The comments render in the task after the player, so the video paints first.
  const commentsNow = useAfterFirstTask(!!video.data);

  // The same grid as the page, so the page fills it in place instead of moving over.
  if (video.isLoading) return <div className={PAGE_GRID}><div className="min-w-0"><Skeleton className="aspect-video w-full rounded-xl" /><Skeleton className="mt-4 h-6 w-2/3" /></div></div>;
  if (video.error instanceof ApiError && video.error.isNotFound) {
    return <NotFound title="No such video">This video was deleted, made private, or the link is wrong.</NotFound>;
  }
  if (video.error || !video.data) return <ErrorState error={video.error} retry={() => video.refetch()} />;
  const v = video.data;
  const canManage = !!user && (user.id === v.uploader.id || user.role === "admin");

  function seek(seconds: number) {
    const el = player.current;
    if (!el) return;
    el.currentTime = seconds;
    el.play().catch(() => undefined);
    el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function onPlaying() {
    if (viewed.current) return;
    viewed.current = true;
    api.post<{ view_count: number }>(`/api/videos/${id}/views`)
      .then((r) => r && queryClient.setQueryData<Video>(keys.video(id), (old) => old && { ...old, view_count: r.view_count }))
      .catch(() => undefined);
  }

  function setPrivacy(privacy: Privacy) {
    changes.privacy.mutate(privacy, {
      onSuccess: () => toast.show(`Now ${PRIVACY_WORDS[privacy].toLowerCase()}.`, "success"),
      onError: (err) => toast.error(err),
    });
  }

  function remove() {
    changes.remove.mutate(undefined, {
      onSuccess: () => { toast.show("Video deleted.", "success"); navigate("/library"); },
      onError: (err) => toast.error(err),
    });
  }

  return (
    <div className={PAGE_GRID}>
      <div className="min-w-0">
        {source ? (
          // One element for both sources: a swap changes its source, not the element.
          <Player video={v} src={source.url} poster={thumb.data?.url} playerRef={player} onPlaying={source.original ? () => undefined : onPlaying} captions={captions.data} previews={previews.data} download={!source.original} />
        ) : (
          <PlayerFrame video={v}>
            {v.processing_status === "failed" ? (
              <p className="px-6 text-center">Processing failed: {v.error_message ?? "unknown error"}</p>
            ) : v.processing_status === "completed" ? <p>Loading…</p> : (
              <>
                <p>{v.processing_status === "pending" ? "Waiting to be processed…" : "Processing…"} {(v.processing_status === "processing" || v.progress > 0) && `${Math.round(v.progress)}%`}</p>
                <p className="text-sm text-white/60">This page updates when it's ready.</p>
              </>
            )}
          </PlayerFrame>
        )}
        {source?.original && (
          <p role="status" className="mt-2 rounded-lg bg-sky-100 px-3 py-2 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-100" data-testid="stand-in-note">
            Processing — playing the original. {v.processing_status === "processing" && `${Math.round(v.progress)}% done; `}the processed video takes over when it's ready.
          </p>
        )}
        <h1 className="mt-4 text-xl font-bold" data-testid="video-title">{v.title}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <Link to={`/u/${encodeURIComponent(v.uploader.username)}`} className="font-medium hover:underline">@{v.uploader.username}</Link>
          <span className="text-sm text-zinc-600 dark:text-zinc-400">{countOf(v.view_count, "view")} · {timeAgo(v.created_at)}{v.duration_seconds != null && ` · ${formatDuration(v.duration_seconds)}`}</span>
          {v.recorded_at && <span className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="video-recorded">Recorded {new Date(v.recorded_at).toLocaleDateString(undefined, { dateStyle: "medium" })}</span>}
          {v.processing_status !== "completed" && <StatusBadge status={v.processing_status} />}
          {v.privacy !== "public" && <span className="rounded-full bg-zinc-200 px-2 py-0.5 text-xs dark:bg-zinc-800">{PRIVACY_WORDS[v.privacy]}</span>}
          <div className="ml-auto flex flex-wrap gap-2">
            <LikeButton video={v} />
            {ready && <WatchLaterButton videoId={v.id} />}
            {ready && <AddToAlbumButton videoIds={[v.id]} />}
            <CopyButton text={`${window.location.origin}/v/${id}`} label="Copy link" className="btn-ghost" />
            {ready && <ShareButton video={v} />}
          </div>
        </div>
        {canManage && (
          <div className="mt-3 flex flex-wrap items-center gap-2 rounded-xl border border-zinc-200 p-3 text-sm dark:border-zinc-800" aria-label="Owner actions" role="group">
            <button className="btn-ghost" onClick={() => setEditing(true)}>Edit details</button>
            {ready && <button className="btn-ghost" onClick={() => setCutting(true)}>Trim and cover</button>}
            {ready && <button className="btn-ghost" onClick={() => setCaptioning(true)}>Captions</button>}
            <label className="flex items-center gap-2">Privacy
              <select className="input w-auto" value={v.privacy} onChange={(e) => setPrivacy(e.target.value as Privacy)} aria-label="Privacy">
                {(Object.keys(PRIVACY_WORDS) as Privacy[]).map((p) => <option key={p} value={p}>{PRIVACY_WORDS[p]}</option>)}
              </select>
            </label>
            <button className="btn-ghost text-red-700 dark:text-red-400" onClick={() => setDeleting(true)}>Delete</button>
            {ready && <div className="basis-full"><TrimProgress video={v} /></div>}
          </div>
        )}
        {(v.description || v.tags.length > 0) && (
          <div className="mt-4 rounded-xl bg-zinc-100 p-4 text-sm dark:bg-zinc-900">
            {v.description && <p className="whitespace-pre-wrap" data-testid="video-description"><TimestampText text={v.description} onSeek={seek} /></p>}
            {v.tags.length > 0 && <p className="mt-2 flex flex-wrap gap-2">{v.tags.map((t) => <Link key={t} to={`/browse?q=${encodeURIComponent(t)}`} className="text-brand-500 hover:underline">#{t}</Link>)}</p>}
          </div>
        )}
      </div>
      <aside className="min-w-0">
        <h2 className="mb-3 text-lg font-semibold">Comments <span className="text-zinc-600 dark:text-zinc-400">{formatCount(v.comment_count)}</span></h2>
        {commentsNow ? <Comments videoId={id} currentTime={() => player.current?.currentTime ?? 0} onSeek={seek} /> : <Spinner label="Loading comments" />}
      </aside>
      {captioning && <CaptionsDialog videoId={id} open={captioning} onClose={() => setCaptioning(false)} />}
      {cutting && <EditCutDialog video={v} open={cutting} onClose={() => setCutting(false)} />}
      {editing && <EditDialog video={v} open={editing} onClose={() => setEditing(false)} />}
      <ConfirmDialog open={deleting} onClose={() => setDeleting(false)} title="Delete this video?" body={`“${v.title}” and its files will be removed for good.`} confirm="Delete" danger onConfirm={remove} />
    </div>
  );
}
