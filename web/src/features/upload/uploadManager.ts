// The upload manager: every upload of the session, owned by the app rather than a page,
// so uploads keep going while the person browses. A queue (a few at a time), progress,
// pause/resume, retry with backoff after the connection drops, the draft saved as soon as
// the bytes are in, and Post. Screens read snapshots through `subscribe`/`snapshot`.
import type * as Tus from "tus-js-client";
import { api, ApiError, errorMessage, toApiError, tokenStore } from "@/lib/api";
import { backoffDelay } from "@/lib/backoff";
import { tagList } from "@/lib/tags";
import { fileFingerprint, RateMeter } from "./rate";
import type { Details } from "@/features/videos";
import type { Draft, UploadTicket, Video } from "@/lib/types";

const STORE_KEY = "clipset.uploads";
// Each PATCH is atomic (the server buffers a request before handling it): a chunk cut off
// mid-way is sent again whole, so chunks stay small enough that this costs little.
const CHUNK = 8 * 1024 * 1024;
/** Uploads sending at the same time; the rest wait their turn. */
const PARALLEL = 2;
/** After tus's own quick retries give up, the manager tries again on this schedule. */
const RETRY = { base: 2000, max: 60_000 };

export interface Remembered { upload_id: string; upload_url: string; filename: string; size: number; draft_id?: Draft["id"]; saved_at: number }

/** Unfinished uploads by file fingerprint, so a reload can resume where it stopped. */
export const remembered = {
  all(): Record<string, Remembered> {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) ?? "{}"); } catch { return {}; }
  },
  get(fp: string) { return this.all()[fp]; },
  put(fp: string, r: Remembered) { localStorage.setItem(STORE_KEY, JSON.stringify({ ...this.all(), [fp]: r })); },
  drop(fp: string) { const all = this.all(); delete all[fp]; localStorage.setItem(STORE_KEY, JSON.stringify(all)); },
  dropDraft(id: Draft["id"]) { for (const [fp, r] of Object.entries(this.all())) if (r.draft_id === id) this.drop(fp); },
};

/**
 * queued → requesting → uploading ⇄ paused / retrying → uploaded → posting → posted.
 * `refused`: the server will never take this file (not a video, too large); `error`: a
 * failure the person may retry.
 */
export type Phase = "queued" | "requesting" | "uploading" | "paused" | "retrying" | "uploaded" | "posting" | "posted" | "refused" | "error";


export interface UploadJob {
  key: string;
  file: File;
  fingerprint: string;
  phase: Phase;
  sent: number;
  rate: number;
  eta: number | null;
  error: string | null;
  retryAt: number | null;
  ticket: Remembered | null;
  draftId: Draft["id"] | null;
  video: Video | null;
  details: Details;
}

/** What the rest of the app hears about: caches to refresh after a change. */
export interface ManagerEvents {
  draftSaved(id: Draft["id"]): void;
  posted(draftId: Draft["id"], video: Video): void;
  bytesStored(): void;
}

export function titleFrom(name: string) {
  return name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim().slice(0, 200) || "Untitled";
}

/** Still moving bytes (or about to): leaving the app now would stop it. */
export function isSending(job: UploadJob): boolean {
  return job.phase === "queued" || job.phase === "requesting" || job.phase === "uploading" || job.phase === "retrying";
}

// The tus client is fetched with the first upload, not with the app: most visits upload nothing.
let tusLib: typeof Tus | null = null;
async function loadTus(): Promise<typeof Tus> {
  tusLib ??= await import("tus-js-client");
  return tusLib;
}

/** Statuses of a tus failure that mean "this file will never be accepted". */
const REFUSALS = new Set([400, 413, 415, 422, 507]);

function tusFailure(err: Error): ApiError {
  const response = (err as Tus.DetailedError).originalResponse;
  const status = response?.getStatus?.() ?? 0;
  let body: unknown = null;
  try { body = JSON.parse(response?.getBody?.() ?? ""); } catch { /* not JSON */ }
  return toApiError(status, body);
}

export class UploadManager {
  private jobs: UploadJob[] = [];
  private listeners = new Set<() => void>();
  private tus = new Map<string, Tus.Upload>();
  private meters = new Map<string, RateMeter>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private attempts = new Map<string, number>();
  private drafts = new Map<string, Promise<Draft["id"]>>();

