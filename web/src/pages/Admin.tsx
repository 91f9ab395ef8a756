// The admin area: invitations (the way people join), users, and instance figures.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, itemsOf } from "../lib/api";
import { useAuth } from "../lib/auth";
import { formatBytes, timeAgo, timeUntil } from "../lib/format";
import { useToast } from "../lib/toast";
import type { Invitation, Page, User } from "../lib/types";
import { Skeleton } from "../components/ui";

interface Stats { users: { total: number; active: number; admins: number }; videos: { total: number; by_status: Record<string, number> }; bytes_stored: number; queue_length?: number; disk_free_bytes?: number }

export default function AdminPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const { user: me } = useAuth();
  const [email, setEmail] = useState("");
  const stats = useQuery({ queryKey: ["admin", "stats"], queryFn: () => api.get<Stats>("/api/admin/stats") });
  const invitations = useQuery({ queryKey: ["admin", "invitations"], queryFn: async () => itemsOf(await api.get<Page<Invitation>>("/api/invitations", { page_size: 50 })) });
  const users = useQuery({ queryKey: ["admin", "users"], queryFn: async () => itemsOf(await api.get<Page<User>>("/api/users", { page_size: 100 })) });

  async function invite() {
    try {
      const inv = await api.post<Invitation>("/api/invitations", email ? { email } : {});
      setEmail("");
      queryClient.invalidateQueries({ queryKey: ["admin", "invitations"] });
      await navigator.clipboard?.writeText(inv.link).catch(() => undefined);
      toast.show("Invitation created; the link is copied.", "success");
    } catch (err) {
      toast.error(err);
    }
  }
  async function act(fn: () => Promise<unknown>, key: string) {
    try { await fn(); queryClient.invalidateQueries({ queryKey: ["admin", key] }); } catch (err) { toast.error(err); }
  }

  return (
    <div className="mx-auto max-w-5xl px-4 py-6">
      <h1 className="mb-4 text-2xl font-bold">Admin</h1>
      <section className="mb-8 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Figures">
        {stats.data ? [
          ["People", `${stats.data.users.active} active`],
          ["Videos", String(stats.data.videos.total)],
          ["Stored", formatBytes(stats.data.bytes_stored)],
          ["Free disk", formatBytes(stats.data.disk_free_bytes)],
        ].map(([k, v]) => <div key={k} className="card p-4"><p className="text-xs text-zinc-500">{k}</p><p className="text-lg font-semibold">{v}</p></div>)
          : [0, 1, 2, 3].map((i) => <Skeleton key={i} className="h-20" />)}
      </section>

      <section className="mb-8" aria-labelledby="inv-h">
        <h2 id="inv-h" className="mb-3 text-lg font-semibold">Invitations</h2>
        <form className="mb-3 flex flex-wrap gap-2" onSubmit={(e) => { e.preventDefault(); invite(); }}>
          <label htmlFor="inv-email" className="sr-only">Email (optional)</label>
          <input id="inv-email" type="email" className="input min-w-0 flex-1" placeholder="Email (optional)" value={email} onChange={(e) => setEmail(e.target.value)} />
          <button className="btn-primary">Create invitation link</button>
        </form>
        <ul className="card divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
          {(invitations.data ?? []).map((i) => (
            <li key={i.id} className="flex flex-wrap items-center gap-2 p-3">
              <span className="min-w-0 flex-1 truncate">{i.email ?? "Anyone with the link"} · <span className="text-zinc-500">{i.status ?? (i.used_at ? "used" : i.revoked ? "revoked" : "pending")}{!i.used_at && !i.revoked && `, expires ${timeUntil(i.expires_at)}`}</span></span>
              {!i.used_at && !i.revoked && <>
                <button className="btn-ghost px-2 py-1" onClick={() => navigator.clipboard?.writeText(i.link).then(() => toast.show("Link copied.", "success"), () => window.prompt("Copy this link:", i.link))}>Copy link</button>
                <button className="btn-ghost px-2 py-1 text-red-600" onClick={() => act(() => api.del(`/api/invitations/${i.id}`), "invitations")}>Revoke</button>
              </>}
            </li>
          ))}
          {invitations.data?.length === 0 && <li className="p-3 text-zinc-500">No invitations yet.</li>}
        </ul>
      </section>

      <section aria-labelledby="users-h">
        <h2 id="users-h" className="mb-3 text-lg font-semibold">People</h2>
        <ul className="card divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
          {(users.data ?? []).map((u) => (
            <li key={u.id} className="flex flex-wrap items-center gap-2 p-3">
              <span className="min-w-0 flex-1"><strong>{u.username}</strong> <span className="text-zinc-500">· {u.role} · joined {timeAgo(u.created_at)}{!u.is_active && " · deactivated"}</span></span>
              {u.id !== me?.id && <>
                <button className="btn-ghost px-2 py-1" onClick={() => act(() => api.patch(`/api/users/${u.id}/role`, { role: u.role === "admin" ? "user" : "admin" }), "users")}>{u.role === "admin" ? "Make user" : "Make admin"}</button>
                <button className="btn-ghost px-2 py-1" onClick={() => act(() => api.patch(`/api/users/${u.id}/active`, { is_active: !u.is_active }), "users")}>{u.is_active ? "Deactivate" : "Activate"}</button>
              </>}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
