// The Albums area: the albums you own or were given, and a form to start one.
import { useId, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useToast } from "@/lib/toast";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { useAlbums, useCreateAlbum } from "./api";
import { Cover, ROLE_WORDS } from "./parts";

export default function AlbumsPage() {
  const ids = useId();
  const toast = useToast();
  const navigate = useNavigate();
  const albums = useAlbums();
  const create = useCreateAlbum();
  const [title, setTitle] = useState("");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!title.trim()) return;
    try {
      const album = await create.mutateAsync({ title: title.trim() });
      setTitle("");
      navigate(`/albums/${album.id}`);
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <div className="mx-auto max-w-6xl px-4 py-6">
      <h1 className="mb-4 text-2xl font-bold">Albums</h1>
      <form className="mb-6 flex flex-wrap gap-2" onSubmit={submit}>
        <label htmlFor={`${ids}-title`} className="sr-only">Album title</label>
        <input id={`${ids}-title`} className="input min-w-0 flex-1" placeholder="New album title" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="btn-primary" disabled={!title.trim() || create.isPending}>Create album</button>
      </form>
      {albums.isLoading ? (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">{[0, 1, 2].map((i) => <Skeleton key={i} className="aspect-video" />)}</div>
      ) : albums.error ? <ErrorState error={albums.error} retry={() => albums.refetch()} /> : (albums.data ?? []).length === 0 ? (
        <EmptyState title="No albums yet" icon="folder">Gather videos into an album and share it with the people you choose.</EmptyState>
      ) : (
        <ul className="grid grid-cols-1 gap-x-4 gap-y-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="album-list">
          {albums.data!.map((a) => (
            <li key={a.id}>
              <Link to={`/albums/${a.id}`} className="group block rounded-xl" data-testid="album-card">
                <Cover album={a} />
                <h2 className="mt-2 font-semibold group-hover:underline">{a.title}</h2>
                <p className="text-xs text-zinc-600 dark:text-zinc-400">{a.video_count} video{a.video_count === 1 ? "" : "s"} · {ROLE_WORDS[a.role]}{a.role !== "owner" && ` · by ${a.owner.username}`}</p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
