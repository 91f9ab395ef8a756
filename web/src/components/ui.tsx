import { useEffect, useRef, type ReactNode } from "react";
import { errorMessage } from "@/lib/api";
import { useToast } from "@/lib/toast";
import { Icon, type IconName } from "./icons";

export function Skeleton({ className = "" }: { className?: string }) {
  return <div className={`skeleton ${className}`} aria-hidden="true" />;
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
      <span className="h-4 w-4 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}

export function EmptyState({ title, children, icon = "film" }: { title: string; children?: ReactNode; icon?: IconName }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-6 py-16 text-center" data-testid="empty-state">
      <Icon name={icon} className="h-12 w-12 text-zinc-400" />
      <h2 className="text-lg font-semibold">{title}</h2>
      {children && <div className="text-sm text-zinc-600 dark:text-zinc-400">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div role="alert" className="mx-auto my-10 max-w-md rounded-xl border border-red-300 bg-red-50 p-4 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
      <p>{errorMessage(error)}</p>
      {retry && <button className="btn-ghost mt-2" onClick={retry}>Try again</button>}
    </div>
  );
}

/** A modal dialog on the native <dialog> element (focus trapping and Esc for free). */
/** Drag a bottom sheet's handle down this far to close it. */
const SHEET_CLOSE_PX = 80;

/** A modal dialog; with `sheet`, on phones it rises from the bottom edge and a drag down
 * on its handle closes it. */
export function Dialog({ open, onClose, title, children, sheet = false, testId }: { open: boolean; onClose: () => void; title: string; children: ReactNode; sheet?: boolean; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const dragFrom = useRef<number | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-label={title}
      data-testid={testId}
      className={`m-auto w-[min(92vw,28rem)] rounded-2xl bg-white p-0 text-zinc-900 shadow-2xl backdrop:bg-black/50 dark:bg-zinc-900 dark:text-zinc-100 ${sheet ? SHEET : ""}`}
    >
      {sheet && (
        <div
          className="flex justify-center pt-2 sm:hidden"
          onTouchStart={(e) => { dragFrom.current = e.touches[0].clientY; }}
          onTouchEnd={(e) => {
            const from = dragFrom.current;
            dragFrom.current = null;
            if (from != null && e.changedTouches[0].clientY - from > SHEET_CLOSE_PX) onClose();
          }}
          data-testid="sheet-handle"
          aria-hidden="true"
        >
          <span className="h-1.5 w-10 rounded-full bg-zinc-300 dark:bg-zinc-600" />
        </div>
      )}
      <div className="p-5">
        <h2 className="mb-3 text-lg font-semibold">{title}</h2>
        {children}
      </div>
    </dialog>
  );
}

// Below the `sm` breakpoint: full width at the bottom, rounded on top only, sliding up.
const SHEET = "max-sm:mx-0 max-sm:mb-0 max-sm:mt-auto max-sm:w-full max-sm:max-w-none max-sm:max-h-[80dvh] max-sm:rounded-b-none max-sm:sheet-rise";

export function ConfirmDialog(props: { open: boolean; title: string; body: ReactNode; confirm: string; danger?: boolean; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title}>
      <div className="mb-5 text-sm text-zinc-600 dark:text-zinc-300">{props.body}</div>
      <div className="flex justify-end gap-2">
        <button className="btn-ghost" onClick={props.onClose}>Cancel</button>
        <button className={props.danger ? "btn-danger" : "btn-primary"} onClick={() => { props.onConfirm(); props.onClose(); }}>{props.confirm}</button>
      </div>
    </Dialog>
  );
}

/** Calls `onVisible` when the sentinel scrolls into view (infinite lists). */
export function LoadMore({ onVisible, active, loading }: { onVisible: () => void; active: boolean; loading: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const cb = useRef(onVisible);
  cb.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el || !active) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && cb.current(), { rootMargin: "600px" });
    io.observe(el);
    return () => io.disconnect();
  }, [active]);
  return <div ref={ref} className="flex h-12 items-center justify-center">{loading && <Spinner label="Loading more" />}</div>;
}

export function StatusBadge({ status }: { status: string }) {
  const styles: Record<string, string> = {
    completed: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
    processing: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
    pending: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
    failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  };
  const words: Record<string, string> = { completed: "Ready", processing: "Processing", pending: "Queued", failed: "Failed" };
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${styles[status] ?? "bg-zinc-200"}`}>{words[status] ?? status}</span>;
}

export function CopyButton({ text, label = "Copy", what = "Link", className = "btn-ghost px-2 py-1" }: { text: string; label?: string; what?: string; className?: string }) {
  const toast = useToast();
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toast.show(`${what} copied.`, "success");
    } catch {
      // No clipboard (plain http on a LAN address): let the person copy it by hand.
      window.prompt(`Copy this ${what.toLowerCase()}:`, text);
    }
  }
  return <button type="button" className={className} onClick={copy}>{label}</button>;
}
