import { useId, type InputHTMLAttributes } from "react";

/** A labelled input with an optional error shown in words and tied to it for screen readers. */
export function Field({ label, error, hint, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: string }) {
  const id = useId();
  return (
    <div className="mb-4">
      <label htmlFor={id} className="label">{label}</label>
      <input id={id} className="input" aria-invalid={!!error} aria-describedby={error || hint ? `${id}-msg` : undefined} {...props} />
      {(error || hint) && (
        <p id={`${id}-msg`} className={`mt-1 text-xs ${error ? "text-red-600 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}>{error || hint}</p>
      )}
    </div>
  );
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return <p role="alert" className="mb-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">{error}</p>;
}
