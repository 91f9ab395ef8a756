// Invitations: the way people join. Create (optionally for an email), copy or scan the
// link, see what became of each, revoke.
import { useState } from "react";
import { timeAgo, timeUntil } from "@/lib/format";
import { useToast } from "@/lib/toast";
import type { Invitation } from "@/lib/types";
import { ConfirmDialog, CopyButton, Dialog, EmptyState, ErrorState, Skeleton } from "@/components/ui";
import { linkForPhones } from "./logic";
import { useInvitationChanges, useInvitations, useLan } from "./api";
import { LinkQr, Pager } from "./parts";

type Status = Invitation["status"];
const BADGE: Record<Status, string> = {
  pending: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  used: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  expired: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  revoked: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
};
const WORDS: Record<Status, string> = { pending: "Pending", used: "Used", expired: "Expired", revoked: "Revoked" };

function QrDialog({ invitation, onClose }: { invitation: Invitation | null; onClose: () => void }) {
  const lan = useLan();
  const link = invitation ? linkForPhones(invitation.link, lan.data?.lan_url) : "";
  return (
    <Dialog open={!!invitation} onClose={onClose} title="Scan to join">
      {invitation && (
        <div className="flex flex-col items-center gap-3 text-center text-sm">
          <LinkQr text={link} alt={`QR code for the invitation link ${link}`} size={224} />
          <p className="break-all font-mono text-xs" data-testid="qr-link">{link}</p>
          <p className="text-zinc-600 dark:text-zinc-400">Point a phone's camera at the code; the link opens the sign-up page. It works once{invitation.email ? ` (for ${invitation.email})` : ""}.</p>
          <div className="flex gap-2">
            <CopyButton text={link} label="Copy link" className="btn-ghost" />
            <button className="btn-primary" onClick={onClose}>Done</button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

export default function Invitations() {
  const toast = useToast();
  const changes = useInvitationChanges();
  const [email, setEmail] = useState("");
  const [emailError, setEmailError] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [showing, setShowing] = useState<Invitation | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const invitations = useInvitations(page);

  async function create() {
    setEmailError(null);
    try {
      const inv = await changes.create.mutateAsync(email.trim());
      setEmail("");
      setShowing(inv);
      toast.show("Invitation created.", "success");
    } catch (err) {
      setEmailError(err instanceof Error ? err.message : "The invitation couldn't be created.");
    }
  }

  async function revoke(inv: Invitation) {
    try {
      await changes.revoke.mutateAsync(inv.id);
      toast.show("Invitation revoked; the link no longer works.", "success");
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <div>
      <form className="card mb-4 p-4" noValidate onSubmit={(e) => { e.preventDefault(); create(); }}>
        <h2 className="mb-2 text-base font-semibold">New invitation</h2>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">A single-use link, valid for 7 days. Add an email to note who it's for.</p>
        <div className="flex flex-wrap items-start gap-2">
          <div className="min-w-0 flex-1 basis-56">
            <label htmlFor="inv-email" className="sr-only">Email (optional)</label>
            <input id="inv-email" type="email" className="input" placeholder="Email (optional)" value={email}
              aria-invalid={!!emailError} aria-describedby={emailError ? "inv-email-error" : undefined}
              onChange={(e) => setEmail(e.target.value)} />
            {emailError && <p id="inv-email-error" className="mt-1 text-xs text-red-600 dark:text-red-400">{emailError}</p>}
          </div>
          <button className="btn-primary">Create invitation</button>
        </div>
      </form>

      {invitations.error ? <ErrorState error={invitations.error} retry={() => invitations.refetch()} />
        : !invitations.data ? <div className="space-y-2">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-14" />)}</div>
        : invitations.data.items.length === 0 ? <EmptyState title="No invitations yet" icon="inbox">Create one above and send the link, or show its QR code to a phone.</EmptyState>
        : (
          <ul className="card divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Invitations">
            {invitations.data.items.map((i) => {
              const status = i.status;
              return (
                <li key={i.id} className="flex flex-wrap items-center gap-2 p-3 text-sm" data-testid="invitation-row">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${BADGE[status]}`}>{WORDS[status]}</span>
                  <span className="min-w-0 flex-1 basis-40">
                    <span className="block truncate font-medium">{i.email ?? "Anyone with the link"}</span>
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      created {timeAgo(i.created_at)}
                      {status === "pending" && `, expires ${timeUntil(i.expires_at)}`}
                      {status === "used" && i.used_at && `, used ${timeAgo(i.used_at)}`}
                    </span>
                  </span>
                  {status === "pending" && <>
                    <CopyButton text={i.link} label="Copy link" />
                    <button className="btn-ghost px-2 py-1" onClick={() => setShowing(i)}>Show QR code</button>
                    <button className="btn-ghost px-2 py-1 text-red-600 dark:text-red-400" onClick={() => setRevoking(i)}>Revoke</button>
                  </>}
                </li>
              );
            })}
          </ul>
        )}
      {invitations.data && <Pager page={invitations.data.page} totalPages={invitations.data.total_pages} onPage={setPage} label="Invitation pages" />}
      <QrDialog invitation={showing} onClose={() => setShowing(null)} />
      <ConfirmDialog open={!!revoking} title="Revoke this invitation?" danger confirm="Revoke"
        body={<p>The link stops working at once{revoking?.email ? ` (it was for ${revoking.email})` : ""}. Nobody's account is affected.</p>}
        onConfirm={() => revoking && revoke(revoking)} onClose={() => setRevoking(null)} />
    </div>
  );
}
