import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { preloadDataOf } from "./preload";
import { keys } from "@/lib/queries";

const store = new Map<string, string>();

/** A fetch that answers every API path from `answers` and records what was asked. */
function serve(answers: Record<string, unknown>) {
  const asked: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    const path = url.split("?")[0];
    asked.push(path);
    return path in answers ? new Response(JSON.stringify(answers[path]), { status: 200 }) : new Response("{}", { status: 404 });
  }));
  return asked;
}

async function settled(client: QueryClient) {
  await vi.waitFor(() => expect(client.isFetching()).toBe(0));
}

describe("preloadDataOf", () => {
  beforeEach(() => {
    vi.stubGlobal("localStorage", {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    });
  });
  afterEach(() => {
    store.clear();
    vi.unstubAllGlobals();
  });

  it("asks nothing when nobody is signed in", async () => {
    const asked = serve({});
    const client = new QueryClient();
    preloadDataOf("/v/abc", client);
    preloadDataOf("/", client);
    await settled(client);
    expect(asked).toEqual([]);
  });

  it("asks for a video, its stream and its poster together, under the page's keys", async () => {
    store.set("clipset.token", "t");
    const url = { url: "/media/x", expires_at: "2030-01-01T00:00:00Z" };
    const asked = serve({ "/api/videos/abc": { id: "abc" }, "/api/videos/stream/abc": url, "/api/videos/thumbnail/abc": url });
    const client = new QueryClient();
    preloadDataOf("/v/abc", client);
    await settled(client);
    expect(asked.sort()).toEqual(["/api/videos/abc", "/api/videos/stream/abc", "/api/videos/thumbnail/abc"]);
    expect(client.getQueryData(keys.video("abc"))).toEqual({ id: "abc" });
    expect(client.getQueryData(["stream", "abc"])).toEqual(url);
  });

  it("asks for the feed's first page, then the top clip's stream and poster", async () => {
    store.set("clipset.token", "t");
    const url = { url: "/media/x", expires_at: "2030-01-01T00:00:00Z" };
    const asked = serve({
      "/api/videos/feed": { items: [{ id: "top" }, { id: "second" }], next_cursor: null },
      "/api/videos/stream/top": url, "/api/videos/thumbnail/top": url,
    });
    const client = new QueryClient();
    preloadDataOf("/", client);
    await vi.waitFor(() => expect(asked).toHaveLength(3));
    await settled(client);
    expect(asked).toEqual(["/api/videos/feed", "/api/videos/stream/top", "/api/videos/thumbnail/top"]);
    expect(client.getQueryData(["thumbnail", "top"])).toEqual(url);
  });

  it("leaves other pages to ask for themselves", async () => {
    store.set("clipset.token", "t");
    const asked = serve({});
    const client = new QueryClient();
    preloadDataOf("/browse", client);
    preloadDataOf("/admin", client);
    await settled(client);
    expect(asked).toEqual([]);
  });
});
