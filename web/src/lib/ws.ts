// The live connection: one WebSocket to /api/ws, authenticated, with subscriptions that
// survive reconnects, exponential backoff, and a status for the "connection lost" banner.
import { backoffDelay } from "./backoff";
import type { Comment, VideoId } from "./types";

export type LiveEvent =
  | { type: "like.updated"; video_id: VideoId; like_count: number }
  | { type: "comment.created"; video_id: VideoId; comment: Comment }
  | { type: "comment.deleted"; video_id: VideoId; comment_id: number }
  | { type: "video.progress"; video_id: VideoId; percent: number }
  | { type: "video.playable"; video_id: VideoId; stand_in_type: string }
  | { type: "video.ready"; video_id: VideoId }
  | { type: "video.failed"; video_id: VideoId; error: string }
  | { type: "video.edit_progress"; video_id: VideoId; percent: number }
  | { type: "video.edited"; video_id: VideoId }
  | { type: "video.edit_failed"; video_id: VideoId; error: string }
  | { type: "video.published"; video_id: VideoId; uploader_id: number; created_at: string }
  // Several instances: events from the others may have been lost; fetch again.
  | { type: "events.missed" }
  // The server follows these videos from now on (all this connection follows). What
  // happened to them before, between a screen's fetch and this, came as no event.
  | { type: "subscribed"; video_ids: VideoId[] };

export type LiveStatus = "idle" | "connecting" | "open" | "lost";

/** The part of WebSocket this client needs (a fake in tests). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number): void;
}

export interface LiveOptions {
  url: string;
  getToken: () => string | null;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

const OPEN = 1;

export class LiveClient {
  private socket: SocketLike | null = null;
  private counts = new Map<VideoId, number>(); // video id → number of subscribers in the UI
  private listeners = new Set<(e: LiveEvent) => void>();
  private statusListeners = new Set<(s: LiveStatus) => void>();
  private attempt = 0;
  private timer: unknown = null;
  private stopped = true;
  status: LiveStatus = "idle";
  private readonly opts: Required<LiveOptions>;

  constructor(options: LiveOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      ...options,
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.timer != null) this.opts.clearTimer(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000);
    }
    this.setStatus("idle");
  }

  /** Start receiving events of these videos; returns the matching unsubscribe. */
  subscribe(videoIds: VideoId[]): () => void {
    const fresh = videoIds.filter((id) => {
      const n = this.counts.get(id) ?? 0;
      this.counts.set(id, n + 1);
      return n === 0;
    });
    if (fresh.length) this.send({ type: "subscribe", video_ids: fresh });
    return () => {
      const gone = videoIds.filter((id) => {
        const n = (this.counts.get(id) ?? 1) - 1;
        if (n <= 0) this.counts.delete(id);
        else this.counts.set(id, n);
        return n <= 0;
      });
      if (gone.length) this.send({ type: "unsubscribe", video_ids: gone });
    };
  }

  onEvent(fn: (e: LiveEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** The delay that the next reconnect will wait (for tests and the banner). */
  nextDelay(): number {
    return backoffDelay(this.attempt, {}, this.opts.random());
  }

  private connect() {
    const token = this.opts.getToken();
    if (!token) {
      this.setStatus("idle");
      return;
    }
    this.setStatus(this.status === "lost" ? "lost" : "connecting");
    const socket = this.opts.createSocket(this.opts.url);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "auth", token }));
      const ids = [...this.counts.keys()];
      if (ids.length) socket.send(JSON.stringify({ type: "subscribe", video_ids: ids }));
      this.attempt = 0;
      this.setStatus("open");
    };
    socket.onmessage = (ev) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const event = normalize(msg);
      if (event) this.listeners.forEach((fn) => fn(event));
    };
    socket.onerror = () => {
      /* onclose follows and schedules the reconnect */
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.setStatus(this.status === "open" || this.status === "lost" ? "lost" : "connecting");
      const delay = this.nextDelay();
      this.attempt++;
      this.timer = this.opts.setTimer(() => {
        this.timer = null;
        if (!this.stopped) this.connect();
      }, delay);
    };
  }

  private send(msg: object) {
    if (this.socket && this.socket.readyState === OPEN && this.status === "open") {
      this.socket.send(JSON.stringify(msg));
    }
    // Otherwise the subscription is sent on (re)connect from `counts`.
  }

  private setStatus(status: LiveStatus) {
    if (status === this.status) return;
    this.status = status;
    this.statusListeners.forEach((fn) => fn(status));
  }
}

/** An event about a video (`{type, video_id, ...}`, as the server sends them), that some
 * were missed, or which videos are followed now; other messages (the auth answer, errors)
 * are the connection's business, not the screens'. */
export function normalize(msg: unknown): LiveEvent | null {
  if (!msg || typeof msg !== "object") return null;
  const m = msg as Record<string, unknown>;
  if (m.type === "events.missed") return { type: "events.missed" };
  if (m.type === "subscribed" && Array.isArray(m.video_ids)) {
    return { type: "subscribed", video_ids: m.video_ids.filter((id): id is VideoId => typeof id === "string") };
  }
  if (typeof m.type !== "string" || typeof m.video_id !== "string") return null;
  return m as unknown as LiveEvent;
}

export function liveUrl(loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/api/ws`;
}
