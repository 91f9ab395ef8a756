import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { cachedVideo, patchIn, patchVideo, queriesHolding } from "./videoCache";

const video = (id: string, like_count = 0) => ({ id, title: id, like_count, liked: false, comment_count: 0 });

describe("patchVideo", () => {
  it("updates every cached copy: the video, pages and infinite lists", () => {
    const qc = new QueryClient();
    qc.setQueryData(["video", "a"], video("a", 1));
    qc.setQueryData(["feed"], { pages: [{ items: [video("b"), video("a", 1)], next_cursor: null }], pageParams: [undefined] });
    qc.setQueryData(["videos", "x"], { items: [video("a", 1)], page: 1 });
    patchVideo(qc, "a", { like_count: 5, liked: true });
    expect(qc.getQueryData<{ like_count: number }>(["video", "a"])!.like_count).toBe(5);
    const feed = qc.getQueryData<{ pages: { items: { id: string; like_count: number }[] }[] }>(["feed"])!;
    expect(feed.pages[0].items.map((v) => v.like_count)).toEqual([0, 5]);
    expect(qc.getQueryData<{ items: { liked: boolean }[] }>(["videos", "x"])!.items[0].liked).toBe(true);
    expect(cachedVideo(qc, "a")?.like_count).toBe(5);
  });

  it("keeps untouched data as the same object", () => {
    const data = { items: [video("b")] };
    expect(patchIn(data, "a", { like_count: 3 })).toBe(data);
    const same = { items: [video("a", 3)] };
    expect(patchIn(same, "a", { like_count: 3 })).toBe(same);
  });
});

describe("queriesHolding", () => {
  it("names every query holding a copy that matches, and only those", () => {
    const qc = new QueryClient();
    const processing = (id: string) => ({ ...video(id), processing_status: "processing" });
    qc.setQueryData(["video", "a"], processing("a"));
    qc.setQueryData(["mine"], { pages: [{ items: [video("b"), processing("a")] }], pageParams: [undefined] });
    qc.setQueryData(["videos", "x"], { items: [processing("c")] }); // not asked about
    qc.setQueryData(["video", "b"], video("b")); // asked about, finished
    const unfinished = (v: { processing_status?: string }) => v.processing_status === "processing";
    const held = queriesHolding(qc, ["a", "b"], unfinished).map((k) => JSON.stringify(k)).sort();
    expect(held).toEqual([JSON.stringify(["mine"]), JSON.stringify(["video", "a"])]);
    expect(queriesHolding(qc, [], unfinished)).toEqual([]);
  });
});
