// Upload: pick or drop files and follow them. The uploads themselves belong to the
// upload manager (lib/uploads), so they carry on while the person browses elsewhere.
import { useEffect, useId, useState, type DragEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { formatBytes, formatEta, formatSpeed } from "@/lib/format";
import { keys, useQuota } from "@/lib/queries";
import { remembered, type UploadJob } from "./uploadManager";
import { useUploadManager, useUploads } from "./uploads";
import { useToast } from "@/lib/toast";
import { Icon } from "@/components/icons";
import { ProcessingStatus } from "@/features/videos";
import { VideoDetailsForm } from "@/features/videos";
import type { Draft } from "@/lib/types";

function useSecondTick(active: boolean) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [active]);
}

function progressWords(job: UploadJob): string {
  switch (job.phase) {
    case "queued": return "Waiting for its turn…";
    case "requesting": return "Checking size and quota…";
    case "paused": return "Paused";
    case "retrying": return `Retrying in ${Math.max(0, Math.ceil(((job.retryAt ?? 0) - Date.now()) / 1000))} s`;
    case "uploading": return `${formatSpeed(job.rate)} · ${formatEta(job.eta)}`;
    default: return "";
  }
}

function UploadItem({ job }: { job: UploadJob }) {
  const manager = useUploadManager();
  const { file, phase } = job;
  useSecondTick(phase === "retrying");
  const progress = file.size ? job.sent / file.size : 0;
  const showProgress = ["queued", "requesting", "uploading", "paused", "retrying", "error"].includes(phase);
  const canPost = phase === "uploaded";

  return (
    <li className="card overflow-hidden" data-testid="upload-item" data-phase={phase}>
      <div className="flex items-center gap-3 border-b border-zinc-200 p-4 dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium">{file.name}</p>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">{formatBytes(file.size)}</p>
        </div>
        {phase === "uploading" && <button className="btn-ghost" onClick={() => manager.pause(job.key)}>Pause</button>}
        {(phase === "paused" || phase === "retrying" || (phase === "error" && !job.video)) && <button className="btn-ghost" onClick={() => manager.resume(job.key)}>{phase === "paused" ? "Resume" : "Retry now"}</button>}
        {phase !== "posted" && phase !== "refused" && <button className="btn-ghost text-red-700 dark:text-red-400" onClick={() => void manager.cancel(job.key)} aria-label={`Cancel ${file.name}`}>Cancel</button>}
        {(phase === "posted" || phase === "refused") && <button className="btn-ghost" onClick={() => manager.dismiss(job.key)} aria-label={`Dismiss ${file.name}`}>Dismiss</button>}
      </div>

      <div className="p-4">
        {job.error && <p role="alert" className="mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">{job.error}</p>}

        {showProgress && (
          <div className="mb-4">
            <div className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label={`Upload of ${file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
              <div className="h-full bg-brand-500 transition-[width]" style={{ width: `${progress * 100}%` }} />
            </div>
            <p className="mt-1 flex justify-between text-xs text-zinc-600 dark:text-zinc-400">
              <span>{Math.round(progress * 100)}% · {formatBytes(job.sent)} of {formatBytes(file.size)}</span>
              <span>{progressWords(job)}</span>
            </p>
          </div>
        )}
        {phase === "uploaded" && <p className="mb-3 text-sm text-emerald-700 dark:text-emerald-400" role="status">Uploaded. Add the details and post it.</p>}
        {phase === "refused" && <p className="text-sm text-zinc-600 dark:text-zinc-400">This file can't be posted. Choose another one.</p>}

        {phase === "posted" && job.video ? (
          <ProcessingStatus video={job.video} />
        ) : phase !== "refused" && (
          <VideoDetailsForm
            file={file}
            draftId={job.draftId}
            details={job.details}
            onChange={(d) => manager.setDetails(job.key, d)}
            footer={
              <button className="btn-primary" disabled={!canPost} onClick={() => void manager.post(job.key)}>
                {phase === "posting" ? "Posting…" : canPost ? "Post" : "Post (after the upload)"}
              </button>
            }
          />
        )}
      </div>
    </li>
  );
}

interface SavedDraft { id: Draft["id"]; title: string; filename: string; size_bytes: number; updated_at: string }

/** Drafts saved on the server (uploaded, not posted), e.g. from before a reload. */
function SavedDrafts({ exclude }: { exclude: Draft["id"][] }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const drafts = useQuery({ queryKey: keys.drafts(), queryFn: () => api.get<SavedDraft[]>("/api/videos/drafts"), retry: false });
  const act = useMutation({
    mutationFn: ({ id, post }: { id: Draft["id"]; post: boolean; title: string }) =>
      post ? api.post("/api/videos/finalize", { draft_id: id }) : api.del(`/api/videos/drafts/${encodeURIComponent(String(id))}`),
    onSuccess: (_r, { id, post, title }) => {
      remembered.dropDraft(id);
      queryClient.setQueryData<SavedDraft[]>(keys.drafts(), (list) => list?.filter((d) => d.id !== id));
      toast.show(post ? `Posted “${title}”. It's being processed.` : "Draft discarded.", "success");
    },
    onError: (err) => toast.error(err),
    onSettled: () => {
      for (const key of [keys.drafts(), keys.quota(), keys.mine(), keys.feed()]) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const list = (drafts.data ?? []).filter((d) => !exclude.includes(d.id));
  if (!list.length) return null;
  return (
    <section className="card mb-6 p-4" aria-labelledby="drafts-h">
      <h2 id="drafts-h" className="mb-2 font-semibold">Saved drafts</h2>
      <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {list.map((d) => (
          <li key={d.id} className="flex flex-wrap items-center gap-2 py-2">
            <span className="min-w-0 flex-1 truncate"><strong>{d.title}</strong> <span className="text-zinc-600 dark:text-zinc-400">· {d.filename} · {formatBytes(d.size_bytes)}</span></span>
            <button className="btn-ghost px-2 py-1" disabled={act.isPending} onClick={() => act.mutate({ id: d.id, post: true, title: d.title })}>Post</button>
            <button className="btn-ghost px-2 py-1 text-red-700 dark:text-red-400" disabled={act.isPending} onClick={() => act.mutate({ id: d.id, post: false, title: d.title })}>Discard</button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function UploadPage() {
  const manager = useUploadManager();
  const jobs = useUploads();
  const [dragging, setDragging] = useState(false);
  const inputId = useId();
  const pending = Object.entries(remembered.all()).filter(([fp, r]) => !r.draft_id && !jobs.some((j) => j.fingerprint === fp));
  const quota = useQuota();
  const mine = jobs.flatMap((j) => (j.draftId != null ? [j.draftId] : []));

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    manager.add(e.dataTransfer.files);
  }

  return (
    <div className="mx-auto max-w-4xl px-4 py-6">
      <h1 className="mb-1 text-2xl font-bold">Upload</h1>
      {quota.data && (
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400" data-testid="quota">
          {formatBytes(quota.data.used_bytes)} of {formatBytes(quota.data.limit_bytes)} used this week · {formatBytes(quota.data.remaining_bytes)} left
        </p>
      )}
      <label
        htmlFor={inputId}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`mb-6 flex cursor-pointer flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed p-10 text-center transition ${dragging ? "border-brand-500 bg-brand-500/5" : "border-zinc-300 hover:border-brand-500 dark:border-zinc-700"}`}
        data-testid="dropzone"
      >
        <Icon name="upload" className="h-10 w-10 text-zinc-400" />
        <span className="font-medium">Drop videos here or choose files</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">MP4, MOV, MKV, WebM, AVI… Uploads carry on while you browse, and resume if the connection drops or the page reloads.</span>
        <input id={inputId} type="file" accept="video/*,.mkv,.avi,.mov,.m4v,.webm" multiple className="sr-only" aria-label="Choose video files" onChange={(e) => { manager.add([...(e.target.files ?? [])]); e.target.value = ""; }} />
      </label>

      {pending.length > 0 && (
        <div className="card mb-6 p-4 text-sm" role="status">
          <p className="font-medium">Unfinished uploads</p>
          <p className="mb-2 text-zinc-600 dark:text-zinc-400">Choose the same file again to continue where it stopped.</p>
          <ul className="list-inside list-disc">
            {pending.map(([fp, r]) => <li key={fp}>{r.filename} ({formatBytes(r.size)})</li>)}
          </ul>
        </div>
      )}

      <SavedDrafts exclude={mine} />

      <ul className="flex flex-col gap-4">
        {jobs.map((job) => <UploadItem key={job.key} job={job} />)}
      </ul>
    </div>
  );
}
