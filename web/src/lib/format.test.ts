import { describe, expect, it } from "vitest";
import { countOf, formatBytes, formatCount, formatDuration, formatEta, parseDuration, splitTimestamps, timeAgo, timeUntil } from "./format";

describe("durations", () => {
  it("formats and parses", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(75.9)).toBe("1:15");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(null)).toBe("0:00");
    expect(parseDuration("1:15")).toBe(75);
    expect(parseDuration("1:02:05")).toBe(3725);
    expect(parseDuration("1:75")).toBeNull();
    expect(parseDuration("abc")).toBeNull();
  });
});

describe("sizes and counts", () => {
  it("reads like a person would write them", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(4 * 1024 ** 3)).toBe("4.0 GB");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1234)).toBe("1.2K");
    expect(countOf(1, "view")).toBe("1 view");
    expect(countOf(0, "view")).toBe("0 views");
    expect(countOf(1234, "like")).toBe("1.2K likes");
    expect(formatCount(2_000_000)).toBe("2M");
    expect(formatEta(30)).toBe("30 s left");
    expect(formatEta(130)).toBe("2 min left");
    expect(formatEta(null)).toBe("estimating…");
  });
});

describe("relative times", () => {
  const now = Date.parse("2025-01-10T12:00:00Z");
  it("counts back and forward", () => {
    expect(timeAgo("2025-01-10T11:59:50Z", now)).toBe("just now");
    expect(timeAgo("2025-01-10T11:55:00Z", now)).toBe("5 minutes ago");
    expect(timeAgo("2025-01-09T12:00:00Z", now)).toBe("1 day ago");
    expect(timeUntil("2025-01-17T12:00:00Z", now)).toBe("in 7 days");
    expect(timeUntil("2025-01-10T15:00:00Z", now)).toBe("in 3 hours");
    expect(timeUntil("2025-01-09T12:00:00Z", now)).toBe("expired");
  });
});

describe("timestamps in comments", () => {
  it("become seekable parts", () => {
    expect(splitTimestamps("look at 1:05 and 1:02:03!")).toEqual([
      { text: "look at " },
      { seconds: 65, label: "1:05" },
      { text: " and " },
      { seconds: 3723, label: "1:02:03" },
      { text: "!" },
    ]);
    expect(splitTimestamps("no times here")).toEqual([{ text: "no times here" }]);
    expect(splitTimestamps("score 3:99")).toEqual([{ text: "score 3:99" }]);
  });
});
