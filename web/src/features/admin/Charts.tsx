// Weekly charts for the dashboard (chart.js, only the parts used, bundled in this chunk).
import { useEffect, useState } from "react";
import {
  BarElement, CategoryScale, Chart as ChartJS, Filler, LinearScale, LineElement, PointElement, Tooltip,
  type ChartOptions,
} from "chart.js";
import { Bar, Line } from "react-chartjs-2";
import { formatBytes } from "@/lib/format";
import type { Week } from "./types";

ChartJS.register(BarElement, CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Filler);

/** Follows the `dark` class on <html>, which the theme toggle and the system set. */
function useDark(): boolean {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains("dark"));
  useEffect(() => {
    const el = document.documentElement;
    const mo = new MutationObserver(() => setDark(el.classList.contains("dark")));
    mo.observe(el, { attributes: true, attributeFilter: ["class"] });
    return () => mo.disconnect();
  }, []);
  return dark;
}

function weekLabel(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

function options(dark: boolean, tick?: (v: number) => string): ChartOptions<"bar" | "line"> {
  const text = dark ? "#d4d4d8" : "#3f3f46";
  const grid = dark ? "rgba(255,255,255,0.08)" : "rgba(0,0,0,0.08)";
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: {
      legend: { display: false },
      tooltip: tick ? { callbacks: { label: (ctx) => tick(Number(ctx.parsed.y)) } } : {},
    },
    scales: {
      x: { ticks: { color: text, maxRotation: 0, autoSkip: true }, grid: { color: grid } },
      y: { beginAtZero: true, ticks: { color: text, precision: 0, ...(tick ? { callback: (v) => tick(Number(v)) } : {}) }, grid: { color: grid } },
    },
  };
}

/** A chart with a text equivalent: the figures as a visually hidden table. */
function Described({ label, rows, children }: { label: string; rows: [string, string][]; children: React.ReactNode }) {
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

export function UploadsChart({ weeks }: { weeks: Week[] }) {
  const dark = useDark();
  const labels = weeks.map((w) => weekLabel(w.week_start));
  return (
    <Described label="Uploads per week" rows={weeks.map((w, i) => [labels[i], String(w.uploads)])}>
      <Bar
        aria-hidden="true"
        data={{ labels, datasets: [{ label: "Uploads", data: weeks.map((w) => w.uploads), backgroundColor: "#e11d48", borderRadius: 4 }] }}
        options={options(dark) as ChartOptions<"bar">}
      />
    </Described>
  );
}

export function StorageChart({ weeks }: { weeks: Week[] }) {
  const dark = useDark();
  const labels = weeks.map((w) => weekLabel(w.week_start));
  return (
    <Described label="Storage used over time" rows={weeks.map((w, i) => [labels[i], formatBytes(w.stored_bytes_total)])}>
      <Line
        aria-hidden="true"
        data={{
          labels,
          datasets: [{
            label: "Stored", data: weeks.map((w) => w.stored_bytes_total), borderColor: "#0ea5e9",
            backgroundColor: "rgba(14,165,233,0.2)", fill: true, cubicInterpolationMode: "monotone", pointRadius: 2,
          }],
        }}
        options={options(dark, formatBytes) as ChartOptions<"line">}
      />
    </Described>
  );
}
