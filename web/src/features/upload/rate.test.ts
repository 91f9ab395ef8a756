import { describe, expect, it } from "vitest";
import { fileFingerprint, RateMeter } from "./rate";

describe("RateMeter", () => {
  it("measures speed over a sliding window and estimates time left", () => {
    const m = new RateMeter(5000);
    expect(m.rate()).toBe(0);
    expect(m.eta(100)).toBeNull();
    m.add(0, 0);
    m.add(1000, 1000);
    expect(m.rate()).toBe(1000);
    expect(m.eta(5000)).toBe(4);
    m.add(1000, 10_000); // a long pause drops old samples
    m.add(3000, 11_000);
    expect(m.rate()).toBe(2000);
  });

  it("fingerprints files by name, type, size and date", () => {
    const f = { name: "a.mp4", size: 10, lastModified: 5, type: "video/mp4" };
    expect(fileFingerprint(f)).toBe(fileFingerprint({ ...f }));
    expect(fileFingerprint(f)).not.toBe(fileFingerprint({ ...f, size: 11 }));
  });
});
