// `/s/<token>`: a guest link opened without an account. The player, title, description
// and uploader name, nothing else of the household; a page that says why when the link
// has expired, was turned off, or needs its password.
import { useState, type FormEvent, type ReactNode } from "react";
import { useParams } from "react-router-dom";
import { ApiError, errorMessage } from "@/lib/api";
import { formatDuration, timeAgo } from "@/lib/format";
import { Spinner } from "@/components/ui";
import { Icon } from "@/components/icons";
import { useGuestShare, useUnlockShare, type GuestShare } from "./api";

function Frame({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-full w-full max-w-3xl flex-col gap-4 p-4 sm:p-6" data-testid="guest-page">
      <p className="text-sm font-semibold text-brand-600 dark:text-brand-400">Clipset</p>
      {children}
    </main>
  );
}

const GONE: Record<string, { title: string; body: string }> = {
  share_expired: { title: "This link has expired", body: "Ask whoever sent it for a new one." },
  share_revoked: { title: "This link was turned off", body: "Whoever sent it has stopped sharing this video." },
  share_not_found: { title: "This link doesn't work", body: "Check that it was copied whole, or ask for a new one." },
};

function Gone({ error }: { error: unknown }) {
  const words = error instanceof ApiError ? GONE[error.code] : undefined;
  return (
    <Frame>
      <div role="alert" className="card p-6 text-center" data-testid="guest-gone" data-reason={error instanceof ApiError ? error.code : "error"}>
        <h1 className="mb-2 text-2xl font-bold">{words?.title ?? "This video can't be shown right now"}</h1>
        <p className="text-zinc-600 dark:text-zinc-400">{words?.body ?? errorMessage(error)}</p>
      </div>
    </Frame>
  );
}

function Unlock({ token }: { token: string }) {
  const unlock = useUnlockShare(token);
  const [password, setPassword] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    if (password) unlock.mutate(password);
  }
  const wrong = unlock.error instanceof ApiError && unlock.error.code === "share_password_wrong";
  return (
    <Frame>
      <form onSubmit={submit} className="card mx-auto flex w-full max-w-sm flex-col gap-3 p-6" aria-label="Password">
        <h1 className="text-xl font-bold">This video has a password</h1>
        <label className="block"><span className="label">Password</span>
          <input className="input" type="password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} data-testid="guest-password" /></label>
        {unlock.error != null && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="guest-password-error">
            {wrong ? "That password is not right." : errorMessage(unlock.error)}
          </p>
        )}
        <button className="btn-primary" type="submit" disabled={unlock.isPending}>Watch</button>
      </form>
    </Frame>
  );
}

function Watch({ share }: { share: GuestShare }) {
  const video = share.video!;
  const media = share.media!;
  const [w, h] = video.width && video.height ? [video.width, video.height] : [16, 9];
  return (
    <Frame>
      <div className="overflow-hidden rounded-xl bg-black">
        <video
          src={media.stream_url}
          poster={media.thumbnail_url}
          controls
          playsInline
          preload="metadata"
          controlsList={share.allow_download ? undefined : "nodownload"}
          style={{ aspectRatio: `${w} / ${h}`, maxHeight: "75vh" }}
          className="mx-auto block w-full object-contain"
          aria-label={`Video: ${video.title}`}
          data-testid="guest-player"
        />
      </div>
      <h1 className="text-xl font-bold" data-testid="guest-title">{video.title}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Shared by <strong data-testid="guest-uploader">{video.uploader_name}</strong> · {timeAgo(video.created_at)}
        {video.duration_seconds != null && ` · ${formatDuration(video.duration_seconds)}`}
      </p>
      {media.download_url && (
        <a className="btn-ghost self-start" href={media.download_url} download data-testid="guest-download">
          <Icon name="download" className="h-4 w-4" /> Download
        </a>
      )}
      {video.description && <p className="whitespace-pre-wrap rounded-xl bg-zinc-100 p-4 text-sm dark:bg-zinc-900">{video.description}</p>}
    </Frame>
  );
}

export default function GuestPage() {
  const token = useParams().token ?? "";
  const share = useGuestShare(token);
  if (share.isLoading) return <Frame><div className="flex justify-center p-8"><Spinner /></div></Frame>;
  if (share.error || !share.data) return <Gone error={share.error} />;
  if (!share.data.unlocked) return <Unlock token={token} />;
  return <Watch share={share.data} />;
}
