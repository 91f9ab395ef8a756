// The upload manager as React: one manager for the signed-in session, mounted above the
// routes so leaving the Upload page never stops an upload, and a warning before the tab
// closes while bytes are still moving.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useAuth } from "@/lib/auth";
import { keys } from "@/lib/queries";
import { isSending, remembered, UploadManager, type UploadJob } from "./uploadManager";
import type { Draft } from "@/lib/types";

const Ctx = createContext<UploadManager | null>(null);

/** Cache changes after upload events: the quota, the saved drafts, my videos, the feed. */
function cacheEvents(queryClient: QueryClient) {
  return {
    bytesStored: () => { void queryClient.invalidateQueries({ queryKey: keys.quota() }); },
    draftSaved: () => { void queryClient.invalidateQueries({ queryKey: keys.drafts() }); },
    posted: (draftId: Draft["id"]) => {
      // The draft is a video now: drop it from the cached list at once (a refetch could
      // come after the person is already looking), then refresh everything it touched.
      queryClient.setQueryData<{ id: Draft["id"] }[]>(keys.drafts(), (list) => list?.filter((d) => d.id !== draftId));
      remembered.dropDraft(draftId);
      for (const key of [keys.drafts(), keys.quota(), keys.mine(), keys.feed(), keys.videos()]) void queryClient.invalidateQueries({ queryKey: key });
    },
  };
}

export function UploadProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const [manager] = useState(() => new UploadManager(cacheEvents(queryClient)));
  const jobs = useSyncExternalStore(manager.subscribe, manager.snapshot);
  const sending = jobs.some(isSending);

  useEffect(() => { if (!user) manager.stopAll(); }, [manager, user]);

  useEffect(() => {
    if (!sending) return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ""; };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [sending]);

  return <Ctx.Provider value={manager}>{children}</Ctx.Provider>;
}

export function useUploadManager(): UploadManager {
  const m = useContext(Ctx);
  if (!m) throw new Error("useUploadManager outside UploadProvider");
  return m;
}

export function useUploads(): UploadJob[] {
  const m = useUploadManager();
  return useSyncExternalStore(m.subscribe, m.snapshot);
}
