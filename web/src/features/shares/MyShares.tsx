// "My shared links": every guest link I made, with when it was opened, to turn off.
import { useState } from "react";
import { Link } from "react-router-dom";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { useMyShares } from "./api";
import { LinkRow } from "./ShareDialog";
import { when } from "./parts";

export default function MySharesPage() {
  const [page, setPage] = useState(1);
  const shares = useMyShares(page);
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4 p-4">
      <h1 className="text-2xl font-bold">My shared links</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Guest links play one video for people without an account. Turning one off stops it at once, even mid-video.</p>
      {shares.isLoading ? <Skeleton className="h-24 w-full" /> : shares.error ? <ErrorState error={shares.error} retry={() => shares.refetch()} /> : shares.data!.items.length === 0 ? (
        <EmptyState title="No shared links yet">Open a video and choose Share to make one.</EmptyState>
      ) : (
        <ul className="flex flex-col gap-3" data-testid="my-shares">
          {shares.data!.items.map((link) => (
            <li key={link.id} className="flex flex-col gap-1">
              <p className="text-sm"><Link className="font-medium hover:underline" to={`/v/${link.video.id}`}>{link.video.title}</Link> <span className="text-zinc-500">· made {when(link.created_at)}</span></p>
              <ul><LinkRow link={link} title={link.video.title} /></ul>
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
