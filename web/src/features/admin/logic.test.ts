import { describe, expect, it } from "vitest";
import { byteGridlines, fieldMessage, forecastText, fromUnit, gridlines, linkForPhones, toUnit } from "./logic";

describe("size units", () => {
  it("shows whole gigabytes as GB and the rest as MB", () => {
    expect(toUnit(4 * 1024 ** 3)).toEqual({ value: 4, unit: "GB" });
    expect(toUnit(1.5 * 1024 ** 3)).toEqual({ value: 1.5, unit: "GB" });
    expect(toUnit(500 * 1024 ** 2)).toEqual({ value: 500, unit: "MB" });
    expect(toUnit(0)).toEqual({ value: 0, unit: "MB" });
  });
  it("turns a value and unit back into whole bytes", () => {
    expect(fromUnit("2", "GB")).toBe(2 * 1024 ** 3);
    expect(fromUnit("1,5", "GB")).toBe(1.5 * 1024 ** 3);
    expect(fromUnit(300, "MB")).toBe(300 * 1024 ** 2);
    expect(fromUnit("0.5", "MB")).toBe(524288);
  });
  it("round-trips what it shows", () => {
    for (const bytes of [1024 ** 2, 4 * 1024 ** 3, 750 * 1024 ** 2, 20 * 1024 ** 3]) {
      const { value, unit } = toUnit(bytes);
      expect(fromUnit(value, unit)).toBe(bytes);
    }
  });
  it("refuses what isn't a size", () => {
    expect(fromUnit("", "MB")).toBeNull();
    expect(fromUnit("abc", "MB")).toBeNull();
    expect(fromUnit("-1", "GB")).toBeNull();
  });
});

describe("forecast wording", () => {
  it("says when storage is not growing", () => {
    expect(forecastText(null, null)).toBe("Storage is not growing.");
  });
  it("names the span and the month", () => {
    expect(forecastText(152, "2027-04-12")).toBe("At the current rate the disk fills in about 5 months (April 2027).");
    expect(forecastText(3.4, "2026-11-25")).toBe("At the current rate the disk fills in about 3 days (November 2026).");
    expect(forecastText(1, "2026-11-25")).toBe("At the current rate the disk fills in about 1 day (November 2026).");
    expect(forecastText(30, "2026-12-22")).toBe("At the current rate the disk fills in about 4 weeks (December 2026).");
    expect(forecastText(0.2, null)).toBe("At the current rate the disk fills within a day.");
    expect(forecastText(1100, "2029-11-25")).toBe("At the current rate the disk fills in about 3 years (November 2029).");
  });
  it("doesn't count decades", () => {
    expect(forecastText(57_780_000, null)).toBe("At the current rate the disk won't fill for more than ten years.");
  });
});

describe("field messages", () => {
  it("puts limits in words", () => {
    expect(fieldMessage("max_file_size_bytes", "max_file_size_bytes: Input should be greater than or equal to 1048576")).toBe("The largest file must be at least 1 MB.");
    expect(fieldMessage("worker_count", "worker_count: Input should be less than or equal to 8")).toBe("Use at most 8 workers.");
    expect(fieldMessage("accepted_formats", "accepted_formats: List should have at least 1 item after validation, not 0")).toBe("Choose at least one format.");
  });
  it("keeps a message that is already in words, without the field name", () => {
    expect(fieldMessage("accepted_formats", "accepted_formats: unknown format(s) exe; choose from mp4")).toBe("Unknown format(s) exe; choose from mp4");
  });
});

describe("invitation links for phones", () => {
  it("moves a localhost link to the LAN address", () => {
    expect(linkForPhones("http://127.0.0.1:8420/register?token=abc", "http://192.168.1.5:8420")).toBe("http://192.168.1.5:8420/register?token=abc");
    expect(linkForPhones("http://localhost:8420/register?token=abc", "http://192.168.1.5:8420/")).toBe("http://192.168.1.5:8420/register?token=abc");
  });
  it("leaves a link that already has a reachable host", () => {
    expect(linkForPhones("http://192.168.1.5:8420/register?token=abc", "http://10.0.0.2:8420")).toBe("http://192.168.1.5:8420/register?token=abc");
    expect(linkForPhones("http://127.0.0.1:8420/register?token=abc", null)).toBe("http://127.0.0.1:8420/register?token=abc");
  });
});

describe("chart gridlines", () => {
  it("steps by 1, 2 or 5 times a power of ten up to the first line at or above the top", () => {
    expect(gridlines(7, true)).toEqual([0, 2, 4, 6, 8]);
    expect(gridlines(100, false)).toEqual([0, 50, 100]);
    expect(gridlines(9.5e6, false)).toEqual([0, 5e6, 1e7]);
  });
  it("counts in whole steps and gives an empty chart a scale", () => {
    expect(gridlines(2, true)).toEqual([0, 1, 2]);
    expect(gridlines(0, true)).toEqual([0, 1]);
  });
  it("steps sizes in the unit they read in", () => {
    expect(byteGridlines(5 * 1024 + 900)).toEqual([0, 2048, 4096, 6144]);
    expect(byteGridlines(3 * 1024 ** 3)).toEqual([0, 1024 ** 3, 2 * 1024 ** 3, 3 * 1024 ** 3]);
    expect(byteGridlines(500)).toEqual([0, 200, 400, 600]);
  });
});
