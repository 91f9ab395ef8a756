// The instance at a glance: figures, disk state, backups, weekly charts, quota use,
// forecast, activity, LAN.
import { useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { formatBytes, timeAgo, timeUntil } from "@/lib/format";
import { useToast } from "@/lib/toast";
import { ConfirmDialog, CopyButton, ErrorState, Skeleton } from "@/components/ui";
import { forecastText } from "./logic";
import { useActivity, useBackupChanges, useBackups, useHistory, useHost, useHostChanges, useLan, useQuotaUsage, useStats } from "./api";
import { StorageChart, UploadsChart } from "./Charts";
import { Bar, QrImage, Section } from "./parts";
import type { ActivityItem, DiskState } from "./types";


// A note wraps to two lines in a phone's two-column grid, one line wider.
const NOTE_BOX = "min-h-8 sm:min-h-4";

/** A figure's card; its label paints at once, its value (and note) when the stats arrive. */
function Figure({ label, value, note, children }: { label: string; value?: string; note?: string; children?: ReactNode }) {
  return (
    <div className="card p-4">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{label}</p>
      {value === undefined ? (
        // The same height as a value and its note, so nothing moves when they land.
        <><Skeleton className="my-0.5 h-6 w-16" /><div className={NOTE_BOX}><Skeleton className="mt-1 h-3 w-28" /></div></>
      ) : (
        <>
          <p className="text-xl font-semibold">{value}</p>
          {note && <p className={`${NOTE_BOX} text-xs text-zinc-600 dark:text-zinc-400`}>{note}</p>}
          {children}
        </>
      )}
    </div>
  );
}

function Figures() {
  const stats = useStats();
  if (stats.error) return <ErrorState error={stats.error} retry={() => stats.refetch()} />;
  const s = stats.data;
  const st = s?.videos.by_status;
  const usedDisk = s ? s.disk_total_bytes - s.disk_free_bytes : 0;
  return (
    <>
    {s && <DiskAlert disk={s.disk} />}
    <section aria-label="Figures" aria-busy={!s} className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Figure label="Users" value={s && String(s.users.total)} note={s && `${s.users.active} active · ${s.users.admins} admin${s.users.admins === 1 ? "" : "s"}`} />
      <Figure label="Videos" value={s && String(s.videos.total)} note={st && `${st.completed} ready · ${st.pending + st.processing} in queue · ${st.failed} failed`} />
      <Figure label="Storage used" value={s && formatBytes(s.bytes_stored)} note={s && "videos, originals and uploads"} />
      <Figure label="Disk free" value={s && formatBytes(s.disk_free_bytes)}>
        {s && <Bar percent={s.disk_total_bytes ? (usedDisk / s.disk_total_bytes) * 100 : 0} label={`Disk ${formatBytes(usedDisk)} used of ${formatBytes(s.disk_total_bytes)}`} />}
      </Figure>
    </section>
    </>
  );
}

/** Why uploads are refused or processing waits, when the disk is low or full. */
function DiskAlert({ disk }: { disk: DiskState }) {
  if (disk.state === "ok") return null;
  const full = disk.state === "full";
  return (
    <div role="alert" data-testid="disk-state" data-state={disk.state}
      className={`card border p-4 text-sm ${full ? "border-red-500 text-red-800 dark:text-red-300" : "border-amber-500 text-amber-800 dark:text-amber-300"}`}>
      <p className="font-semibold">{disk.read_only ? "The disk is full: Clipset is read-only" : full ? "The disk is full" : "The disk is nearly full"}</p>
      {disk.detail && <p>{disk.detail}</p>}
    </div>
  );
}

function BackupCard() {
  const status = useBackups();
  const changes = useBackupChanges();
  const toast = useToast();
  const [editing, setEditing] = useState<{ dir: string; hours: number; keep: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const b = status.data;

  async function save() {
    if (!editing) return;
    setBusy(true);
    try {
      await changes.schedule.mutateAsync(editing);
      setEditing(null);
      toast.show(editing.dir.trim() ? "Scheduled backups saved." : "Scheduled backups turned off.", "success");
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  async function backUpNow() {
    setBusy(true);
    try {
      await changes.now.mutateAsync();
      toast.show("Backup made and verified.", "success");
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title="Backups" id="backups-h" actions={b?.backup_dir && !editing && (
      <button className="btn-ghost" disabled={busy || b.running} onClick={backUpNow}>{busy || b.running ? "Backing up…" : "Back up now"}</button>)}>
      {status.error ? <ErrorState error={status.error} /> : !b ? <Skeleton className="h-24" /> : editing ? (
        <form className="space-y-3 text-sm" onSubmit={(e) => { e.preventDefault(); save(); }}>
          <label className="block">Backup folder (another disk or a NAS mount; empty turns scheduled backups off)
            <input className="input mt-1 w-full font-mono" value={editing.dir} placeholder="/mnt/nas/clipset" onChange={(e) => setEditing({ ...editing, dir: e.target.value })} />
          </label>
          <div className="flex gap-3">
            <label className="block">Every (hours)
              <input className="input mt-1 w-24" type="number" min={1} value={editing.hours} onChange={(e) => setEditing({ ...editing, hours: Number(e.target.value) })} />
            </label>
            <label className="block">Keep
              <input className="input mt-1 w-24" type="number" min={1} value={editing.keep} onChange={(e) => setEditing({ ...editing, keep: Number(e.target.value) })} />
            </label>
          </div>
          <div className="flex gap-2">
            <button className="btn-primary" type="submit" disabled={busy}>Save</button>
            <button className="btn-ghost" type="button" onClick={() => setEditing(null)}>Cancel</button>
          </div>
        </form>
      ) : (
        <div className="space-y-1 text-sm" data-testid="backup-status">
          {b.backup_dir
            ? <p>Every {b.interval_hours} h to <span className="break-all font-mono">{b.backup_dir}</span>, keeping {b.keep}.</p>
            : <p className="text-zinc-500 dark:text-zinc-400">No scheduled backups. Choose a folder on another disk or a NAS.</p>}
          {b.last_success_at && <p>Last backup {timeAgo(b.last_success_at)}: {formatBytes(b.last_bytes)} ({formatBytes(b.last_copied_bytes)} copied, the rest unchanged).</p>}
          {b.last_error && <p role="alert" className="text-red-700 dark:text-red-400">The last backup failed{b.last_failure_at ? ` ${timeAgo(b.last_failure_at)}` : ""}: {b.last_error}</p>}
          {b.next_at && <p className="text-zinc-500 dark:text-zinc-400">Next {new Date(b.next_at) <= new Date() ? "within a minute" : timeUntil(b.next_at)}.</p>}
          <button className="btn-ghost -ml-2" onClick={() => setEditing({ dir: b.backup_dir ?? "", hours: b.interval_hours, keep: b.keep })}>{b.backup_dir ? "Change" : "Set up backups"}</button>
        </div>
      )}
    </Section>
  );
}

function Trends() {
  const history = useHistory(12);
  const chartSkeleton = <Skeleton className="h-48" />;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Section title="Uploads per week" id="uploads-h">
        {history.error ? <ErrorState error={history.error} /> : history.data
          ? <UploadsChart weeks={history.data.weeks} /> : chartSkeleton}
      </Section>
      <Section title="Storage growth" id="storage-h">
        {history.error ? <ErrorState error={history.error} /> : history.data ? (
          <>
            <StorageChart weeks={history.data.weeks} />
            <p className="mt-3 text-sm" data-testid="forecast">{forecastText(history.data.forecast.days_until_full, history.data.forecast.full_at)}</p>
          </>
        ) : chartSkeleton}
      </Section>
    </div>
  );
}

function QuotaBars() {
  const quota = useQuotaUsage();
  return (
    <Section title="Upload quota this week" id="quota-h" actions={quota.data && <span className="text-xs text-zinc-600 dark:text-zinc-400">resets {new Date(quota.data.resets_at).toLocaleDateString()}</span>}>
      {quota.error ? <ErrorState error={quota.error} /> : !quota.data ? <Skeleton className="h-24" /> : quota.data.items.length === 0
        ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No one has an account yet.</p>
        : (
          <ul className="space-y-3">
            {quota.data.items.map((q) => (
              <li key={q.user.id} className="text-sm">
                <div className="flex justify-between gap-2"><span className="truncate font-medium">{q.user.username}</span><span className="text-zinc-600 dark:text-zinc-400">{formatBytes(q.used_bytes)} of {formatBytes(q.limit_bytes)}</span></div>
                <Bar percent={q.percent} label={`${q.user.username}: ${Math.round(q.percent)}% of the weekly quota`} />
              </li>
            ))}
          </ul>
        )}
      {quota.data && quota.data.total_count > quota.data.items.length && <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">The {quota.data.items.length} heaviest uploaders of {quota.data.total_count}.</p>}
    </Section>
  );
}

const ACTIVITY: Record<ActivityItem["type"], string> = {
  "user.registered": "joined",
  "video.uploaded": "uploaded",
  "video.processed": "Processed",
  "video.failed": "Processing failed for",
  "comment.posted": "commented on",
  "invitation.created": "created an invitation",
  "invitation.used": "used an invitation",
};

function ActivityLine({ item }: { item: ActivityItem }) {
  const verb = ACTIVITY[item.type] ?? item.type;
  const video = item.video && <Link className="font-medium underline-offset-2 hover:underline" to={`/v/${item.video.id}`}>{item.video.title}</Link>;
  const system = item.type === "video.processed" || item.type === "video.failed";
  return (
    <li className="flex gap-3 py-2 text-sm">
      <span className="min-w-0 flex-1">
        {!system && item.actor && <strong>{item.actor.username} </strong>}
        {verb} {video}
        {item.detail && <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400">{item.detail}</span>}
      </span>
      <time className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400" dateTime={item.at}>{timeAgo(item.at)}</time>
    </li>
  );
}

function Activity() {
  const activity = useActivity();
  return (
    <Section title="Recent activity" id="activity-h">
      {activity.error ? <ErrorState error={activity.error} /> : !activity.data ? <Skeleton className="h-40" /> : activity.data.items.length === 0
        ? <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing has happened yet.</p>
        : <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">{activity.data.items.map((a, i) => <ActivityLine key={`${a.type}-${a.at}-${i}`} item={a} />)}</ul>}
    </Section>
  );
}

function LanCard() {
  const lan = useLan();
  return (
    <Section title="Join from a phone" id="lan-h">
      {lan.error ? <ErrorState error={lan.error} /> : !lan.data ? <Skeleton className="h-40" /> : (
        <div className="flex flex-wrap items-center gap-4">
          <QrImage svg={lan.data.qr_svg} alt={`QR code for ${lan.data.lan_url}`} />
          <div className="min-w-0 flex-1 text-sm">
            <p className="mb-1 text-zinc-600 dark:text-zinc-400">On the same Wi-Fi, open this address or scan the code:</p>
            <p className="mb-2 break-all font-mono font-medium" data-testid="lan-url">{lan.data.lan_url}</p>
            <CopyButton text={lan.data.lan_url} label="Copy address" what="Address" className="btn-ghost -ml-2" />
          </div>
        </div>
      )}
    </Section>
  );
}

/** Start at login and stop: what the tray menu offers, for a browser on the host itself
 * (some desktops show tray icons without their menus). Hidden everywhere else. */
function HostCard() {
  const host = useHost();
  const changes = useHostChanges();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [stopped, setStopped] = useState(false);
  const [busy, setBusy] = useState(false);
  const h = host.data;
  if (!h?.on_this_computer) return null;

  async function setStartAtLogin(enabled: boolean) {
    setBusy(true);
    try {
      await changes.startAtLogin.mutateAsync(enabled);
      toast.show(enabled ? "Clipset will start when you log in." : "Clipset won't start at login.", "success");
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  async function stop() {
    try {
      await changes.stop.mutateAsync();
      setStopped(true);
    } catch (err) {
      toast.error(err);
    }
  }

  if (stopped) {
    return (
      <div role="alertdialog" aria-modal="true" aria-labelledby="stopped-h" className="fixed inset-0 z-50 grid place-items-center bg-zinc-950/90 p-6 text-center text-white">
        <div className="max-w-md">
          <h2 id="stopped-h" className="mb-2 text-xl font-semibold">Clipset has stopped</h2>
          <p className="text-sm text-zinc-300">Nobody can watch or upload until Clipset is started again on this computer; videos that were being processed carry on then.</p>
        </div>
      </div>
    );
  }
  return (
    <Section title="This computer" id="host-h">
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">Clipset runs on the computer you are using.</p>
      <label className="mb-4 flex items-center gap-2 text-sm">
        <input type="checkbox" className="h-4 w-4" checked={!!h.start_at_login} disabled={busy}
          onChange={(e) => setStartAtLogin(e.target.checked)} />
        Start Clipset when I log in
      </label>
      {h.can_stop && <button className="btn-danger" onClick={() => setConfirming(true)}>Stop Clipset</button>}
      <ConfirmDialog open={confirming} title="Stop Clipset?" danger confirm="Stop Clipset"
        body="Everyone loses access, on every device, until Clipset is started again on this computer. Videos being processed carry on then."
        onConfirm={stop} onClose={() => setConfirming(false)} />
    </Section>
  );
}

export default function Dashboard() {
  return (
    <div className="space-y-4">
      <Figures />
      <Trends />
      <div className="grid gap-4 lg:grid-cols-2">
        <QuotaBars />
        <BackupCard />
        <LanCard />
        <HostCard />
      </div>
      <Activity />
    </div>
  );
}
