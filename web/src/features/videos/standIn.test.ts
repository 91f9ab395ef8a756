import { describe, expect, it } from "vitest";
import { browserPlays, type Decoders } from "./standIn";

const H264 = 'video/mp4; codecs="avc1.64001f, mp4a.40.2"';
const HEVC = 'video/mp4; codecs="hvc1.2.4.L150.B0, mp4a.40.2"';

// A browser that decodes H.264 only, and whose MediaSource also knows HEVC (as some do).
const chromeLike: Decoders = {
  canPlayType: (type) => (type.includes("avc1") ? "probably" : ""),
  isTypeSupported: (type) => type.includes("avc1") || type.includes("hvc1"),
};

describe("browserPlays", () => {
  it("takes the element's word first", () => {
    expect(browserPlays(H264, chromeLike)).toBe(true);
  });
  it("falls back to MediaSource for what canPlayType doubts", () => {
    expect(browserPlays(HEVC, chromeLike)).toBe(true);
    expect(browserPlays(HEVC, { canPlayType: () => "" })).toBe(false);
  });
  it("plays nothing without a type or a browser", () => {
    expect(browserPlays(null, chromeLike)).toBe(false);
    expect(browserPlays(H264, null)).toBe(false);
  });
});
