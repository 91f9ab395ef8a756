// Settings the admin can change at run time; the server applies them without a restart.
import { useEffect, useId, useState, type ReactNode } from "react";
import { ApiError } from "@/lib/api";
import { useToast } from "@/lib/toast";
import { ErrorState, Skeleton } from "@/components/ui";
import { fieldMessage, fromUnit, toUnit, type SizeUnit } from "./logic";
import { useConfig, useSaveConfig } from "./api";
import type { Config } from "./types";

const FORMATS = ["mp4", "mov", "m4v", "mkv", "webm", "avi"];
type Field = keyof Config;
type Errors = Partial<Record<Field, string>>;

function Err({ id, text }: { id: string; text?: string }) {
  return text ? <p id={id} className="mt-1 text-sm text-red-600 dark:text-red-400">{text}</p> : null;
}

function Row({ label, hint, children, htmlFor }: { label: string; hint: string; children: ReactNode; htmlFor?: string }) {
  return (
    <div className="grid gap-1 border-b border-zinc-200 py-4 last:border-0 sm:grid-cols-[14rem_1fr] sm:gap-4 dark:border-zinc-800">
      <div>
        {htmlFor ? <label htmlFor={htmlFor} className="text-sm font-medium">{label}</label> : <p className="text-sm font-medium">{label}</p>}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</p>
      </div>
      <div>{children}</div>
    </div>
  );
}

function SizeInput({ label, value, unit, onValue, onUnit, error }: { label: string; value: string; unit: SizeUnit; onValue: (v: string) => void; onUnit: (u: SizeUnit) => void; error?: string }) {
  const id = useId();
  return (
    <>
      <div className="flex max-w-xs gap-2">
        <input id={id} className="input" inputMode="decimal" aria-label={label} value={value} onChange={(e) => onValue(e.target.value)}
          aria-invalid={!!error} aria-describedby={error ? `${id}-err` : undefined} />
        <select className="input w-24" aria-label={`${label} unit`} value={unit} onChange={(e) => onUnit(e.target.value as SizeUnit)}>
          <option value="MB">MB</option>
          <option value="GB">GB</option>
        </select>
      </div>
      <Err id={`${id}-err`} text={error} />
    </>
  );
}

interface Form { size: string; sizeUnit: SizeUnit; quota: string; quotaUnit: SizeUnit; formats: string[]; workers: string; keep: boolean }

function formOf(c: Config): Form {
  const size = toUnit(c.max_file_size_bytes);
  const quota = toUnit(c.weekly_upload_limit_bytes);
  return { size: String(size.value), sizeUnit: size.unit, quota: String(quota.value), quotaUnit: quota.unit, formats: c.accepted_formats, workers: String(c.worker_count), keep: c.keep_originals };
}

/** The form as a PATCH body, or the fields that aren't numbers yet. */
function bodyOf(f: Form): { body: Partial<Config>; errors: Errors } {
  const errors: Errors = {};
  const max = fromUnit(f.size, f.sizeUnit);
  const quota = fromUnit(f.quota, f.quotaUnit);
  const workers = /^\s*\d+\s*$/.test(f.workers) ? Number(f.workers) : null;
  if (max == null) errors.max_file_size_bytes = "Enter a size, like 500 MB or 4 GB.";
  if (quota == null) errors.weekly_upload_limit_bytes = "Enter a size, like 500 MB or 20 GB.";
  if (workers == null) errors.worker_count = "Enter a whole number of workers.";
  return {
    errors,
    body: { max_file_size_bytes: max ?? 0, weekly_upload_limit_bytes: quota ?? 0, accepted_formats: f.formats, worker_count: workers ?? 0, keep_originals: f.keep },
  };
}

export default function Settings() {
  const toast = useToast();
  const config = useConfig();
  const saveConfig = useSaveConfig();
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const ids = useId();
  useEffect(() => { if (config.data && !form) setForm(formOf(config.data)); }, [config.data, form]);

  if (config.error) return <ErrorState error={config.error} retry={() => config.refetch()} />;
  if (!form) return <Skeleton className="h-96" />;
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const formats = [...new Set([...FORMATS, ...form.formats])];

  async function save() {
    if (!form) return;
    const { body, errors: local } = bodyOf(form);
    setErrors(local);
    if (Object.keys(local).length) return;
    setSaving(true);
    try {
      const saved = await saveConfig.mutateAsync(body);
      setForm(formOf(saved));
      toast.show("Settings saved. They apply now; no restart needed.", "success");
    } catch (err) {
      if (err instanceof ApiError && err.field && err.field in body) {
        setErrors({ [err.field]: fieldMessage(err.field, err.raw) });
      } else {
        toast.error(err);
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card max-w-3xl px-4" noValidate aria-label="Settings" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <Row label="Largest file" hint="Uploads bigger than this are refused before a byte is sent.">
        <SizeInput label="Largest file" value={form.size} unit={form.sizeUnit} error={errors.max_file_size_bytes}
          onValue={(size) => set({ size })} onUnit={(sizeUnit) => set({ sizeUnit })} />
      </Row>
      <Row label="Weekly upload quota" hint="How much each person may upload per week (Monday to Sunday, UTC).">
        <SizeInput label="Weekly upload quota" value={form.quota} unit={form.quotaUnit} error={errors.weekly_upload_limit_bytes}
          onValue={(quota) => set({ quota })} onUnit={(quotaUnit) => set({ quotaUnit })} />
      </Row>
      <Row label="Accepted formats" hint="Containers people may upload; the content is checked either way.">
        <fieldset aria-describedby={errors.accepted_formats ? `${ids}-formats-err` : undefined}>
          <legend className="sr-only">Accepted formats</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-2">
            {formats.map((f) => (
              <label key={f} className="inline-flex items-center gap-2 text-sm">
                <input type="checkbox" className="h-4 w-4 accent-brand-500" checked={form.formats.includes(f)}
                  onChange={(e) => set({ formats: e.target.checked ? [...form.formats, f] : form.formats.filter((x) => x !== f) })} />
                {f.toUpperCase()}
              </label>
            ))}
          </div>
          <Err id={`${ids}-formats-err`} text={errors.accepted_formats} />
        </fieldset>
      </Row>
      <Row label="Processing workers" hint="Videos processed at the same time. More is faster on a strong machine, heavier on a small one." htmlFor={`${ids}-workers`}>
        <input id={`${ids}-workers`} className="input max-w-[8rem]" inputMode="numeric" value={form.workers}
          aria-invalid={!!errors.worker_count} aria-describedby={errors.worker_count ? `${ids}-workers-err` : undefined}
          onChange={(e) => set({ workers: e.target.value })} />
        <Err id={`${ids}-workers-err`} text={errors.worker_count} />
      </Row>
      <Row label="Keep originals" hint="Keep each uploaded file after processing (uses more disk; lets a video be processed again).">
        <label className="inline-flex items-center gap-3 text-sm">
          <input type="checkbox" role="switch" className="h-5 w-5 accent-brand-500" checked={form.keep} aria-checked={form.keep}
            onChange={(e) => set({ keep: e.target.checked })} />
          Keep uploaded originals
        </label>
        <Err id={`${ids}-keep-err`} text={errors.keep_originals} />
      </Row>
      <div className="flex justify-end gap-2 py-4">
        <button type="button" className="btn-ghost" disabled={saving} onClick={() => { if (config.data) setForm(formOf(config.data)); setErrors({}); }}>Undo changes</button>
        <button className="btn-primary" disabled={saving}>{saving ? "Saving…" : "Save settings"}</button>
      </div>
    </form>
  );
}
