// Formatting of durations, sizes, counts, times and settings for people.
import type { Privacy } from "./types";

export const PRIVACY_WORDS: Record<Privacy, string> = { public: "Public", unlisted: "Unlisted (members with the link)", private: "Private (only me)" };

/** 75 → "1:15", 3725 → "1:02:05"; null/NaN → "0:00". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "0:00";
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** "1:15" / "1:02:05" / "75" → seconds, or null when it isn't a time. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(:\d{1,2}){0,2}$/.test(t)) return null;
  const parts = t.split(":").map(Number);
  if (parts.slice(1).some((p) => p >= 60)) return null;
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

const UNITS = ["B", "KB", "MB", "GB", "TB"];
/** Bytes in binary units with one decimal: 1536 → "1.5 KB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

/** 1234 → "1.2K", 2_500_000 → "2.5M". */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return "0";
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, "")}K`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, "")}M`;
}

/** A count with its noun: "1 view", "2 views", "1.2K likes". */
export function countOf(n: number | null | undefined, noun: string): string {
  return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`;
}

/** Transfer rate: 1.5 MB/s. */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, Math.round(bytesPerSecond)))}/s`;
}

/** Time left in words: 45 → "45 s left", 130 → "2 min left". */
export function formatEta(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return "estimating…";
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds % 3600) / 60)} min left`;
}

/** "just now", "5 minutes ago", "3 days ago", then the date. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return "just now";
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? "" : "s"} ago`;
  if (s < 3600) return unit(Math.max(1, Math.round(s / 60)), "minute");
  if (s < 86400) return unit(Math.round(s / 3600), "hour");
  if (s < 7 * 86400) return unit(Math.round(s / 86400), "day");
  if (s < 5 * 7 * 86400) return unit(Math.round(s / (7 * 86400)), "week");
  return new Date(then).toLocaleDateString();
}

/** When something expires, in words: "in 6 days", "in 3 hours", "expired". */
export function timeUntil(iso: string, now: number = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(s)) return "";
  if (s <= 0) return "expired";
  if (s < 3600) return `in ${Math.max(1, Math.round(s / 60))} minutes`;
  if (s < 86400) return `in ${Math.round(s / 3600)} hours`;
  const d = Math.round(s / 86400);
  return `in ${d} day${d === 1 ? "" : "s"}`;
}

export type BodyPart = { text: string } | { seconds: number; label: string };

/** Split a comment body into text and timestamps (like "1:23") that can seek the player. */
export function splitTimestamps(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  const re = /(?<![\d:])(\d{1,2}:)?\d{1,2}:\d{2}(?![\d:])/g;
  let last = 0;
  for (const match of body.matchAll(re)) {
    const seconds = parseDuration(match[0]);
    if (seconds == null) continue;
    if (match.index! > last) parts.push({ text: body.slice(last, match.index) });
    parts.push({ seconds, label: match[0] });
    last = match.index! + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last) });
  return parts;
}
