// The processing queue: what waits, what runs (live progress, polled while visible), what
// failed and why (retry), what finished lately (feature it on the front page).
import { useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { formatBytes, timeAgo } from "@/lib/format";
import { useToast } from "@/lib/toast";
import type { VideoId } from "@/lib/types";
import { ErrorState, Skeleton } from "@/components/ui";
import { Bar, Section } from "./parts";
import { useFeatured, useQueue, useQueueChanges } from "./api";
import type { QueuedVideo } from "./types";

function Title({ v }: { v: QueuedVideo }) {
  return (
    <span className="min-w-0 flex-1 basis-48">
      <span className="block truncate font-medium">{v.processing_status === "completed" ? <Link className="hover:underline" to={`/v/${v.id}`}>{v.title}</Link> : v.title}</span>
      <span className="block text-xs text-zinc-600 dark:text-zinc-400">{v.uploader.username} · {formatBytes(v.source_size_bytes)} · uploaded {timeAgo(v.created_at)}</span>
    </span>
  );
}

function List({ items, empty, label, children }: { items: QueuedVideo[]; empty: string; label: string; children: (v: QueuedVideo) => ReactNode }) {
  if (items.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">{empty}</p>;
  return <ul aria-label={label} className="divide-y divide-zinc-200 dark:divide-zinc-800">{items.map((v) => <li key={v.id} className="flex flex-wrap items-center gap-2 py-2 text-sm" data-testid={`queue-${v.processing_status}`}>{children(v)}</li>)}</ul>;
}

export default function QueuePage() {
  const toast = useToast();
  const queue = useQueue();
  const featured = useFeatured();
  const changes = useQueueChanges();
  const [featureOverride, setFeatureOverride] = useState<Record<VideoId, boolean>>({});
  const [busy, setBusy] = useState(false);
  const isFeatured = (id: VideoId) => featureOverride[id] ?? featured.data?.items.some((v) => v.id === id) ?? false;

  async function retry(v: QueuedVideo) {
    try {
      await changes.retry.mutateAsync(v.id);
      toast.show(`“${v.title}” is back in the queue.`, "success");
    } catch (err) {
      toast.error(err);
    }
  }

  async function setPaused(paused: boolean) {
    setBusy(true);
    try {
      const r = await changes.paused.mutateAsync(paused);
      toast.show(r.paused ? "Processing paused. Running jobs finish; waiting ones stay queued." : "Processing resumed.", "success");
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  async function feature(id: VideoId, on: boolean) {
    try {
      const v = await changes.feature.mutateAsync({ id, on });
      setFeatureOverride((o) => ({ ...o, [id]: v.is_featured }));
      toast.show(v.is_featured ? `“${v.title}” is featured.` : `“${v.title}” is no longer featured.`, "success");
    } catch (err) {
      toast.error(err);
    }
  }

  if (queue.error && !queue.data) return <ErrorState error={queue.error} retry={() => queue.refetch()} />;
  const q = queue.data;
  if (!q) return <div className="space-y-3">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-28" />)}</div>;

  return (
    <div className="space-y-4">
      <div className={`card flex flex-wrap items-center gap-3 p-4 ${q.paused ? "border-amber-400 dark:border-amber-700" : ""}`}>
        <p className="min-w-0 flex-1 text-sm" role="status" data-testid="queue-state">
          {q.paused ? <><strong>Processing is paused.</strong> New uploads wait in the queue until you resume.</> : <>Processing is running.</>}
        </p>
        <button className={q.paused ? "btn-primary" : "btn-ghost border border-zinc-300 dark:border-zinc-700"} disabled={busy} onClick={() => setPaused(!q.paused)}>
          {q.paused ? "Resume processing" : "Pause processing"}
        </button>
      </div>
      {queue.error && <p role="alert" className="text-sm text-red-600 dark:text-red-400">Couldn't refresh the queue; showing the last known state.</p>}

      <div className="grid gap-4 lg:grid-cols-2">
        <Section title={`Processing (${q.processing.length})`} id="processing-h">
          <List items={q.processing} empty="Nothing is being processed right now." label="Processing">
            {(v) => <>
              <Title v={v} />
              <span className="text-xs tabular-nums text-zinc-600 dark:text-zinc-400" aria-hidden="true">{Math.round(v.progress)}%</span>
              <div className="w-full">
                <Bar percent={v.progress} color="bg-sky-500" label={`${v.title}: ${Math.round(v.progress)}% processed`} />
              </div>
            </>}
          </List>
        </Section>
        <Section title={`Waiting (${q.pending_total})`} id="pending-h">
          <List items={q.pending} empty="No video is waiting." label="Waiting">
            {(v) => <><Title v={v} />{v.attempts > 0 && <span className="text-xs text-amber-600">attempt {v.attempts + 1}</span>}</>}
          </List>
          {q.pending_total > q.pending.length && <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">and {q.pending_total - q.pending.length} more</p>}
        </Section>
      </div>

      <Section title={`Failed (${q.failed.length})`} id="failed-h">
        <List items={q.failed} empty="No video failed." label="Failed">
          {(v) => <>
            <Title v={v} />
            <button className="btn-ghost px-2 py-1" aria-label={`Retry ${v.title}`} onClick={() => retry(v)}>Retry</button>
            <p className="w-full rounded-md bg-red-50 px-2 py-1 text-xs text-red-800 dark:bg-red-950 dark:text-red-200" data-testid="failure-reason">
              {v.error_message ?? "No reason was recorded."}
            </p>
          </>}
        </List>
      </Section>

      <Section title="Finished in the last 24 hours" id="recent-h">
        <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">Featured videos appear in the Featured row of everyone's browse page.</p>
        <List items={q.recent} empty="Nothing finished in the last day." label="Finished recently">
          {(v) => {
            const on = isFeatured(v.id);
            return <>
              <Title v={v} />
              {v.transcode_mode && <span className="text-xs text-zinc-600 dark:text-zinc-400">{v.transcode_mode === "remux" ? "copied as is" : "converted"}</span>}
              <button className="btn-ghost px-2 py-1" aria-pressed={on} aria-label={`${on ? "Unfeature" : "Feature"} ${v.title}`} onClick={() => feature(v.id, !on)}>
                {on ? "★ Featured" : "☆ Feature"}
              </button>
            </>;
          }}
        </List>
      </Section>
    </div>
  );
}
