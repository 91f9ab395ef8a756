import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";
import { LiveClient, normalize, type SocketLike } from "./ws";

describe("backoffDelay", () => {
  it("doubles up to the cap, with jitter in the upper half", () => {
    expect(backoffDelay(0, {}, 0)).toBe(250);
    expect(backoffDelay(0, {}, 0.999)).toBeLessThanOrEqual(500);
    expect(backoffDelay(3, {}, 0)).toBe(2000);
    expect(backoffDelay(20, {}, 0.999)).toBeGreaterThan(29_900);
    expect(backoffDelay(20, {}, 0.999)).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(20, { max: 5000 }, 0)).toBe(2500);
  });
});

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: SocketLike["onopen"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  onmessage: SocketLike["onmessage"] = null;
  send(data: string) { this.sent.push(JSON.parse(data)); }
  close() { this.readyState = 3; this.onclose?.({}); }
  open() { this.readyState = 1; this.onopen?.({}); }
  drop() { this.readyState = 3; this.onclose?.({}); }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const client = new LiveClient({
    url: "ws://x/api/ws",
    getToken: () => "tok",
    createSocket: () => { const s = new FakeSocket(); sockets.push(s); return s; },
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimer: () => {},
    random: () => 0,
  });
  return { client, sockets, timers };
}

describe("LiveClient", () => {
  it("authenticates first, then subscribes", () => {
    const { client, sockets } = setup();
    client.subscribe(["aaaaaaaaaaa", "bbbbbbbbbbb"]);
    client.start();
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ type: "auth", token: "tok" }, { type: "subscribe", video_ids: ["aaaaaaaaaaa", "bbbbbbbbbbb"] }]);
    const off = client.subscribe(["ccccccccccc"]);
    off();
    expect(sockets[0].sent.slice(2)).toEqual([{ type: "subscribe", video_ids: ["ccccccccccc"] }, { type: "unsubscribe", video_ids: ["ccccccccccc"] }]);
  });

  it("reconnects with growing delays, reports lost and back, and resubscribes", () => {
    const { client, sockets, timers } = setup();
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    client.subscribe(["g7g7g7g7g7g"]);
    client.start();
    sockets[0].open();
    sockets[0].drop();
    expect(statuses).toEqual(["connecting", "open", "lost"]);
    timers[0].fn();
    sockets[1].drop();
    timers[1].fn();
    expect(timers.map((t) => t.ms)).toEqual([250, 500]);
    sockets[2].open();
    expect(statuses.at(-1)).toBe("open");
    expect(sockets[2].sent).toContainEqual({ type: "subscribe", video_ids: ["g7g7g7g7g7g"] });
    sockets[2].drop();
    expect(timers[2].ms).toBe(250); // a good connection resets the backoff
  });

  it("delivers video events and stops cleanly", () => {
    const { client, sockets, timers } = setup();
    const got: unknown[] = [];
    client.onEvent((e) => got.push(e));
    client.start();
    sockets[0].open();
    sockets[0].onmessage?.({ data: JSON.stringify({ type: "like.updated", video_id: "d4d4d4d4d4d", like_count: 2 }) });
    sockets[0].onmessage?.({ data: JSON.stringify({ type: "video.progress", video_id: "e5e5e5e5e5e", percent: 40 }) });
    sockets[0].onmessage?.({ data: "not json" });
    expect(got).toEqual([
      { type: "like.updated", video_id: "d4d4d4d4d4d", like_count: 2 },
      { type: "video.progress", video_id: "e5e5e5e5e5e", percent: 40 },
    ]);
    client.stop();
    expect(timers).toHaveLength(0);
    expect(client.status).toBe("idle");
  });

  it("ignores messages without a video", () => {
    expect(normalize({ type: "auth.ok" })).toBeNull();
    expect(normalize({ type: "events.missed" })).toEqual({ type: "events.missed" });
    expect(normalize(null)).toBeNull();
  });

  it("passes on which videos the server follows now", () => {
    expect(normalize({ type: "subscribed", video_ids: ["a1a1a1a1a1a", 3] })).toEqual({ type: "subscribed", video_ids: ["a1a1a1a1a1a"] });
    expect(normalize({ type: "subscribed" })).toBeNull();
  });
});
