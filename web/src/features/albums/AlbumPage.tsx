// One album: its videos in order (reordered by drag or with the keyboard by those who
// manage it), its members, and what each role may do.
import { useId, useState, type KeyboardEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, ApiError } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { countOf, timeAgo } from "@/lib/format";
import { useToast } from "@/lib/toast";
import type { Album, AlbumRole, User, Video } from "@/lib/types";
import { NotFound } from "@/components/NotFound";
import { Thumbnail } from "@/components/VideoCard";
import { ConfirmDialog, EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { Icon } from "@/components/icons";
import { ShareDialog } from "@/features/shares";
import {
  useAlbum, useAlbumMembers, useAlbumVideos, useDeleteAlbum, useRemoveFromAlbum, useRemoveMember,
  useReorderAlbum, useSetMember, useUpdateAlbum,
} from "./api";
import { moved } from "./order";
import { ROLE_WORDS } from "./parts";

export default function AlbumPage() {
  const { id = "" } = useParams();
  const album = useAlbum(id);
  if (album.isLoading) return <div className="mx-auto max-w-4xl px-4 py-6"><Skeleton className="h-10 w-1/2" /></div>;
  if (album.error instanceof ApiError && album.error.isNotFound) {
    return <NotFound title="No such album">This album was deleted, you were taken out of it, or the link is wrong.</NotFound>;
  }
  if (album.error) return <ErrorState error={album.error} retry={() => album.refetch()} />;
  return <AlbumView album={album.data!} />;
}

function AlbumView({ album }: { album: Album }) {
  const manages = album.role === "owner" || album.role === "admin";
  const [editing, setEditing] = useState(false);
  const [sharing, setSharing] = useState(false);
  return (
    <div className="mx-auto max-w-4xl px-4 py-6">
      <div className="mb-4 flex flex-wrap items-start gap-2">
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-bold" data-testid="album-title">{album.title}</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {countOf(album.video_count, "video")} · by {album.owner.username} · {ROLE_WORDS[album.role]}
          </p>
          {album.description && <p className="mt-2 whitespace-pre-wrap text-sm">{album.description}</p>}
        </div>
        <button className="btn-ghost" onClick={() => setSharing(true)} data-testid="album-link-button"><Icon name="share" className="h-4 w-4" /> Send link</button>
        {manages && <button className="btn-ghost" onClick={() => setEditing(!editing)}>{editing ? "Done" : "Edit album"}</button>}
      </div>
      {sharing && <ShareDialog target={{ kind: "album", id: album.id, title: album.title }} canManage={manages} open onClose={() => setSharing(false)} />}
      {editing && <EditAlbum album={album} />}
      <AlbumVideos album={album} />
      <Members album={album} />
    </div>
  );
}

function EditAlbum({ album }: { album: Album }) {
  const ids = useId();
  const toast = useToast();
  const navigate = useNavigate();
  const update = useUpdateAlbum(album.id);
  const remove = useDeleteAlbum(album.id);
  const [title, setTitle] = useState(album.title);
  const [description, setDescription] = useState(album.description);
  const [deleting, setDeleting] = useState(false);
  async function save(e: React.FormEvent) {
    e.preventDefault();
    try {
      await update.mutateAsync({ title, description });
      toast.show("Album saved.", "success");
    } catch (err) {
      toast.error(err);
    }
  }
  return (
    <form className="mb-6 flex flex-col gap-2 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800" onSubmit={save}>
      <label htmlFor={`${ids}-t`} className="text-sm font-medium">Title</label>
      <input id={`${ids}-t`} className="input" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor={`${ids}-d`} className="text-sm font-medium">Description</label>
      <textarea id={`${ids}-d`} className="input" rows={3} maxLength={5000} value={description} onChange={(e) => setDescription(e.target.value)} />
      <div className="flex gap-2">
        <button type="submit" className="btn-primary" disabled={!title.trim() || update.isPending}>Save</button>
        <button type="button" className="btn-ghost ml-auto text-red-700 dark:text-red-400" onClick={() => setDeleting(true)}>Delete album</button>
      </div>
      <ConfirmDialog open={deleting} onClose={() => setDeleting(false)} title="Delete this album?" body="The album goes; its videos stay where they are." confirm="Delete" danger
        onConfirm={async () => { try { await remove.mutateAsync(); navigate("/albums"); } catch (err) { toast.error(err); } }} />
    </form>
  );
}

function AlbumVideos({ album }: { album: Album }) {
  const { user } = useAuth();
  const toast = useToast();
  const videos = useAlbumVideos(album.id);
  const reorder = useReorderAlbum(album.id);
  const removeVideo = useRemoveFromAlbum(album.id);
  const update = useUpdateAlbum(album.id);
  const [dragging, setDragging] = useState<number | null>(null);
  const [announce, setAnnounce] = useState("");
  const manages = album.role === "owner" || album.role === "admin";
  const list = videos.data ?? [];

  function move(from: number, to: number) {
    if (to < 0 || to >= list.length || from === to) return;
    const next = moved(list, from, to);
    reorder.mutate(next, { onError: (err) => toast.error(err) });
    setAnnounce(`${list[from].title} moved to position ${to + 1} of ${list.length}.`);
    // Keep the keyboard on the moved video's handle.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-handle="${list[from].id}"]`)?.focus());
  }

  function onKey(e: KeyboardEvent, index: number) {
    const to = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: list.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(index, to);
  }

  async function remove(v: Video) {
    try {
      await removeVideo.mutateAsync(v.id);
      toast.show(`“${v.title}” taken out of the album.`, "success");
    } catch (err) {
      toast.error(err);
    }
  }

  if (videos.isLoading) return <div className="flex flex-col gap-3">{[0, 1].map((i) => <Skeleton key={i} className="h-20" />)}</div>;
  if (videos.error) return <ErrorState error={videos.error} retry={() => videos.refetch()} />;
  if (list.length === 0) {
    return (
      <EmptyState title="This album is empty" icon="folder">
        {album.role === "viewer" ? "Videos added to it will show here." : <>Add videos from a video's page or from <Link to="/library" className="text-brand-500 underline">your library</Link>.</>}
      </EmptyState>
    );
  }
  return (
    <>
      {manages && <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400" id="reorder-help">Drag a video, or focus its handle and use the arrow keys (Home and End for the ends), to reorder.</p>}
      <p className="sr-only" role="status" aria-live="polite">{announce}</p>
      <ol className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="album-videos">
        {list.map((v, index) => {
          const mayRemove = manages || (album.role === "contributor" && v.uploader.id === user?.id);
          return (
            <li
              key={v.id}
              data-testid="album-video"
              data-video-id={v.id}
              className={`flex items-center gap-3 py-3 ${dragging === index ? "opacity-50" : ""}`}
              draggable={manages}
              onDragStart={(e) => { setDragging(index); e.dataTransfer.effectAllowed = "move"; }}
              onDragOver={(e) => { if (dragging !== null) e.preventDefault(); }}
              onDrop={(e) => { e.preventDefault(); if (dragging !== null) move(dragging, index); setDragging(null); }}
              onDragEnd={() => setDragging(null)}
            >
              {manages && (
                <button
                  type="button"
                  data-handle={v.id}
                  aria-describedby="reorder-help"
                  aria-label={`Reorder ${v.title}, position ${index + 1} of ${list.length}`}
                  className="btn-ghost cursor-grab px-2"
                  onKeyDown={(e) => onKey(e, index)}
                >⋮⋮</button>
              )}
              <Link to={`/v/${v.id}`} className="w-28 shrink-0 sm:w-40"><Thumbnail video={v} /></Link>
              <div className="min-w-0 flex-1">
                <Link to={`/v/${v.id}`} className="line-clamp-1 font-medium hover:underline">{v.title}</Link>
                <p className="text-xs text-zinc-600 dark:text-zinc-400">{v.uploader.username} · {countOf(v.view_count, "view")} · {timeAgo(v.created_at)}</p>
              </div>
              {manages && album.cover_video_id !== v.id && (
                <button type="button" className="btn-ghost text-xs" onClick={() => update.mutate({ cover_video_id: v.id }, { onError: (err) => toast.error(err) })}>Make cover</button>
              )}
              {mayRemove && <button type="button" className="btn-ghost text-xs" aria-label={`Remove ${v.title} from the album`} onClick={() => remove(v)}>Remove</button>}
            </li>
          );
        })}
      </ol>
    </>
  );
}

function Members({ album }: { album: Album }) {
  const ids = useId();
  const { user } = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const members = useAlbumMembers(album.id);
  const setMember = useSetMember(album.id);
  const removeMember = useRemoveMember(album.id);
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<AlbumRole>("viewer");
  const manages = album.role === "owner" || album.role === "admin";

  async function share(e: React.FormEvent) {
    e.preventDefault();
    const name = username.trim();
    if (!name) return;
    try {
      const found = await api.get<User>(`/api/users/by-username/${encodeURIComponent(name)}`);
      await setMember.mutateAsync({ userId: found.id, role });
      setUsername("");
      toast.show(`Shared with ${found.username}.`, "success");
    } catch (err) {
      toast.error(err);
    }
  }

  async function leave() {
    if (!user) return;
    try {
      await removeMember.mutateAsync(user.id);
      navigate("/albums");
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <section className="mt-8" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`} className="mb-2 text-lg font-semibold">Members</h2>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">Viewers see every video in the album, even private ones of its owner and contributors. Contributors also add their own videos.</p>
      {manages && (
        <form className="mb-3 flex flex-wrap gap-2" onSubmit={share}>
          <label htmlFor={`${ids}-u`} className="sr-only">Username</label>
          <input id={`${ids}-u`} className="input min-w-0 flex-1" placeholder="Username" value={username} onChange={(e) => setUsername(e.target.value)} />
          <label htmlFor={`${ids}-r`} className="sr-only">Role</label>
          <select id={`${ids}-r`} className="input w-auto" value={role} onChange={(e) => setRole(e.target.value as AlbumRole)}>
            <option value="viewer">Viewer</option>
            <option value="contributor">Contributor</option>
          </select>
          <button type="submit" className="btn-primary" disabled={!username.trim() || setMember.isPending}>Share</button>
        </form>
      )}
      <ul className="flex flex-col gap-1" data-testid="album-members">
        {(members.data ?? []).map((m) => (
          <li key={m.user.id} className="flex items-center gap-2 text-sm">
            <Link to={`/u/${encodeURIComponent(m.user.username)}`} className="font-medium hover:underline">{m.user.username}</Link>
            {manages ? (
              <select aria-label={`Role of ${m.user.username}`} className="input w-auto py-1 text-xs" value={m.role}
                onChange={(e) => setMember.mutate({ userId: m.user.id, role: e.target.value as AlbumRole }, { onError: (err) => toast.error(err) })}>
                <option value="viewer">Viewer</option>
                <option value="contributor">Contributor</option>
              </select>
            ) : <span className="text-zinc-600 dark:text-zinc-400">{m.role === "viewer" ? "Viewer" : "Contributor"}</span>}
            {manages && <button type="button" className="btn-ghost ml-auto text-xs" onClick={() => removeMember.mutate(m.user.id, { onError: (err) => toast.error(err) })}>Remove</button>}
          </li>
        ))}
      </ul>
      {(album.role === "viewer" || album.role === "contributor") && <button type="button" className="btn-ghost mt-3" onClick={leave}>Leave album</button>}
    </section>
  );
}
