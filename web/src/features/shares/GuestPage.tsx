// `/s/<token>`: a guest link opened without an account. A video link shows the player,
// title, description and uploader name; an album link the album and its videos; nothing
// else of the household. A page says why when the link has expired, was turned off, or
// needs its password.
import { useState, type FormEvent } from "react";
import { useParams } from "react-router-dom";
import { ApiError, errorMessage } from "@/lib/api";
import { Spinner } from "@/components/ui";
import { useGuestShare, useUnlockShare, type GuestShare } from "./api";
import { GuestAlbum } from "./GuestAlbum";
import { Frame, GuestPlayer } from "./GuestParts";

const GONE: Record<string, { title: string; body: string }> = {
  share_expired: { title: "This link has expired", body: "Ask whoever sent it for a new one." },
  share_revoked: { title: "This link was turned off", body: "Whoever sent it has stopped sharing this." },
  share_not_found: { title: "This link doesn't work", body: "Check that it was copied whole, or ask for a new one." },
};

function Gone({ error }: { error: unknown }) {
  const words = error instanceof ApiError ? GONE[error.code] : undefined;
  return (
    <Frame>
      <div role="alert" className="card p-6 text-center" data-testid="guest-gone" data-reason={error instanceof ApiError ? error.code : "error"}>
        <h1 className="mb-2 text-2xl font-bold">{words?.title ?? "This can't be shown right now"}</h1>
        <p className="text-zinc-600 dark:text-zinc-400">{words?.body ?? errorMessage(error)}</p>
      </div>
    </Frame>
  );
}

function Unlock({ token, kind }: { token: string; kind: GuestShare["kind"] }) {
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
        <h1 className="text-xl font-bold">This {kind === "album" ? "album" : "video"} has a password</h1>
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

export default function GuestPage() {
  const token = useParams().token ?? "";
  const share = useGuestShare(token);
  if (share.isLoading) return <Frame><div className="flex justify-center p-8"><Spinner /></div></Frame>;
  if (share.error || !share.data) return <Gone error={share.error} />;
  const data: GuestShare = share.data;
  if (!data.unlocked) return <Unlock token={token} kind={data.kind} />;
  if (data.album) return <GuestAlbum album={data.album} />;
  return <Frame><GuestPlayer shared={{ video: data.video!, media: data.media! }} /></Frame>;
}
