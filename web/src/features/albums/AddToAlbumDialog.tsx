// The "Add to album" dialog: the albums you may add to, and a form to start a new one.
import { useId, useState } from "react";
import { useToast } from "@/lib/toast";
import type { VideoId } from "@/lib/types";
import { Dialog, Spinner } from "@/components/ui";
import { useAddToAlbum, useAlbums, useCreateAlbum } from "./api";

export default function AddToAlbumDialog({ videoIds, onClose }: { videoIds: VideoId[]; onClose: () => void }) {
  const ids = useId();
  const toast = useToast();
  const albums = useAlbums();
  const add = useAddToAlbum();
  const create = useCreateAlbum();
  const [title, setTitle] = useState("");
  const open = (albums.data ?? []).filter((a) => a.role !== "viewer");
  const what = videoIds.length === 1 ? "The video" : `${videoIds.length} videos`;

  async function addTo(album: string, name: string) {
    try {
      await add.mutateAsync({ album, videoIds });
      toast.show(`${what} added to “${name}”.`, "success");
      onClose();
    } catch (err) {
      toast.error(err);
    }
  }

  async function createAndAdd(e: React.FormEvent) {
    e.preventDefault();
    const name = title.trim();
    if (!name) return;
    try {
      const album = await create.mutateAsync({ title: name });
      await addTo(album.id, album.title);
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <Dialog open onClose={onClose} title="Add to album" testId="add-to-album-dialog">
      <div className="flex flex-col gap-3 p-5">
        <h2 className="text-lg font-semibold">Add to album</h2>
        {albums.isLoading ? <Spinner /> : open.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You have no albums yet; start one below.</p>
        ) : (
          <ul className="flex max-h-64 flex-col gap-1 overflow-y-auto">
            {open.map((a) => (
              <li key={a.id}>
                <button type="button" className="w-full rounded-lg px-3 py-2 text-left hover:bg-zinc-100 disabled:opacity-50 dark:hover:bg-zinc-800" disabled={add.isPending} onClick={() => addTo(a.id, a.title)}>
                  <span className="font-medium">{a.title}</span>
                  <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">{a.video_count} video{a.video_count === 1 ? "" : "s"}{a.role === "contributor" ? " · you contribute" : ""}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="flex gap-2" onSubmit={createAndAdd}>
          <label htmlFor={`${ids}-title`} className="sr-only">New album title</label>
          <input id={`${ids}-title`} className="input min-w-0 flex-1" placeholder="New album title" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
          <button type="submit" className="btn-primary" disabled={!title.trim() || create.isPending}>Create and add</button>
        </form>
        <div className="flex justify-end"><button type="button" className="btn-ghost" onClick={onClose}>Close</button></div>
      </div>
    </Dialog>
  );
}
