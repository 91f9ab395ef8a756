// Users: search, pages, role, activation and deletion (which takes their content along).
import { useEffect, useState } from "react";
import { useAuth } from "@/lib/auth";
import { timeAgo } from "@/lib/format";
import { useToast } from "@/lib/toast";
import type { User } from "@/lib/types";
import { ConfirmDialog, Dialog, EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { useUserChanges, useUsers } from "./api";
import { Pager } from "./parts";

function DeleteUserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const toast = useToast();
  const { remove: drop } = useUserChanges();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { setTyped(""); setError(null); }, [user]);
  async function remove() {
    if (!user) return;
    setBusy(true);
    try {
      await drop.mutateAsync(user.id);
      toast.show(`${user.username} and everything they posted is deleted.`, "success");
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : "The account couldn't be deleted.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open={!!user} onClose={onClose} title={user ? `Delete ${user.username}?` : "Delete user"}>
      {user && (
        <form onSubmit={(e) => { e.preventDefault(); if (typed === user.username) remove(); }}>
          <div className="mb-4 space-y-2 text-sm text-zinc-600 dark:text-zinc-300">
            <p>This deletes the account <strong>{user.username}</strong> for good, and with it:</p>
            <ul className="list-disc pl-5">
              <li>all their videos, with the video files and thumbnails</li>
              <li>their comments, on anyone's videos</li>
              <li>their likes, and any upload or draft in progress</li>
            </ul>
            <p>It can't be undone. To deactivate the account instead (they can't sign in, nothing is lost), close this and use Deactivate.</p>
          </div>
          <label className="label" htmlFor="confirm-username">Type <strong>{user.username}</strong> to confirm</label>
          <input id="confirm-username" className="input mb-3" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          {error && <p role="alert" className="mb-3 text-sm text-red-600 dark:text-red-400">{error}</p>}
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-ghost" onClick={onClose}>Cancel</button>
            <button type="submit" className="btn-danger" disabled={typed !== user.username || busy}>Delete {user.username}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

export default function Users() {
  const toast = useToast();
  const changes = useUserChanges();
  const { user: me } = useAuth();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // Search as they type, after a short pause.
  useEffect(() => {
    const t = setTimeout(() => { setQ(search.trim()); setPage(1); }, 250);
    return () => clearTimeout(t);
  }, [search]);

  const users = useUsers(q, page);

  async function change(fn: () => Promise<unknown>, done: string) {
    setProblem(null);
    try {
      await fn();
      toast.show(done, "success");
    } catch (err) {
      // The last-admin refusal (409) and others, in words, where the list is.
      setProblem(err instanceof Error ? err.message : "That didn't work.");
    }
  }

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <label htmlFor="user-search" className="sr-only">Search users</label>
        <input id="user-search" type="search" className="input max-w-sm flex-1" placeholder="Search by username or email" value={search} onChange={(e) => setSearch(e.target.value)} />
        {users.data && <span className="text-sm text-zinc-600 dark:text-zinc-400">{users.data.total_count} user{users.data.total_count === 1 ? "" : "s"}</span>}
      </div>
      {problem && <p role="alert" data-testid="users-problem" className="mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">{problem}</p>}
      {users.error ? <ErrorState error={users.error} retry={() => users.refetch()} />
        : !users.data ? <div className="space-y-2">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-16" />)}</div>
        : users.data.items.length === 0 ? <EmptyState title={q ? `No user matches “${q}”` : "No users yet"} icon="search" />
        : (
          <ul className="card divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Users">
            {users.data.items.map((u) => (
              <li key={u.id} className="flex flex-wrap items-center gap-2 p-3 text-sm" data-testid="user-row" data-username={u.username}>
                <div className="min-w-0 flex-1 basis-48">
                  <p className="truncate"><strong>{u.username}</strong>{u.id === me?.id && <span className="text-zinc-600 dark:text-zinc-400"> (you)</span>}</p>
                  <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{u.email ?? "no email"} · joined {timeAgo(u.created_at)}</p>
                </div>
                {!u.is_active && <span className="rounded-full bg-zinc-200 px-2 py-0.5 text-xs font-medium dark:bg-zinc-800">Deactivated</span>}
                <label className="sr-only" htmlFor={`role-${u.id}`}>Role of {u.username}</label>
                <select id={`role-${u.id}`} className="input w-auto py-1" value={u.role}
                  onChange={(e) => change(() => changes.role.mutateAsync({ id: u.id, role: e.target.value as User["role"] }), `${u.username} is now ${e.target.value === "admin" ? "an admin" : "a regular user"}.`)}>
                  <option value="user">User</option>
                  <option value="admin">Admin</option>
                </select>
                <button className="btn-ghost px-2 py-1" aria-label={`${u.is_active ? "Deactivate" : "Activate"} ${u.username}`}
                  onClick={() => (u.is_active ? setDeactivating(u) : change(() => changes.active.mutateAsync({ id: u.id, active: true }), `${u.username} is active again.`))}>
                  {u.is_active ? "Deactivate" : "Activate"}
                </button>
                <button className="btn-ghost px-2 py-1 text-red-600 dark:text-red-400" aria-label={`Delete ${u.username}`} onClick={() => { setProblem(null); setDeleting(u); }}>Delete</button>
              </li>
            ))}
          </ul>
        )}
      <ConfirmDialog
        open={deactivating != null}
        onClose={() => setDeactivating(null)}
        title={`Deactivate ${deactivating?.username ?? ""}?`}
        body={<p>They are signed out everywhere and can't sign in until you activate the account again. Their videos and comments stay.</p>}
        confirm="Deactivate"
        danger
        onConfirm={() => { const u = deactivating; if (u) void change(() => changes.active.mutateAsync({ id: u.id, active: false }), `${u.username} is deactivated and signed out.`); }}
      />
      {users.data && <Pager page={users.data.page} totalPages={users.data.total_pages} onPage={setPage} label="User pages" />}
      <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
