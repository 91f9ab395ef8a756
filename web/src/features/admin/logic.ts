// The admin screens' pure logic: size units for the settings form, the disk forecast in
// words, the charts' gridlines, and field errors from the API in plain words.

export type SizeUnit = "MB" | "GB";
/** Binary units, as the server counts (1 MB = 1024² bytes) and formatBytes shows. */
export const UNIT_BYTES: Record<SizeUnit, number> = { MB: 1024 ** 2, GB: 1024 ** 3 };

/** Bytes → a value in the unit that reads best: whole GBs stay GB, the rest MB. */
export function toUnit(bytes: number): { value: number; unit: SizeUnit } {
  const gb = round(bytes / UNIT_BYTES.GB);
  // GB only when it shows the exact figure (so saving unchanged changes nothing).
  if (bytes >= UNIT_BYTES.GB && Math.round(gb * UNIT_BYTES.GB) === bytes) return { value: gb, unit: "GB" };
  return { value: round(bytes / UNIT_BYTES.MB), unit: "MB" };
}

/** A value in a unit → whole bytes, or null when it isn't a non-negative number. */
export function fromUnit(value: string | number, unit: SizeUnit): number | null {
  const n = typeof value === "number" ? value : Number(String(value).trim().replace(",", "."));
  if (String(value).trim() === "" || !Number.isFinite(n) || n < 0) return null;
  return Math.round(n * UNIT_BYTES[unit]);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** "At the current rate the disk fills in about 5 months (April 2027)." */
export function forecastText(daysUntilFull: number | null | undefined, fullAt: string | null | undefined): string {
  if (daysUntilFull == null || !Number.isFinite(daysUntilFull)) return "Storage is not growing.";
  // Growth that slow is noise as far as planning goes; a date centuries out reads as a bug.
  if (daysUntilFull >= 10 * 365.25) return "At the current rate the disk won't fill for more than ten years.";
  const when = fullAt ? ` (${monthYear(fullAt)})` : "";
  return `At the current rate the disk fills ${span(daysUntilFull)}${when}.`;
}

function span(days: number): string {
  const about = (n: number, unit: string) => `in about ${n} ${unit}${n === 1 ? "" : "s"}`;
  if (days < 1) return "within a day";
  if (days < 14) return about(Math.round(days), "day");
  if (days < 61) return about(Math.round(days / 7), "week");
  if (days < 730) return about(Math.round(days / 30.44), "month");
  return about(Math.round(days / 365.25), "year");
}

/** "2027-04-12" → "April 2027" (the date is a calendar date, read as UTC). */
function monthYear(date: string): string {
  const d = new Date(date.length === 10 ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString("en", { month: "long", year: "numeric", timeZone: "UTC" });
}

const SETTINGS_WORDS: Record<string, (detail: string) => string | null> = {
  max_file_size_bytes: (d) => (/greater than/i.test(d) ? "The largest file must be at least 1 MB." : null),
  weekly_upload_limit_bytes: (d) => (/greater than/i.test(d) ? "The weekly quota can't be negative." : null),
  worker_count: (d) => {
    const max = /less than or equal to (\d+)/i.exec(d)?.[1];
    if (max) return `Use at most ${max} workers.`;
    return /greater than/i.test(d) ? "The number of workers can't be negative." : null;
  },
  accepted_formats: (d) => (/at least 1/i.test(d) ? "Choose at least one format." : null),
};

/** The API's message for a field, without the "field: " prefix and in plain words. */
export function fieldMessage(field: string, detail: string): string {
  const bare = detail.startsWith(`${field}: `) ? detail.slice(field.length + 2) : detail;
  const words = SETTINGS_WORDS[field]?.(bare);
  return words ?? bare.charAt(0).toUpperCase() + bare.slice(1);
}

/** The register link rebased onto the LAN address, so a phone can open it. */
export function linkForPhones(link: string, lanUrl: string | null | undefined): string {
  if (!lanUrl) return link;
  try {
    const url = new URL(link);
    if (!["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) return link;
    const lan = new URL(lanUrl);
    url.protocol = lan.protocol;
    url.host = lan.host;
    return url.toString();
  } catch {
    return link;
  }
}

/** Gridlines from 0: a round step (1, 2 or 5 × 10^n, whole numbers for counts), about
 * four of them up to the first at or above ``max``. */
export function gridlines(max: number, whole: boolean): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  if (whole) step = Math.max(1, Math.round(step));
  const lines = [0];
  while (lines[lines.length - 1] < max) lines.push(lines[lines.length - 1] + step);
  return lines;
}

/** ``gridlines`` for a size in bytes, stepping in the binary unit it reads in (KB, MB...). */
export function byteGridlines(max: number): number[] {
  const unit = max >= 1024 ? 1024 ** Math.floor(Math.log(max) / Math.log(1024)) : 1;
  return gridlines(max / unit, false).map((v) => v * unit);
}
