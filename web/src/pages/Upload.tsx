// Upload: pick or drop files; each gets a resumable tus upload, a draft editor with a
// local preview for trim and cover, then Post → live processing progress.
import { useEffect, useId, useMemo, useRef, useState, type DragEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import * as tus from "tus-js-client";
import { api, ApiError, errorMessage, tokenStore } from "../lib/api";
import { formatBytes, formatDuration, formatEta, formatSpeed } from "../lib/format";
import { useLiveVideos } from "../lib/live";
import { useCategories, useQuota, useVideo } from "../lib/queries";
import { Icon } from "../components/icons";
import { fileFingerprint, RateMeter } from "../lib/rate";
import { useToast } from "../lib/toast";
import type { Draft, Privacy, UploadTicket, Video } from "../lib/types";

const STORE_KEY = "clipset.uploads";
// Each PATCH is atomic (the server buffers a request before handling it): a chunk cut off
// mid-way is sent again whole, so chunks stay small enough that this costs little.
const CHUNK = 8 * 1024 * 1024;

interface Remembered { upload_id: string; upload_url: string; filename: string; size: number; draft_id?: number; saved_at: number }

/** Unfinished uploads by file fingerprint, so a reload can resume where it stopped. */
const remembered = {
  all(): Record<string, Remembered> {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) ?? "{}"); } catch { return {}; }
  },
  get(fp: string) { return this.all()[fp]; },
  put(fp: string, r: Remembered) { localStorage.setItem(STORE_KEY, JSON.stringify({ ...this.all(), [fp]: r })); },
  drop(fp: string) { const all = this.all(); delete all[fp]; localStorage.setItem(STORE_KEY, JSON.stringify(all)); },
  dropDraft(id: number) { for (const [fp, r] of Object.entries(this.all())) if (r.draft_id === id) this.drop(fp); },
};

type Phase = "requesting" | "uploading" | "paused" | "uploaded" | "posting" | "posted" | "error";

interface Form { title: string; description: string; tags: string; category_id: string; privacy: Privacy; trim_start: number | null; trim_end: number | null; cover_time: number | null }

function titleFrom(name: string) {
  return name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim().slice(0, 200) || "Untitled";
}

