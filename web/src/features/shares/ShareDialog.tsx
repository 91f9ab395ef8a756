// The Share dialog of a video or an album: members get its own link; its owner (or an
// admin) also makes guest links (expiry, password, download) and sees, copies, changes
// and turns off the ones made.
import { useId, useState, type FormEvent } from "react";
import { CopyButton, Dialog } from "@/components/ui";
import { useToast } from "@/lib/toast";
import { useCreateShare, useRevokeShare, useTargetShares, useUpdateShare, type Expiry, type ShareLink, type ShareTarget } from "./api";
import { EXPIRY_WORDS, LinkQr, linkUrl, statusWords, when } from "./parts";

function NativeShare({ url, title }: { url: string; title: string }) {
  if (typeof navigator.share !== "function") return null;
  return (
    <button type="button" className="btn-ghost px-2 py-1" onClick={() => navigator.share({ title, url }).catch(() => undefined)}>
      Share…
    </button>
  );
}

export function LinkRow({ link, title }: { link: ShareLink; title: string }) {
  const revoke = useRevokeShare();
  const toast = useToast();
  const [qr, setQr] = useState(false);
  const [editing, setEditing] = useState(false);
  const active = link.status === "active";
  const url = linkUrl(link);
  return (
    <li className="rounded-xl border border-zinc-200 p-3 text-sm dark:border-zinc-800" data-testid="share-link">
      <div className="flex flex-wrap items-center gap-2">
        <strong className="min-w-0 flex-1 truncate">{link.label || "Guest link"}</strong>
        <span className={active ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-500"} data-testid="share-status">{statusWords(link)}</span>
      </div>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">
        {link.has_password ? "Password" : "No password"} · {link.allow_download ? "Download allowed" : "No download"} · opened {link.open_count}× (last {when(link.last_opened_at)})
      </p>
      {link.video_is_private && active && <p className="mt-1 text-amber-700 dark:text-amber-400">The video is private now; this link still shows it.</p>}
      {active && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <input className="input min-w-0 flex-1 py-1 text-xs" readOnly value={url} aria-label="Guest link" data-testid="share-url" onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={url} label="Copy" />
          <NativeShare url={url} title={title} />
          <button type="button" className="btn-ghost px-2 py-1" aria-expanded={qr} onClick={() => setQr(!qr)}>QR code</button>
          <button type="button" className="btn-ghost px-2 py-1" aria-expanded={editing} onClick={() => setEditing(!editing)}>Change</button>
          <button type="button" className="btn-ghost px-2 py-1 text-red-700 dark:text-red-400" disabled={revoke.isPending}
            onClick={() => revoke.mutate(link.id, { onSuccess: () => toast.show("Link turned off.", "success"), onError: (e) => toast.error(e) })}>
            Turn off
          </button>
        </div>
      )}
      {active && qr && <div className="mt-2 flex justify-center"><LinkQr text={url} alt={`QR code of the guest link ${link.label}`} /></div>}
      {link.status !== "revoked" && !active && (
        <div className="mt-2"><button type="button" className="btn-ghost px-2 py-1" aria-expanded={editing} onClick={() => setEditing(!editing)}>Change</button></div>
      )}
      {editing && link.status !== "revoked" && <EditLinkForm link={link} onDone={() => setEditing(false)} />}
    </li>
  );
}

/** A link's label, expiry (counted again from now) and download switch; the password stays. */
function EditLinkForm({ link, onDone }: { link: ShareLink; onDone: () => void }) {
  const update = useUpdateShare();
  const toast = useToast();
  const [label, setLabel] = useState(link.label);
  const [expires, setExpires] = useState<Expiry | "">("");
  const [download, setDownload] = useState(link.allow_download);
  function submit(e: FormEvent) {
    e.preventDefault();
    const changes = { label, allow_download: download, expires_in: expires || null };
    update.mutate({ id: link.id, changes }, {
      onSuccess: () => { toast.show("Link changed.", "success"); onDone(); },
      onError: (err) => toast.error(err),
    });
  }
  return (
    <form onSubmit={submit} className="mt-3 flex flex-col gap-3 border-t border-zinc-200 pt-3 dark:border-zinc-800" aria-label="Change guest link">
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block"><span className="label">For (only you see this)</span>
          <input className="input" value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} /></label>
        <label className="block"><span className="label">Works for</span>
          <select className="input" value={expires} onChange={(e) => setExpires(e.target.value as Expiry | "")}>
            <option value="">As it is ({statusWords(link).toLowerCase()})</option>
            {(Object.keys(EXPIRY_WORDS) as Expiry[]).map((k) => <option key={k} value={k}>{k === "never" ? "Never expires" : `${EXPIRY_WORDS[k]} from now`}</option>)}
          </select></label>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={download} onChange={(e) => setDownload(e.target.checked)} /> Allow downloading the file
      </label>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-ghost" onClick={onDone}>Cancel</button>
        <button className="btn-primary" type="submit" disabled={update.isPending}>Save changes</button>
      </div>
    </form>
  );
}

