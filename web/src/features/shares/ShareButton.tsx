// The Share button of the video page and the feed; it opens the share dialog.
import { useState } from "react";
import { Icon } from "@/components/icons";
import { useAuth } from "@/lib/auth";
import type { UserRef, VideoId } from "@/lib/types";
import { ShareDialog } from "./ShareDialog";

export function ShareButton({ video, variant = "plain" }: {
  video: { id: VideoId; title: string; uploader: UserRef }; variant?: "plain" | "overlay";
}) {
  const { user } = useAuth();
  const [open, setOpen] = useState(false);
  const canManage = !!user && (user.id === video.uploader.id || user.role === "admin");
  return (
    <>
      {variant === "overlay" ? (
        <button type="button" className="flex flex-col items-center gap-1 text-white drop-shadow" onClick={() => setOpen(true)} data-testid="share-button">
          <span className="grid h-12 w-12 place-items-center rounded-full bg-black/40"><Icon name="share" className="h-6 w-6" /></span>
          <span className="text-xs font-semibold">Share</span>
        </button>
      ) : (
        <button type="button" className="btn-ghost" onClick={() => setOpen(true)} data-testid="share-button">
          <Icon name="share" className="h-4 w-4" /> Share
        </button>
      )}
      {open && <ShareDialog target={{ kind: "video", id: video.id, title: video.title }} canManage={canManage} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}
