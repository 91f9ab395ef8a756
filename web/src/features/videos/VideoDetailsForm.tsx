// A new video's details: a local preview to trim and pick the cover from, title,
// description, tags, category and who can see it. The parent decides when it may post.
// The fields themselves (DetailsFields) are also the video page's edit dialog.
import { useEffect, useId, useMemo, useRef } from "react";
import { formatDuration } from "@/lib/format";
import { useCategories, useQuota } from "@/lib/queries";
import { tagList } from "@/lib/tags";
import type { Draft, Privacy } from "@/lib/types";
import { useFilmstrip } from "./filmstrip";
import { TrimBar } from "./TrimBar";

/** The form's values as typed (tags as one comma-separated line, category as its id). */
export interface Details { title: string; description: string; tags: string; category_id: string; privacy: Privacy; trim_start: number | null; trim_end: number | null; cover_time: number | null }

export function VideoDetailsForm({ file, draftId = null, details, onChange, footer }: { file: File; draftId?: Draft["id"] | null; details: Details; onChange: (d: Details) => void; footer: React.ReactNode }) {
  const player = useRef<HTMLVideoElement>(null);
  const strip = useFilmstrip(draftId);
  const preview = useMemo(() => URL.createObjectURL(file), [file]);
  useEffect(() => () => URL.revokeObjectURL(preview), [preview]);
  const at = () => Math.round((player.current?.currentTime ?? 0) * 10) / 10;
  const set = (patch: Partial<Details>) => onChange({ ...details, ...patch });

  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div>
        <video ref={player} src={preview} controls playsInline preload="metadata" className="aspect-video w-full rounded-lg bg-black" aria-label={`Preview of ${file.name}`} />
        <div className="mt-2 flex flex-wrap gap-2 text-xs">
          <button type="button" className="btn-ghost px-2 py-1" onClick={() => set({ trim_start: at() })}>Start here</button>
          <button type="button" className="btn-ghost px-2 py-1" onClick={() => set({ trim_end: at() })}>End here</button>
          <button type="button" className="btn-ghost px-2 py-1" onClick={() => set({ cover_time: at() })}>Use this frame as cover</button>
          {(details.trim_start != null || details.trim_end != null || details.cover_time != null) && (
            <button type="button" className="btn-ghost px-2 py-1" onClick={() => set({ trim_start: null, trim_end: null, cover_time: null })}>Reset</button>
          )}
        </div>
        <TrimBar
          strip={draftId == null ? null : strip}
          edits={details}
          onChange={(e) => set({ trim_start: e.trim_start, trim_end: e.trim_end, cover_time: e.cover_time })}
          onSeek={(t) => { if (player.current) player.current.currentTime = t; }}
        />
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          Trim: {details.trim_start != null ? formatDuration(details.trim_start) : "start"} → {details.trim_end != null ? formatDuration(details.trim_end) : "end"} · Cover: {details.cover_time != null ? formatDuration(details.cover_time) : "automatic"}
        </p>
      </div>
      <div className="flex flex-col gap-3">
        <DetailsFields details={details} onChange={onChange} />
        {footer}
      </div>
    </div>
  );
}

/** What every video has, as typed: title, description, tags (one comma-separated line,
 * held to the quota's limit), category and, when the form has it, who can see it. */
export type Fields = Pick<Details, "title" | "description" | "tags" | "category_id"> & { privacy?: Privacy };

export function DetailsFields<T extends Fields>({ details, onChange }: { details: T; onChange: (d: T) => void }) {
  const ids = useId();
  const categories = useCategories();
  const maxTags = useQuota().data?.max_tags;
  const tagCount = tagList(details.tags).length;
  const set = (patch: Partial<Fields>) => onChange({ ...details, ...patch });
  return (
    <>
      <div>
        <label className="label" htmlFor={`${ids}-title`}>Title</label>
        <input id={`${ids}-title`} className="input" maxLength={200} value={details.title} onChange={(e) => set({ title: e.target.value })} />
      </div>
      <div>
        <label className="label" htmlFor={`${ids}-desc`}>Description</label>
        <textarea id={`${ids}-desc`} className="input min-h-[4rem]" maxLength={5000} value={details.description} onChange={(e) => set({ description: e.target.value })} />
      </div>
      <div>
        <label className="label" htmlFor={`${ids}-tags`}>Tags (comma separated)</label>
        <input id={`${ids}-tags`} className="input" value={details.tags} onChange={(e) => set({ tags: e.target.value })} aria-describedby={maxTags != null && tagCount > maxTags ? `${ids}-tags-err` : undefined} />
        {maxTags != null && tagCount > maxTags && <p id={`${ids}-tags-err`} role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">Use at most {maxTags} tags (there are {tagCount}).</p>}
      </div>
      <div className="grid grid-cols-2 gap-3">
        <div>
          <label className="label" htmlFor={`${ids}-cat`}>Category</label>
          <select id={`${ids}-cat`} className="input" value={details.category_id} onChange={(e) => set({ category_id: e.target.value })}>
            <option value="">None</option>
            {(categories.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </div>
        {details.privacy !== undefined && (
          <div>
            <label className="label" htmlFor={`${ids}-privacy`}>Who can see it</label>
            <select id={`${ids}-privacy`} className="input" value={details.privacy} onChange={(e) => set({ privacy: e.target.value as Privacy })}>
              <option value="public">Everyone (public)</option>
              <option value="unlisted">Members who have the link</option>
              <option value="private">Private (only me)</option>
            </select>
          </div>
        )}
      </div>
    </>
  );
}
