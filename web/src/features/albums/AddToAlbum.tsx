// "Add to album": pick one of the albums you may add to (or start a new one); used on the
// video page and in the feed's action column for one video, in the library for a selection.
import { useId, useState } from "react";
import { Icon } from "@/components/icons";
import { useToast } from "@/lib/toast";
import type { VideoId } from "@/lib/types";
import { Dialog, Spinner } from "@/components/ui";
import { useAddToAlbum, useAlbums, useCreateAlbum } from "./api";

export function AddToAlbumButton({ videoIds, className = "btn-ghost", onDone, variant = "plain" }: {
  videoIds: VideoId[]; className?: string; onDone?: () => void; variant?: "plain" | "overlay";
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      {variant === "overlay" ? (
        <button type="button" className="flex flex-col items-center gap-1 text-white drop-shadow" onClick={() => setOpen(true)} aria-label="Add to album" data-testid="add-to-album">
          <span className="grid h-12 w-12 place-items-center rounded-full bg-black/40"><Icon name="folder" className="h-6 w-6" /></span>
          <span className="text-xs font-semibold">Album</span>
        </button>
      ) : (
        <button type="button" className={className} onClick={() => setOpen(true)} data-testid="add-to-album">Add to album</button>
      )}
      {open && <AddToAlbumDialog videoIds={videoIds} onClose={() => { setOpen(false); onDone?.(); }} />}
    </>
  );
}

function AddToAlbumDialog({ videoIds, onClose }: { videoIds: VideoId[]; onClose: () => void }) {
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
