// Small pieces the admin screens share: QR image, section frame, pager, bars.
import { useEffect, useState, type ReactNode } from "react";
import { Skeleton } from "@/components/ui";

/** SVG text as a data URL for an <img>: the markup is never put into the DOM, so a
 * hostile string can't run script or style the page. */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

export function QrImage({ svg, alt, size = 160 }: { svg: string; alt: string; size?: number }) {
  return <img src={svgDataUrl(svg)} alt={alt} width={size} height={size} className="rounded-lg bg-white p-1" />;
}

/** A QR code drawn in the browser (for links the server didn't render). */
export function LinkQr({ text, alt, size }: { text: string; alt: string; size?: number }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((qr) => qr.toString(text, { type: "svg", margin: 2, errorCorrectionLevel: "M" }))
      .then((s) => live && setSvg(s))
      .catch(() => live && setSvg(null));
    return () => { live = false; };
  }, [text]);
  if (!svg) return <Skeleton className="h-40 w-40" />;
  return <QrImage svg={svg} alt={alt} size={size} />;
}

export function Section({ title, id, actions, children, className = "" }: { title: string; id: string; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section aria-labelledby={id} className={`card p-4 ${className}`}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id={id} className="flex-1 text-base font-semibold">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Pager({ page, totalPages, onPage, label }: { page: number; totalPages: number; onPage: (p: number) => void; label: string }) {
  if (totalPages <= 1) return null;
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-center gap-3 text-sm">
      <button className="btn-ghost" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span>Page {page} of {totalPages}</span>
      <button className="btn-ghost" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}

/** A progress bar with a name and a value screen readers can read. */
export function Bar({ percent, label, color }: { percent: number; label: string; color?: string }) {
  const p = Math.max(0, Math.min(100, percent));
  const tone = color ?? (percent >= 100 ? "bg-red-600" : percent >= 80 ? "bg-amber-500" : "bg-brand-500");
  return (
    <div className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label={label}
      aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(p)}>
      <div className={`h-full ${tone}`} style={{ width: `${p}%` }} />
    </div>
  );
}
