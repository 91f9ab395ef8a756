import { describe, expect, it } from "vitest";
import { parsePreviews, tileAt } from "./previews";

const INDEX = `WEBVTT

00:00:00.000 --> 00:00:01.000
sprite.jpg#xywh=0,0,160,90

00:00:01.000 --> 00:01:02.500
sprite.jpg#xywh=160,0,160,90
`;

describe("seek previews", () => {
  it("reads each cue's tile and puts the sheet's own URL in", () => {
    const tiles = parsePreviews(INDEX, "/media/previews/abc.jpg?token=t");
    expect(tiles).toEqual([
      { start: 0, end: 1, url: "/media/previews/abc.jpg?token=t", x: 0, y: 0, w: 160, h: 90 },
      { start: 1, end: 62.5, url: "/media/previews/abc.jpg?token=t", x: 160, y: 0, w: 160, h: 90 },
    ]);
  });

  it("finds the tile under a moment, the last one past the end", () => {
    const tiles = parsePreviews(INDEX, "s.jpg");
    expect(tileAt(tiles, 0.5)?.x).toBe(0);
    expect(tileAt(tiles, 1)?.x).toBe(160);
    expect(tileAt(tiles, 99)?.x).toBe(160);
    expect(tileAt([], 1)).toBeUndefined();
  });
});