function UploadItem({ file, onRemove, onDraft }: { file: File; onRemove: () => void; onDraft: (id: number) => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const fp = useMemo(() => fileFingerprint(file), [file]);
  const [phase, setPhase] = useState<Phase>("requesting");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(0);
  const [ticket, setTicket] = useState<Remembered | null>(null);
  const [draftId, setDraftId] = useState<number | null>(null);
  const [video, setVideo] = useState<Video | null>(null);
  const [form, setForm] = useState<Form>({ title: titleFrom(file.name), description: "", tags: "", category_id: "", privacy: "public", trim_start: null, trim_end: null, cover_time: null });
  const upload = useRef<tus.Upload | null>(null);
  const meter = useRef(new RateMeter());
  const [, tick] = useState(0);
  const started = useRef(false);
  const preview = useMemo(() => URL.createObjectURL(file), [file]);
  const player = useRef<HTMLVideoElement>(null);
  const ids = useId();
  const categories = useCategories();

  useEffect(() => () => URL.revokeObjectURL(preview), [preview]);

  function startTus(t: Remembered) {
    const u = new tus.Upload(file, {
      uploadUrl: t.upload_url,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { Authorization: `Bearer ${tokenStore.get() ?? ""}` },
      metadata: { filename: file.name, filetype: file.type },
      onProgress: (bytes) => {
        meter.current.add(bytes);
        setSent(bytes);
      },
      onSuccess: () => {
        setSent(file.size);
        setPhase("uploaded");
      },
      onError: (err) => {
        const status = (err as tus.DetailedError).originalResponse?.getStatus?.() ?? 0;
        let body: unknown = null;
        try { body = JSON.parse((err as tus.DetailedError).originalResponse?.getBody?.() ?? ""); } catch { /* not JSON */ }
        setError(status ? errorMessage(new ApiError(status, "", (body as { detail?: string })?.detail ?? `Upload failed (${status}).`)) : "The upload was interrupted. Check your connection and press Resume.");
        if (status === 404 || status === 410 || status === 403) remembered.drop(fp);
        setPhase("error");
      },
    });
    upload.current = u;
    meter.current.reset();
    setPhase("uploading");
    setError(null);
    u.start();
  }

  // Get (or reuse after a reload) an upload URL, then send the file.
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    (async () => {
      let t = remembered.get(fp);
      if (!t) {
        try {
          const r = await api.post<UploadTicket>("/api/videos/upload-url", { filename: file.name, size: file.size, content_type: file.type || undefined });
          t = { upload_id: String(r.upload_id), upload_url: r.upload_url, filename: file.name, size: file.size, saved_at: Date.now() };
          remembered.put(fp, t);
        } catch (err) {
          setError(errorMessage(err));
          setPhase("error");
          return;
        }
      }
      setTicket(t);
      if (t.draft_id) setDraftId(t.draft_id);
      startTus(t);
    })();
    return () => { upload.current?.abort(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (phase !== "uploading") return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [phase]);

  const liveVideo = useVideo(video?.id ?? NaN, { pollMs: 4000 });
  const [percent, setPercent] = useState<number | null>(null);
  useLiveVideos(video ? [video.id] : [], (e) => {
    if (e.type === "video.progress") setPercent(e.percent);
  });
  const current = liveVideo.data ?? video;
  useEffect(() => {
    if (current?.processing_status === "completed") {
      toast.show(`“${current.title}” is ready.`, "success");
      queryClient.invalidateQueries({ queryKey: ["feed"] });
      queryClient.invalidateQueries({ queryKey: ["videos"] });
    }
    if (current?.processing_status === "failed") toast.show(`“${current.title}” failed: ${current.error_message ?? "unknown error"}`, "error");
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.processing_status]);

  function pause() {
    upload.current?.abort();
    setPhase("paused");
  }
  function resume() {
    if (ticket) startTus(ticket);
  }
  async function cancel() {
    upload.current?.abort();
    if (ticket && phase !== "posted") {
      if (draftId) await api.del(`/api/videos/drafts/${draftId}`).catch(() => undefined);
      else await tus.Upload.terminate(ticket.upload_url, { headers: { Authorization: `Bearer ${tokenStore.get() ?? ""}` } }).catch(() => undefined);
    }
    remembered.drop(fp);
    onRemove();
  }

  function fields() {
    return {
      title: form.title.trim() || titleFrom(file.name),
      description: form.description,
      tags: form.tags.split(",").map((t) => t.trim()).filter(Boolean).slice(0, 20),
      category_id: form.category_id ? Number(form.category_id) : null,
      privacy: form.privacy,
    };
  }

  const draftPromise = useRef<Promise<number> | null>(null);
  function ensureDraft(): Promise<number> {
    if (draftId) return Promise.resolve(draftId);
    draftPromise.current ??= api.post<Draft>("/api/videos/drafts", { upload_id: ticket!.upload_id, ...fields() }).then((d) => {
      setDraftId(d.id);
      onDraft(d.id);
      remembered.put(fp, { ...ticket!, draft_id: d.id });
      return d.id;
    }, (err) => { draftPromise.current = null; throw err; });
    return draftPromise.current;
  }

  // Save the draft as soon as the file is up, so it outlives this page.
  useEffect(() => {
    if (phase !== "uploaded" || !ticket) return;
    if (draftId) { onDraft(draftId); return; }
    ensureDraft().then(() => queryClient.invalidateQueries({ queryKey: ["drafts"] }), (err) => setError(errorMessage(err)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [phase, ticket]);

  async function post() {
    setPhase("posting");
    setError(null);
    try {
      const id = await ensureDraft();
      await api.patch(`/api/videos/drafts/${id}`, { ...fields(), trim_start: form.trim_start, trim_end: form.trim_end, cover_time: form.cover_time });
      const v = await api.post<Video>("/api/videos/finalize", { draft_id: id });
      remembered.drop(fp);
      setVideo(v);
      setPhase("posted");
      queryClient.invalidateQueries({ queryKey: ["mine"] });
    } catch (err) {
      setError(errorMessage(err));
      setPhase("uploaded");
    }
  }

  const at = () => Math.round((player.current?.currentTime ?? 0) * 10) / 10;
  const progress = file.size ? sent / file.size : 0;
  const busy = phase === "posting";
  const editable = phase !== "posted";

  return (
    <li className="card overflow-hidden" data-testid="upload-item">
      <div className="flex items-center gap-3 border-b border-zinc-200 p-4 dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium">{file.name}</p>
          <p className="text-xs text-zinc-500">{formatBytes(file.size)}</p>
        </div>
        {(phase === "uploading") && <button className="btn-ghost" onClick={pause}>Pause</button>}
        {(phase === "paused" || (phase === "error" && ticket)) && <button className="btn-ghost" onClick={resume}>Resume</button>}
        {phase !== "posted" && <button className="btn-ghost text-red-600" onClick={cancel} aria-label={`Cancel ${file.name}`}>Cancel</button>}
        {phase === "posted" && <button className="btn-ghost" onClick={onRemove} aria-label={`Dismiss ${file.name}`}>Dismiss</button>}
      </div>

      <div className="p-4">
        {error && <p role="alert" className="mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">{error}</p>}

        {(phase === "uploading" || phase === "paused" || phase === "requesting" || (phase === "error" && ticket)) && (
          <div className="mb-4">
            <div className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label={`Upload of ${file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
              <div className="h-full bg-brand-500 transition-[width]" style={{ width: `${progress * 100}%` }} />
            </div>
            <p className="mt-1 flex justify-between text-xs text-zinc-500">
              <span>{Math.round(progress * 100)}% · {formatBytes(sent)} of {formatBytes(file.size)}</span>
              <span>{phase === "paused" ? "Paused" : phase === "uploading" ? `${formatSpeed(meter.current.rate())} · ${formatEta(meter.current.eta(file.size))}` : phase === "requesting" ? "Checking size and quota…" : ""}</span>
            </p>
          </div>
        )}
        {phase === "uploaded" && <p className="mb-3 text-sm text-emerald-600" role="status">Uploaded. Add the details and post it.</p>}

        {phase === "posted" && current ? (
          <div role="status" className="text-sm" data-testid="processing-status">
            {current.processing_status === "completed" ? (
              <p className="text-emerald-600">Ready! <Link className="font-medium underline" to={`/v/${current.id}`}>Watch “{current.title}”</Link></p>
            ) : current.processing_status === "failed" ? (
              <p className="text-red-600">Processing failed: {current.error_message ?? "unknown error"}</p>
            ) : (
              <>
                <p>{current.processing_status === "pending" ? "Waiting to be processed…" : "Processing…"} {percent != null && `${Math.round(percent)}%`}</p>
                <div className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label="Processing" aria-valuenow={Math.round(percent ?? 0)} aria-valuemin={0} aria-valuemax={100}>
                  <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${percent ?? 2}%` }} />
                </div>
              </>
            )}
          </div>
        ) : editable && (
          <div className="grid gap-4 md:grid-cols-2">
            <div>
              <video ref={player} src={preview} controls playsInline preload="metadata" className="aspect-video w-full rounded-lg bg-black" aria-label={`Preview of ${file.name}`} />
              <div className="mt-2 flex flex-wrap gap-2 text-xs">
                <button type="button" className="btn-ghost px-2 py-1" onClick={() => setForm({ ...form, trim_start: at() })}>Start here</button>
                <button type="button" className="btn-ghost px-2 py-1" onClick={() => setForm({ ...form, trim_end: at() })}>End here</button>
                <button type="button" className="btn-ghost px-2 py-1" onClick={() => setForm({ ...form, cover_time: at() })}>Use this frame as cover</button>
                {(form.trim_start != null || form.trim_end != null || form.cover_time != null) && (
                  <button type="button" className="btn-ghost px-2 py-1" onClick={() => setForm({ ...form, trim_start: null, trim_end: null, cover_time: null })}>Reset</button>
                )}
              </div>
              <p className="mt-1 text-xs text-zinc-500">
                Trim: {form.trim_start != null ? formatDuration(form.trim_start) : "start"} → {form.trim_end != null ? formatDuration(form.trim_end) : "end"} · Cover: {form.cover_time != null ? formatDuration(form.cover_time) : "automatic"}
              </p>
            </div>
            <div className="flex flex-col gap-3">
              <div>
                <label className="label" htmlFor={`${ids}-title`}>Title</label>
                <input id={`${ids}-title`} className="input" maxLength={200} value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
              </div>
              <div>
                <label className="label" htmlFor={`${ids}-desc`}>Description</label>
                <textarea id={`${ids}-desc`} className="input min-h-[4rem]" maxLength={5000} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
              </div>
              <div>
                <label className="label" htmlFor={`${ids}-tags`}>Tags (comma separated)</label>
                <input id={`${ids}-tags`} className="input" value={form.tags} onChange={(e) => setForm({ ...form, tags: e.target.value })} />
              </div>
              <div className="grid grid-cols-2 gap-3">
                <div>
                  <label className="label" htmlFor={`${ids}-cat`}>Category</label>
                  <select id={`${ids}-cat`} className="input" value={form.category_id} onChange={(e) => setForm({ ...form, category_id: e.target.value })}>
                    <option value="">None</option>
                    {(categories.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
                  </select>
                </div>
                <div>
                  <label className="label" htmlFor={`${ids}-privacy`}>Who can see it</label>
                  <select id={`${ids}-privacy`} className="input" value={form.privacy} onChange={(e) => setForm({ ...form, privacy: e.target.value as Privacy })}>
                    <option value="public">Everyone (public)</option>
                    <option value="unlisted">Anyone with the link</option>
                    <option value="private">Only me</option>
                  </select>
                </div>
              </div>
              <button className="btn-primary" disabled={phase !== "uploaded" || busy} onClick={post}>
                {busy ? "Posting…" : phase === "uploaded" ? "Post" : "Post (after the upload)"}
              </button>
            </div>
          </div>
        )}
      </div>
    </li>
  );
}

interface SavedDraft { id: number; title: string; filename: string; size_bytes: number; updated_at: string }

/** Drafts saved on the server (uploaded, not posted), e.g. from before a reload. */
function SavedDrafts({ exclude }: { exclude: Set<number> }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const drafts = useQuery({ queryKey: ["drafts"], queryFn: () => api.get<SavedDraft[]>("/api/videos/drafts"), retry: false });
  const list = (drafts.data ?? []).filter((d) => !exclude.has(d.id));
  if (!list.length) return null;
  async function act(id: number, fn: () => Promise<unknown>, done: string) {
    try {
      await fn();
      remembered.dropDraft(id);
      toast.show(done, "success");
    } catch (err) {
      toast.error(err);
    }
    queryClient.invalidateQueries({ queryKey: ["drafts"] });
    queryClient.invalidateQueries({ queryKey: ["mine"] });
  }
  return (
    <section className="card mb-6 p-4" aria-labelledby="drafts-h">
      <h2 id="drafts-h" className="mb-2 font-semibold">Saved drafts</h2>
      <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {list.map((d) => (
          <li key={d.id} className="flex flex-wrap items-center gap-2 py-2">
            <span className="min-w-0 flex-1 truncate"><strong>{d.title}</strong> <span className="text-zinc-500">· {d.filename} · {formatBytes(d.size_bytes)}</span></span>
            <button className="btn-ghost px-2 py-1" onClick={() => act(d.id, () => api.post("/api/videos/finalize", { draft_id: d.id }), `Posted “${d.title}”. It's being processed.`)}>Post</button>
            <button className="btn-ghost px-2 py-1 text-red-600" onClick={() => act(d.id, () => api.del(`/api/videos/drafts/${d.id}`), "Draft discarded.")}>Discard</button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function UploadPage() {
  const [files, setFiles] = useState<{ key: string; file: File }[]>([]);
  const [mine, setMine] = useState<Set<number>>(new Set());
  const [dragging, setDragging] = useState(false);
  const inputId = useId();
  const pending = Object.entries(remembered.all()).filter(([fp, r]) => !r.draft_id && !files.some((f) => fileFingerprint(f.file) === fp));
  const quota = useQuota();

  function add(list: FileList | null) {
    if (!list) return;
    const next = [...list].map((file) => ({ key: `${fileFingerprint(file)}-${Math.random()}`, file }));
    setFiles((f) => [...f, ...next.filter((n) => !f.some((x) => fileFingerprint(x.file) === fileFingerprint(n.file)))]);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    add(e.dataTransfer.files);
  }

  return (
    <div className="mx-auto max-w-4xl px-4 py-6">
      <h1 className="mb-1 text-2xl font-bold">Upload</h1>
      {quota.data && (
        <p className="mb-4 text-sm text-zinc-500" data-testid="quota">
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
        <span className="text-xs text-zinc-500">MP4, MOV, MKV, WebM, AVI… Uploads resume if the connection drops or the page reloads.</span>
        <input id={inputId} type="file" accept="video/*,.mkv,.avi,.mov,.m4v,.webm" multiple className="sr-only" aria-label="Choose video files" onChange={(e) => { add(e.target.files); e.target.value = ""; }} />
      </label>

      {pending.length > 0 && (
        <div className="card mb-6 p-4 text-sm" role="status">
          <p className="font-medium">Unfinished uploads</p>
          <p className="mb-2 text-zinc-500">Choose the same file again to continue where it stopped.</p>
          <ul className="list-inside list-disc">
            {pending.map(([fp, r]) => <li key={fp}>{r.filename} ({formatBytes(r.size)})</li>)}
          </ul>
        </div>
      )}

      <SavedDrafts exclude={mine} />

      <ul className="flex flex-col gap-4">
        {files.map(({ key, file }) => (
          <UploadItem key={key} file={file} onRemove={() => setFiles((f) => f.filter((x) => x.key !== key))} onDraft={(id) => setMine((s) => (s.has(id) ? s : new Set(s).add(id)))} />
        ))}
      </ul>
    </div>
  );
}
