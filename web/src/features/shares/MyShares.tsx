// "My shared links": every guest link I made (videos and albums), with when it was
// opened, to change or turn off.
import { useState } from "react";
import { Link } from "react-router-dom";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { useMyShares, type ShareLink } from "./api";
import { LinkRow } from "./ShareDialog";
import { when } from "./parts";

const targetTitle = (link: ShareLink) => link.video?.title ?? link.album?.title ?? "";
const targetPath = (link: ShareLink) => (link.video ? `/v/${link.video.id}` : `/albums/${link.album?.id ?? ""}`);

export default function MySharesPage() {
  const [page, setPage] = useState(1);
  const shares = useMyShares(page);
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4 p-4">
      <h1 className="text-2xl font-bold">My shared links</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Guest links show one video or one album to people without an account. Turning one off stops it at once, even mid-video.</p>
      {shares.isLoading ? <Skeleton className="h-24 w-full" /> : shares.error ? <ErrorState error={shares.error} retry={() => shares.refetch()} /> : shares.data!.items.length === 0 ? (
        <EmptyState title="No shared links yet">Open a video or an album and choose Share to make one.</EmptyState>
      ) : (
        <ul className="flex flex-col gap-3" data-testid="my-shares">
          {shares.data!.items.map((link) => (
            <li key={link.id} className="flex flex-col gap-1">
              <p className="text-sm">{link.album ? "Album " : ""}<Link className="font-medium hover:underline" to={targetPath(link)}>{targetTitle(link)}</Link> <span className="text-zinc-500">· made {when(link.created_at)}</span></p>
              <ul><LinkRow link={link} title={targetTitle(link)} /></ul>
            </li>
          ))}
        </ul>
      )}
      {shares.data && shares.data.total_pages > 1 && (
        <div className="flex justify-center gap-2">
          <button className="btn-ghost" disabled={page <= 1} onClick={() => setPage(page - 1)}>Newer</button>
          <button className="btn-ghost" disabled={!shares.data.has_more} onClick={() => setPage(page + 1)}>Older</button>
        </div>
      )}
    </div>
  );
}
