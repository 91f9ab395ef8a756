// Remote workers: computers lent to transcoding with `clipset worker`. Make a token (shown
// once), see where each worker is and what it is doing, revoke one.
import { useState } from "react";
import { timeAgo } from "@/lib/format";
import { useToast } from "@/lib/toast";
import { ConfirmDialog, CopyButton, Dialog, EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { useCreateWorker, useRevokeWorker, useWorkers } from "./api";
import type { NewWorker, RemoteWorker } from "./types";

function TokenDialog({ created, onClose }: { created: NewWorker | null; onClose: () => void }) {
  const command = created ? `clipset worker --server ${window.location.origin} --token ${created.token}` : "";
  return (
    <Dialog open={!!created} onClose={onClose} title="Worker token">
      {created && (
        <div className="space-y-3 text-sm">
          <p>Run this on the computer that lends itself to <strong>{created.name}</strong>. The token is shown only now; revoke the worker and make a new one if it is lost.</p>
          <p className="break-all rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-900" data-testid="worker-command">{command}</p>
          <div className="flex gap-2">
            <CopyButton text={command} label="Copy command" what="Command" className="btn-ghost" />
            <button className="btn-primary" onClick={onClose}>Done</button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

function Doing({ w }: { w: RemoteWorker }) {
  if (w.revoked) return <span className="text-red-600 dark:text-red-400">Revoked</span>;
  if (!w.current_job) return <span className="text-zinc-600 dark:text-zinc-400">Idle</span>;
  const pct = Math.round(w.current_job.progress);
  return (
    <span className="flex items-center gap-2">
      <span className="truncate">{w.current_job.title}</span>
      <progress className="h-2 w-20" max={100} value={pct} aria-label={`${w.current_job.title}: ${pct}%`} />
      <span className="tabular-nums">{pct}%</span>
    </span>
  );
}

export default function Workers() {
  const toast = useToast();
  const workers = useWorkers();
  const create = useCreateWorker();
  const revoke = useRevokeWorker();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<NewWorker | null>(null);
  const [revoking, setRevoking] = useState<RemoteWorker | null>(null);

  function submit() {
    if (!name.trim()) return;
    create.mutate(name.trim(), {
      onSuccess: (w) => { setName(""); setCreated(w); },
      onError: (err) => toast.error(err),
    });
  }

  return (
    <div>
      <form className="card mb-4 p-4" noValidate onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <h2 className="mb-2 text-base font-semibold">Lend a computer to transcoding</h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">A worker takes videos from the queue, processes them with its own processor (and graphics card, if it has a video encoder) and sends the results back. Set the server's own workers to 0 in Settings to leave all of it to workers.</p>
        <div className="flex flex-wrap items-start gap-2">
          <label htmlFor="worker-name" className="sr-only">Worker name</label>
          <input id="worker-name" className="input min-w-0 flex-1 basis-56" placeholder="Name, e.g. Gaming PC" maxLength={64}
            value={name} onChange={(e) => setName(e.target.value)} />
          <button className="btn-primary" disabled={!name.trim() || create.isPending}>Create worker token</button>
        </div>
      </form>

      {workers.error ? <ErrorState error={workers.error} retry={() => workers.refetch()} />
        : !workers.data ? <div className="space-y-2">{[0, 1].map((i) => <Skeleton key={i} className="h-14" />)}</div>
        : workers.data.length === 0 ? <EmptyState title="No workers yet" icon="inbox">Create a token above, then run the command it shows on another computer.</EmptyState>
        : (
          <ul className="card divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Workers">
            {workers.data.map((w) => (
              <li key={w.id} className="flex flex-wrap items-center gap-3 p-3 text-sm" data-testid="worker-row">
                <span className="min-w-0 flex-1 basis-48">
                  <span className="block truncate font-medium">{w.name}</span>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {w.address ?? "never connected"}
                    {w.last_seen_at && `, seen ${timeAgo(w.last_seen_at)}`}
                    {w.encoder && `, ${w.encoder}`}
                    {`, ${w.jobs_done} done`}
                  </span>
                </span>
                <span className="min-w-0 basis-64"><Doing w={w} /></span>
                {!w.revoked && <button className="btn-ghost px-2 py-1 text-red-600 dark:text-red-400" onClick={() => setRevoking(w)}>Revoke</button>}
              </li>
            ))}
          </ul>
        )}
      <TokenDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog open={!!revoking} title="Revoke this worker?" danger confirm="Revoke"
        body={<p>{revoking?.name} is refused from its next call; a video it is processing goes back to the queue.</p>}
        onConfirm={() => revoking && revoke.mutate(revoking.id, {
          onSuccess: () => toast.show("Worker revoked.", "success"),
          onError: (err) => toast.error(err),
        })}
        onClose={() => setRevoking(null)} />
    </div>
  );
}
