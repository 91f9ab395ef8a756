// Upload speed and time left from recent progress samples (a sliding window, so a
// pause or a burst doesn't skew the estimate for long).

export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private windowMs = 5000) {}

  add(bytes: number, t: number = Date.now()) {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
  }

  reset() {
    this.samples = [];
  }

  /** Bytes per second over the window; 0 until there are two samples apart in time. */
  rate(): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = (last.t - first.t) / 1000;
    return dt > 0 ? Math.max(0, (last.bytes - first.bytes) / dt) : 0;
  }

  /** Seconds left for `total` bytes, or null while unknown. */
  eta(total: number): number | null {
    const r = this.rate();
    if (r <= 0 || !this.samples.length) return null;
    return (total - this.samples[this.samples.length - 1].bytes) / r;
  }
}

/** A stable key for "the same file picked again" (tus-style fingerprint). */
export function fileFingerprint(file: { name: string; size: number; lastModified: number; type?: string }): string {
  return ["clipset", file.name, file.type ?? "", file.size, file.lastModified].join("-");
}
