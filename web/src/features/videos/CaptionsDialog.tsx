// The owner's caption tracks: upload a .srt or .vtt file with its language, pick the
// default, remove one.
import { useState } from "react";
import { useToast } from "@/lib/toast";
import type { VideoId } from "@/lib/types";
import { Dialog } from "@/components/ui";
import { useCaptionChanges, useCaptions } from "./api";

export function CaptionsDialog({ videoId, open, onClose }: { videoId: VideoId; open: boolean; onClose: () => void }) {
  const toast = useToast();
  const captions = useCaptions(videoId, open);
  const { upload, update, remove } = useCaptionChanges(videoId);
  const [file, setFile] = useState<File | null>(null);
  const [language, setLanguage] = useState("en");
  const [label, setLabel] = useState("");
  const [isDefault, setIsDefault] = useState(false);

  async function add(e: React.FormEvent) {
    e.preventDefault();
    if (!file) return;
    try {
      await upload.mutateAsync({ file, language: language.trim(), label: label.trim(), isDefault });
      toast.show("Captions added.", "success");
      setFile(null);
      setLabel("");
      (e.target as HTMLFormElement).reset();
    } catch (err) {
      toast.error(err);
    }
  }
  const act = (p: Promise<unknown>) => p.catch((err) => toast.error(err));

  return (
    <Dialog open={open} onClose={onClose} title="Captions" testId="captions-dialog">
      <ul className="mb-4 flex flex-col gap-2 text-sm">
        {(captions.data ?? []).map((c) => (
          <li key={c.id} className="flex flex-wrap items-center gap-2" data-testid="caption-row">
            <span className="font-medium">{c.label}</span>
            <span className="text-zinc-600 dark:text-zinc-400">{c.language}{c.source === "file" && " · from the video file"}</span>
            <label className="ml-auto flex items-center gap-1">
              <input type="radio" name="default-caption" checked={c.is_default} onChange={() => act(update.mutateAsync({ caption: c.id, is_default: true }))} /> Default
            </label>
            <button type="button" className="btn-ghost px-2 py-1 text-red-700 dark:text-red-400" onClick={() => act(remove.mutateAsync(c.id))}>Remove</button>
          </li>
        ))}
        {captions.data?.length === 0 && <li className="text-zinc-600 dark:text-zinc-400">No captions yet.</li>}
      </ul>
      <form className="flex flex-col gap-3" onSubmit={add}>
        <label className="block"><span className="label">Caption file (.srt or .vtt)</span>
          <input className="input" type="file" accept=".srt,.vtt,text/vtt,application/x-subrip" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <div className="flex gap-3">
          <label className="block w-32"><span className="label">Language</span><input className="input" value={language} required maxLength={35} onChange={(e) => setLanguage(e.target.value)} placeholder="en" /></label>
          <label className="block flex-1"><span className="label">Label (optional)</span><input className="input" value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} placeholder="English" /></label>
        </div>
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} /> Show by default</label>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-ghost" onClick={onClose}>Close</button>
          <button className="btn-primary" disabled={!file || upload.isPending}>Add captions</button>
        </div>
      </form>
    </Dialog>
  );
}
