// Categories: create, rename in place, delete (their videos stay, uncategorized).
import { useState } from "react";
import { useToast } from "@/lib/toast";
import { ConfirmDialog, EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { useAdminCategories, useCategoryChanges } from "./api";
import type { AdminCategory } from "./types";

function videos(n: number) {
  return `${n} video${n === 1 ? "" : "s"}`;
}

function Row({ category, onDelete }: { category: AdminCategory; onDelete: () => void }) {
  const { rename } = useCategoryChanges();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(category.name);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();
  const inputId = `cat-name-${category.id}`;

  async function save() {
    const next = name.trim();
    if (next === category.name) return setEditing(false);
    if (!next) return setError("A category needs a name.");
    try {
      await rename.mutateAsync({ id: category.id, name: next });
      toast.show(`Renamed to “${next}”.`, "success");
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The category couldn't be renamed.");
    }
  }

  return (
    <li className="flex flex-wrap items-center gap-2 p-3 text-sm" data-testid="category-row">
      {editing ? (
        <form className="flex min-w-0 flex-1 basis-56 flex-wrap items-start gap-2" onSubmit={(e) => { e.preventDefault(); save(); }}>
          <div className="min-w-0 flex-1">
            <label htmlFor={inputId} className="sr-only">New name for {category.name}</label>
            <input id={inputId} className="input py-1" value={name} autoFocus maxLength={64}
              aria-invalid={!!error} aria-describedby={error ? `${inputId}-error` : undefined}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); setEditing(false); setName(category.name); setError(null); } }} />
            {error && <p id={`${inputId}-error`} className="mt-1 text-xs text-red-600 dark:text-red-400">{error}</p>}
          </div>
          <button className="btn-primary px-3 py-1">Save</button>
          <button type="button" className="btn-ghost px-3 py-1" onClick={() => { setEditing(false); setName(category.name); setError(null); }}>Cancel</button>
        </form>
      ) : (
        <>
          <span className="min-w-0 flex-1 basis-40">
            <span className="block truncate font-medium">{category.name}</span>
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">/c/{category.slug} · {videos(category.video_count)}</span>
          </span>
          <button className="btn-ghost px-2 py-1" aria-label={`Rename ${category.name}`} onClick={() => setEditing(true)}>Rename</button>
          <button className="btn-ghost px-2 py-1 text-red-600 dark:text-red-400" aria-label={`Delete ${category.name}`} onClick={onDelete}>Delete</button>
        </>
      )}
    </li>
  );
}

export default function Categories() {
  const toast = useToast();
  const { create: add, remove: drop } = useCategoryChanges();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<AdminCategory | null>(null);
  const categories = useAdminCategories();

  async function create() {
    setError(null);
    if (!name.trim()) return setError("A category needs a name.");
    try {
      await add.mutateAsync(name.trim());
      toast.show(`Category “${name.trim()}” added.`, "success");
      setName("");
    } catch (err) {
      setError(err instanceof Error ? err.message : "The category couldn't be added.");
    }
  }

  async function remove(c: AdminCategory) {
    try {
      await drop.mutateAsync(c.id);
      toast.show(`“${c.name}” deleted; its videos are uncategorized now.`, "success");
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <div>
      <form className="card mb-4 flex flex-wrap items-start gap-2 p-4" noValidate onSubmit={(e) => { e.preventDefault(); create(); }}>
        <div className="min-w-0 flex-1 basis-56">
          <label htmlFor="new-category" className="sr-only">New category name</label>
          <input id="new-category" className="input" placeholder="New category name" maxLength={64} value={name}
            aria-invalid={!!error} aria-describedby={error ? "new-category-error" : undefined} onChange={(e) => setName(e.target.value)} />
          {error && <p id="new-category-error" className="mt-1 text-xs text-red-600 dark:text-red-400">{error}</p>}
        </div>
        <button className="btn-primary">Add category</button>
      </form>
      {categories.error ? <ErrorState error={categories.error} retry={() => categories.refetch()} />
        : !categories.data ? <div className="space-y-2">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-14" />)}</div>
        : categories.data.length === 0 ? <EmptyState title="No categories yet" icon="folder">Categories let people file and browse videos by topic.</EmptyState>
        : (
          <ul className="card divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Categories">
            {categories.data.map((c) => <Row key={`${c.id}-${c.name}`} category={c} onDelete={() => setDeleting(c)} />)}
          </ul>
        )}
      <ConfirmDialog open={!!deleting} title={`Delete “${deleting?.name ?? ""}”?`} danger confirm="Delete category"
        body={<p>The category goes; its {videos(deleting?.video_count ?? 0)} stay{deleting?.video_count === 1 ? "s" : ""}, uncategorized. Nothing else changes.</p>}
        onConfirm={() => deleting && remove(deleting)} onClose={() => setDeleting(null)} />
    </div>
  );
}
