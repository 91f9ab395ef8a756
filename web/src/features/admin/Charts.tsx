// Weekly charts for the dashboard, drawn with HTML and one SVG path: two small charts
// don't need a charting library (Chart.js was a 170 KB chunk whose start-up alone held a
// phone's main thread for a long moment). Text stays HTML, so it never scales with the plot.
import type { ReactNode } from "react";
import { formatBytes } from "@/lib/format";
import { byteGridlines, gridlines } from "./logic";
import type { Week } from "./types";

let weekFormat: Intl.DateTimeFormat | undefined;
function weekLabel(iso: string): string {
  weekFormat ??= new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  return weekFormat.format(new Date(iso));
}

/** A chart with a text equivalent: the figures as a visually hidden table. */
function Described({ label, rows, children }: { label: string; rows: [string, string][]; children: ReactNode }) {
  return (
    <figure className="m-0">
      <div className="relative h-48" role="img" aria-label={label} data-testid="chart">{children}</div>
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>{rows.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{v}</td></tr>)}</tbody>
      </table>
    </figure>
  );
}

/** The axes: value labels on the left at their gridlines, a few week labels below, and
 * the plot (``children``, filling the area between) drawn against ``top``. */
function Plot({ labels, lines, format, children }: {
  labels: string[]; lines: number[]; format: (v: number) => string; children: ReactNode;
}) {
  const top = lines[lines.length - 1];
  const every = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <div className="flex h-full gap-2 text-[11px] text-zinc-600 dark:text-zinc-400" aria-hidden="true">
      <div className="relative mb-5 w-12 shrink-0">
        {lines.map((v) => (
          <span key={v} className="absolute right-0 translate-y-1/2 whitespace-nowrap" style={{ bottom: `${(v / top) * 100}%` }}>{format(v)}</span>
        ))}
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="relative flex-1 border-b border-zinc-300 dark:border-zinc-700">
          {lines.slice(1).map((v) => (
            <div key={v} className="absolute inset-x-0 border-t border-black/10 dark:border-white/10" style={{ bottom: `${(v / top) * 100}%` }} />
          ))}
          {children}
        </div>
        <div className="relative h-5">
          {labels.map((l, i) => i % every === 0 && (
            <span key={l + i} className="absolute top-1 -translate-x-1/2 whitespace-nowrap" style={{ left: `${((i + 0.5) / labels.length) * 100}%` }}>{l}</span>
          ))}
        </div>
      </div>
    </div>
  );
}

export function UploadsChart({ weeks }: { weeks: Week[] }) {
  const labels = weeks.map((w) => weekLabel(w.week_start));
  const lines = gridlines(Math.max(0, ...weeks.map((w) => w.uploads)), true);
  const top = lines[lines.length - 1];
  return (
    <Described label="Uploads per week" rows={weeks.map((w, i) => [labels[i], String(w.uploads)])}>
      <Plot labels={labels} lines={lines} format={String}>
        <div className="absolute inset-0 flex items-end">
          {weeks.map((w, i) => (
            <div key={w.week_start} className="flex h-full flex-1 items-end justify-center" title={`${labels[i]}: ${w.uploads}`}>
              <div className="w-3/5 rounded-t bg-rose-600" style={{ height: `${(w.uploads / top) * 100}%` }} data-testid="chart-bar" />
            </div>
          ))}
        </div>
      </Plot>
    </Described>
  );
}

export function StorageChart({ weeks }: { weeks: Week[] }) {
  const labels = weeks.map((w) => weekLabel(w.week_start));
  const lines = byteGridlines(Math.max(0, ...weeks.map((w) => w.stored_bytes_total)));
  const top = lines[lines.length - 1];
  // Each week's point sits over the middle of its label, as the bars do.
  const points = weeks.map((w, i) => [((i + 0.5) / weeks.length) * 100, 100 - (w.stored_bytes_total / top) * 100]);
  const line = points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(2)},${y.toFixed(2)}`).join("");
  return (
    <Described label="Storage used over time" rows={weeks.map((w, i) => [labels[i], formatBytes(w.stored_bytes_total)])}>
      <Plot labels={labels} lines={lines} format={formatBytes}>
        {points.length > 0 && (
          <svg className="absolute inset-0 h-full w-full overflow-visible" viewBox="0 0 100 100" preserveAspectRatio="none">
            <path d={`${line}L${points[points.length - 1][0].toFixed(2)},100L${points[0][0].toFixed(2)},100Z`} className="fill-sky-500/20" />
            <path d={line} className="fill-none stroke-sky-500" strokeWidth={2} vectorEffect="non-scaling-stroke" data-testid="chart-line" />
          </svg>
        )}
        {points.map(([x, y], i) => (
          <span key={weeks[i].week_start} className="absolute size-1.5 -translate-x-1/2 translate-y-1/2 rounded-full bg-sky-500"
            style={{ left: `${x}%`, bottom: `${100 - y}%` }} title={`${labels[i]}: ${formatBytes(weeks[i].stored_bytes_total)}`} />
        ))}
      </Plot>
    </Described>
  );
}
