// The top bar's word on uploads in progress, on every page: how many and how far.
import { Link } from "react-router-dom";
import { isSending } from "./uploadManager";
import { useUploads } from "./uploads";
import { Icon } from "@/components/icons";

export function UploadIndicator() {
  const jobs = useUploads();
  const sending = jobs.filter(isSending);
  const waiting = jobs.filter((j) => j.phase === "paused" || j.phase === "error" || j.phase === "refused");
  const shown = sending.length ? sending : waiting;
  if (!shown.length) return null;
  const total = shown.reduce((n, j) => n + j.file.size, 0);
  const sent = shown.reduce((n, j) => n + j.sent, 0);
  const percent = total ? Math.floor((100 * sent) / total) : 0;
  const label = sending.length
    ? `Uploading ${sending.length} ${sending.length === 1 ? "file" : "files"}, ${percent}%`
    : `Uploads: ${waiting.length} ${waiting.length === 1 ? "needs" : "need"} attention`;
  return (
    <Link to="/upload" className="btn-ghost flex items-center gap-1.5 px-2.5 text-sm" data-testid="upload-indicator" aria-label={label} title={label}>
      <Icon name="upload" className="h-4 w-4" />
      {sending.length ? <span className="tabular-nums">{percent}%</span> : <span className="max-sm:sr-only">Uploads</span>}
      {sending.length > 0 && (
        <span aria-hidden="true" className="hidden h-1.5 w-12 overflow-hidden rounded-full bg-zinc-200 sm:block dark:bg-zinc-700">
          <span className="block h-full bg-brand-500" style={{ width: `${percent}%` }} />
        </span>
      )}
    </Link>
  );
}