function NewLinkForm({ target }: { target: ShareTarget }) {
  const ids = useId();
  const create = useCreateShare(target);
  const toast = useToast();
  const [expires, setExpires] = useState<Expiry>("7d");
  const [password, setPassword] = useState("");
  const [download, setDownload] = useState(false);
  const [label, setLabel] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      { expires_in: expires, allow_download: download, label, password: password || null },
      { onSuccess: () => { setPassword(""); setLabel(""); toast.show("Guest link made.", "success"); }, onError: (err) => toast.error(err) },
    );
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New guest link">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{target.kind === "video"
        ? "A guest link plays this one video for anyone who has it, without an account. They see its title, description and your name, nothing else."
        : "A guest link shows this album to anyone who has it, without an account: its title, description, your name and its videos in order, private ones included, nothing else. Videos taken out of the album drop out of the link at once."}</p>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block"><span className="label">For (only you see this)</span>
          <input className="input" value={label} maxLength={80} placeholder="for grandma" onChange={(e) => setLabel(e.target.value)} /></label>
        <label className="block"><span className="label">Expires after</span>
          <select className="input" value={expires} onChange={(e) => setExpires(e.target.value as Expiry)}>
            {(Object.keys(EXPIRY_WORDS) as Expiry[]).map((k) => <option key={k} value={k}>{EXPIRY_WORDS[k]}</option>)}
          </select></label>
      </div>
      <label className="block" htmlFor={`${ids}-pw`}><span className="label">Password (optional, 4 or more characters)</span></label>
      <input id={`${ids}-pw`} className="input -mt-2" type="text" autoComplete="off" value={password} minLength={4} maxLength={128} onChange={(e) => setPassword(e.target.value)} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={download} onChange={(e) => setDownload(e.target.checked)} /> Allow downloading the file
      </label>
      <div className="flex justify-end"><button className="btn-primary" type="submit" disabled={create.isPending}>Make guest link</button></div>
    </form>
  );
}

export function ShareDialog({ target, canManage, open, onClose }: {
  target: ShareTarget; canManage: boolean; open: boolean; onClose: () => void;
}) {
  const links = useTargetShares(target, open && canManage);
  const memberUrl = `${window.location.origin}${target.kind === "video" ? "/v/" : "/albums/"}${target.id}`;
  return (
    <Dialog open={open} onClose={onClose} title={`Share “${target.title}”`} sheet testId="share-dialog">
      <div className="flex max-h-[70vh] flex-col gap-4 overflow-y-auto pr-1 max-sm:max-h-[65dvh]">
        <section aria-label="Link for members">
          <p className="label">For members of this Clipset</p>
          <div className="flex flex-wrap items-center gap-2">
            <input className="input min-w-0 flex-1 py-1 text-xs" readOnly value={memberUrl} aria-label="Members' link" />
            <CopyButton text={memberUrl} label="Copy" />
            <NativeShare url={memberUrl} title={target.title} />
          </div>
        </section>
        {canManage ? (
          <>
            <NewLinkForm target={target} />
            {(links.data ?? []).length > 0 && (
              <section aria-label="Guest links">
                <h3 className="mb-2 font-semibold">Guest links</h3>
                <ul className="flex flex-col gap-2">{links.data!.map((l) => <LinkRow key={l.id} link={l} title={target.title} />)}</ul>
              </section>
            )}
          </>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{target.kind === "video" ? "Only its uploader" : "Only its owner"} can make a link for guests without an account.</p>
        )}
        <div className="flex justify-end"><button type="button" className="btn-ghost" onClick={onClose}>Close</button></div>
      </div>
    </Dialog>
  );
}