  constructor(private events: ManagerEvents) {}

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  };
  snapshot = () => this.jobs;

  get(key: string) { return this.jobs.find((j) => j.key === key); }

  private set(key: string, patch: Partial<UploadJob>) {
    this.jobs = this.jobs.map((j) => (j.key === key ? { ...j, ...patch } : j));
    this.listeners.forEach((fn) => fn());
  }

  /** Queue files; one already in the list (same fingerprint) is not added twice. */
  add(files: Iterable<File>) {
    const fresh: UploadJob[] = [];
    for (const file of files) {
      const fingerprint = fileFingerprint(file);
      if (this.jobs.some((j) => j.fingerprint === fingerprint) || fresh.some((j) => j.fingerprint === fingerprint)) continue;
      fresh.push({
        key: `${fingerprint}-${Math.random().toString(36).slice(2)}`, file, fingerprint, phase: "queued", sent: 0, rate: 0, eta: null,
        error: null, retryAt: null, ticket: null, draftId: null, video: null,
        details: { title: titleFrom(file.name), description: "", tags: "", category_id: "", privacy: "public", trim_start: null, trim_end: null, cover_time: null },
      });
    }
    if (!fresh.length) return;
    this.jobs = [...this.jobs, ...fresh];
    this.listeners.forEach((fn) => fn());
    this.pump();
  }

  setDetails(key: string, details: Details) { this.set(key, { details }); }

  /** Start queued uploads while fewer than PARALLEL are sending. */
  private pump() {
    const active = this.jobs.filter((j) => j.phase === "requesting" || j.phase === "uploading").length;
    for (const job of this.jobs.filter((j) => j.phase === "queued").slice(0, Math.max(0, PARALLEL - active))) void this.begin(job.key);
  }

  // Get (or reuse after a reload) an upload URL, then send the file.
  private async begin(key: string) {
    const job = this.get(key);
    if (!job) return;
    let ticket = job.ticket ?? remembered.get(job.fingerprint) ?? null;
    await loadTus().catch(() => undefined); // a failure shows when sending starts
    if (!ticket) {
      this.set(key, { phase: "requesting", error: null });
      try {
        const r = await api.post<UploadTicket>("/api/videos/upload-url", { filename: job.file.name, size: job.file.size, content_type: job.file.type || undefined });
        ticket = { upload_id: r.upload_id, upload_url: r.upload_url, filename: job.file.name, size: job.file.size, saved_at: Date.now() };
        remembered.put(job.fingerprint, ticket);
      } catch (err) {
        if (!this.get(key)) return;
        const refused = err instanceof ApiError && REFUSALS.has(err.status);
        this.set(key, { phase: refused ? "refused" : "error", error: errorMessage(err) });
        this.pump();
        return;
      }
    }
    if (!this.get(key)) return;
    this.set(key, { ticket, draftId: ticket.draft_id ?? job.draftId });
    this.send(key);
  }

  private send(key: string) {
    const job = this.get(key);
    if (!job?.ticket) return;
    const tus = tusLib;
    if (!tus) {
      // Not fetched yet (or its fetch failed): fetch it, then send unless paused meanwhile.
      loadTus().then(
        () => { if (this.get(key)?.phase !== "paused") this.send(key); },
        () => this.failed(key, toApiError(0, null)),
      );
      return;
    }
    const meter = this.meters.get(key) ?? new RateMeter();
    meter.reset();
    this.meters.set(key, meter);
    const u = new tus.Upload(job.file, {
      uploadUrl: job.ticket.upload_url,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000],
      headers: { Authorization: `Bearer ${tokenStore.get() ?? ""}` },
      metadata: { filename: job.file.name, filetype: job.file.type },
      // A refusal (not a video, over quota) will answer the same every time.
      onShouldRetry: (err) => !REFUSALS.has(tusFailure(err).status) && tusFailure(err).status < 400,
      onProgress: (bytes) => {
        meter.add(bytes);
        this.attempts.delete(key);
        this.set(key, { sent: bytes, rate: meter.rate(), eta: meter.eta(job.file.size) });
      },
      onSuccess: () => {
        this.tus.delete(key);
        this.attempts.delete(key);
        this.set(key, { sent: job.file.size, phase: "uploaded", error: null, rate: 0, eta: null });
        this.events.bytesStored();
        this.pump();
        void this.ensureDraft(key).catch((err) => this.draftFailed(key, err));
      },
      onError: (err) => this.failed(key, tusFailure(err)),
    });
    this.tus.set(key, u);
    this.set(key, { phase: "uploading", error: null, retryAt: null });
    u.start();
  }

  private failed(key: string, err: ApiError) {
    this.tus.delete(key);
    const job = this.get(key);
    if (!job) return;
    if (err.status === 404 || err.status === 410 || err.status === 403 || REFUSALS.has(err.status)) remembered.drop(job.fingerprint);
    if (REFUSALS.has(err.status)) {
      this.set(key, { phase: "refused", error: err.message, ticket: null });
      this.events.bytesStored(); // the quota it held is given back
    } else if (err.status === 0 || err.status >= 500) {
      // The connection dropped or the server is restarting: try again, less often each time.
      const attempt = this.attempts.get(key) ?? 0;
      this.attempts.set(key, attempt + 1);
      const delay = backoffDelay(attempt, RETRY);
      this.set(key, { phase: "retrying", retryAt: Date.now() + delay, error: "The connection dropped. Retrying…" });
      this.timers.set(key, setTimeout(() => { this.timers.delete(key); if (this.get(key)?.phase === "retrying") this.send(key); }, delay));
    } else {
      this.set(key, { phase: "error", error: err.message });
    }
    this.pump();
  }

  pause(key: string) {
    this.clearTimer(key);
    void this.tus.get(key)?.abort();
    this.tus.delete(key);
    this.set(key, { phase: "paused", retryAt: null, rate: 0, eta: null });
    this.pump();
  }

  /** Resume a paused upload, or retry a failed one now. */
  resume(key: string) {
    const job = this.get(key);
    if (!job) return;
    this.clearTimer(key);
    if (job.ticket) this.send(key);
    else this.set(key, { phase: "queued", error: null });
    this.pump();
  }

  /** Stop and forget an upload; what reached the server (upload or draft) is removed. */
  async cancel(key: string) {
    const job = this.get(key);
    if (!job) return;
    this.clearTimer(key);
    void this.tus.get(key)?.abort();
    this.tus.delete(key);
    this.jobs = this.jobs.filter((j) => j.key !== key);
    this.listeners.forEach((fn) => fn());
    remembered.drop(job.fingerprint);
    if (job.ticket && job.phase !== "posted") {
      const draftId = job.draftId ?? (await this.drafts.get(key)?.catch(() => null));
      if (draftId != null) await api.del(`/api/videos/drafts/${encodeURIComponent(String(draftId))}`).catch(() => undefined);
      else await (await loadTus()).Upload.terminate(job.ticket.upload_url, { headers: { Authorization: `Bearer ${tokenStore.get() ?? ""}` } }).catch(() => undefined);
    }
    this.events.bytesStored();
    this.pump();
  }

  /** Take a finished (posted, refused) upload off the list. */
  dismiss(key: string) {
    this.clearTimer(key);
    this.jobs = this.jobs.filter((j) => j.key !== key);
    this.listeners.forEach((fn) => fn());
  }

  /** Stop everything (on sign-out); uploads stay resumable from the server's offset. */
  stopAll() {
    for (const key of [...this.timers.keys()]) this.clearTimer(key);
    for (const u of this.tus.values()) void u.abort();
    this.tus.clear();
    this.jobs = [];
    this.listeners.forEach((fn) => fn());
  }

  private clearTimer(key: string) {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private fields(job: UploadJob) {
    const d = job.details;
    return {
      title: d.title.trim() || titleFrom(job.file.name),
      description: d.description,
      tags: tagList(d.tags),
      category_id: d.category_id ? Number(d.category_id) : null,
      privacy: d.privacy,
    };
  }

  /** The draft of an uploaded file, made once, so it outlives the page and the tab. */
  private ensureDraft(key: string): Promise<Draft["id"]> {
    const job = this.get(key);
    if (!job?.ticket) return Promise.reject(new Error("This upload isn't finished."));
    if (job.draftId != null) return Promise.resolve(job.draftId);
    const pending = this.drafts.get(key);
    if (pending) return pending;
    const ticket = job.ticket;
    const made = api.post<Draft>("/api/videos/drafts", { upload_id: ticket.upload_id, ...this.fields(job) }).then((d) => {
      remembered.put(job.fingerprint, { ...ticket, draft_id: d.id });
      if (this.get(key)) this.set(key, { draftId: d.id, ticket: { ...ticket, draft_id: d.id } });
      this.events.draftSaved(d.id);
      return d.id;
    }, (err) => { this.drafts.delete(key); throw err; });
    this.drafts.set(key, made);
    return made;
  }

  async post(key: string) {
    const job = this.get(key);
    if (!job || job.phase !== "uploaded") return;
    this.set(key, { phase: "posting", error: null });
    try {
      const id = await this.ensureDraft(key);
      const current = this.get(key) ?? job;
      const d = current.details;
      const path = `/api/videos/drafts/${encodeURIComponent(String(id))}`;
      await api.patch(path, { ...this.fields(current), trim_start: d.trim_start, trim_end: d.trim_end, cover_time: d.cover_time });
      const video = await api.post<Video>("/api/videos/finalize", { draft_id: id });
      remembered.drop(job.fingerprint);
      this.set(key, { phase: "posted", video });
      this.events.posted(id, video);
    } catch (err) {
      this.draftFailed(key, err, "uploaded");
    }
  }

  /** The server looked at the whole file and won't take it (not a video after all,
   * damaged, too long): it is gone there, so it can't be posted. */
  private draftFailed(key: string, err: unknown, otherwise?: Phase) {
    if (!this.get(key)) return;
    if (err instanceof ApiError && REFUSALS.has(err.status)) {
      remembered.drop(this.get(key)!.fingerprint);
      this.set(key, { phase: "refused", error: err.message, ticket: null });
      this.events.bytesStored();
    } else {
      this.set(key, { error: errorMessage(err), ...(otherwise ? { phase: otherwise } : {}) });
    }
  }
}
