// The admin screens' server state: every read as a query under adminKeys and every change
// as a mutation that refreshes what it affects, as the other features do. Screens call
// these hooks, never the API client.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { keys } from "@/lib/queries";
import type { Invitation, Page, User, Video, VideoId } from "@/lib/types";
import { adminKeys } from "./keys";
import type { ActivityItem, AdminCategory, BackupStatus, Config, History, HostControls, Lan, NewWorker, Queue, QuotaPage, RemoteWorker, Stats } from "./types";

const EVERY_30_S = 30_000;
// Progress events go to a video's owner only, so the admin's queue polls; react-query
// stops polling while the tab is hidden.
const QUEUE_POLL_MS = 2500;
const USERS_PAGE_SIZE = 20;
const INVITATIONS_PAGE_SIZE = 20;

// -- the dashboard ------------------------------------------------------------------------
export function useStats() {
  return useQuery({ queryKey: adminKeys.stats(), queryFn: () => api.get<Stats>("/api/admin/stats"), refetchInterval: EVERY_30_S });
}

export function useHistory(weeks: number) {
  return useQuery({ queryKey: adminKeys.history(weeks), queryFn: () => api.get<History>("/api/admin/stats/history", { weeks }) });
}

export function useQuotaUsage() {
  return useQuery({ queryKey: adminKeys.quota(), queryFn: () => api.get<QuotaPage>("/api/admin/quota", { page_size: 10 }) });
}

export function useActivity() {
  return useQuery({ queryKey: adminKeys.activity(), queryFn: () => api.get<{ items: ActivityItem[] }>("/api/admin/activity", { limit: 15 }), refetchInterval: EVERY_30_S });
}

export function useLan() {
  return useQuery({ queryKey: adminKeys.lan(), queryFn: () => api.get<Lan>("/api/admin/lan"), staleTime: 5 * 60_000 });
}

export function useBackups() {
  return useQuery({ queryKey: adminKeys.backups(), queryFn: () => api.get<BackupStatus>("/api/admin/backups"), refetchInterval: EVERY_30_S });
}

export function useBackupChanges() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.backups() });
  const schedule = useMutation({
    mutationFn: (s: { dir: string; hours: number; keep: number }) =>
      api.patch<Config>("/api/admin/config", { backup_dir: s.dir.trim() || null, backup_interval_hours: s.hours, backup_keep: s.keep }),
    onSuccess: (config) => {
      queryClient.setQueryData(adminKeys.config(), config);
      return refresh();
    },
  });
  const now = useMutation({
    mutationFn: () => api.post<BackupStatus>("/api/admin/backups"),
    onSuccess: (status) => queryClient.setQueryData(adminKeys.backups(), status),
    onError: refresh, // a failed backup is in the status too
  });
  return { schedule, now };
}

export function useHost() {
  return useQuery({ queryKey: adminKeys.host(), queryFn: () => api.get<HostControls>("/api/admin/host") });
}

export function useHostChanges() {
  const queryClient = useQueryClient();
  const startAtLogin = useMutation({
    mutationFn: (enabled: boolean) => api.patch<HostControls>("/api/admin/host/start-at-login", { enabled }),
    // The switch moves at once; it goes back if the host refuses.
    onMutate: (enabled) => {
      const before = queryClient.getQueryData<HostControls>(adminKeys.host());
      if (before) queryClient.setQueryData(adminKeys.host(), { ...before, start_at_login: enabled });
      return { before };
    },
    onSuccess: (host) => queryClient.setQueryData(adminKeys.host(), host),
    onError: (_err, _enabled, context) => queryClient.setQueryData(adminKeys.host(), context?.before),
  });
  const stop = useMutation({ mutationFn: () => api.post("/api/admin/host/stop") });
  return { startAtLogin, stop };
}

// -- the processing queue -----------------------------------------------------------------
export function useQueue() {
  return useQuery({ queryKey: adminKeys.queue(), queryFn: () => api.get<Queue>("/api/admin/queue"), refetchInterval: QUEUE_POLL_MS });
}

export function useFeatured() {
  return useQuery({ queryKey: adminKeys.featured(), queryFn: () => api.get<Page<Video>>("/api/videos/featured", { page_size: 100 }) });
}

export function useQueueChanges() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.queue() });
  const retry = useMutation({ mutationFn: (id: VideoId) => api.post(`/api/admin/videos/${id}/retry`), onSuccess: refresh });
  const paused = useMutation({
    mutationFn: (paused: boolean) => api.patch<{ paused: boolean }>("/api/admin/queue/paused", { paused }),
    onSuccess: (r) => {
      queryClient.setQueryData<Queue>(adminKeys.queue(), (q) => (q ? { ...q, paused: r.paused } : q));
      return refresh();
    },
  });
  const feature = useMutation({
    mutationFn: (p: { id: VideoId; on: boolean }) => api.patch<Video>(`/api/videos/${p.id}/feature`, { is_featured: p.on }),
    onSuccess: (video) => {
      queryClient.setQueryData(keys.video(video.id), video);
      return queryClient.invalidateQueries({ queryKey: adminKeys.featured() });
    },
  });
  return { retry, paused, feature };
}

// -- settings -----------------------------------------------------------------------------
export function useConfig() {
  return useQuery({ queryKey: adminKeys.config(), queryFn: () => api.get<Config>("/api/admin/config") });
}

export function useSaveConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Config>) => api.patch<Config>("/api/admin/config", body),
    onSuccess: (config) => queryClient.setQueryData(adminKeys.config(), config),
  });
}

// -- categories ---------------------------------------------------------------------------
export function useAdminCategories() {
  return useQuery({ queryKey: adminKeys.categories(), queryFn: () => api.get<AdminCategory[]>("/api/categories") });
}

export function useCategoryChanges() {
  const queryClient = useQueryClient();
  // The upload and browse screens cache categories too.
  const refresh = () => Promise.all([
    queryClient.invalidateQueries({ queryKey: adminKeys.categories() }),
    queryClient.invalidateQueries({ queryKey: keys.categories() }),
  ]);
  const create = useMutation({ mutationFn: (name: string) => api.post("/api/categories", { name }), onSuccess: refresh });
  const rename = useMutation({ mutationFn: (p: { id: AdminCategory["id"]; name: string }) => api.patch(`/api/categories/${p.id}`, { name: p.name }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (id: AdminCategory["id"]) => api.del(`/api/categories/${id}`), onSuccess: refresh });
  return { create, rename, remove };
}

// -- invitations --------------------------------------------------------------------------
export function useInvitations(page: number) {
  return useQuery({
    queryKey: adminKeys.invitations(page),
    queryFn: () => api.get<Page<Invitation>>("/api/invitations", { page, page_size: INVITATIONS_PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
}

export function useInvitationChanges() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.invitations() });
  const create = useMutation({ mutationFn: (email: string) => api.post<Invitation>("/api/invitations", email ? { email } : {}), onSuccess: refresh });
  const revoke = useMutation({ mutationFn: (id: Invitation["id"]) => api.del(`/api/invitations/${id}`), onSuccess: refresh });
  return { create, revoke };
}

// -- users --------------------------------------------------------------------------------
export function useUsers(q: string, page: number) {
  return useQuery({
    queryKey: adminKeys.users(q, page),
    queryFn: () => api.get<Page<User>>("/api/users", { q, page, page_size: USERS_PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
}

export function useUserChanges() {
  const queryClient = useQueryClient();
  const refresh = () => Promise.all([
    queryClient.invalidateQueries({ queryKey: adminKeys.users() }),
    queryClient.invalidateQueries({ queryKey: adminKeys.quota() }),
  ]);
  const role = useMutation({ mutationFn: (p: { id: User["id"]; role: User["role"] }) => api.patch<User>(`/api/users/${p.id}/role`, { role: p.role }), onSuccess: refresh });
  const active = useMutation({ mutationFn: (p: { id: User["id"]; active: boolean }) => api.patch<User>(`/api/users/${p.id}/active`, { is_active: p.active }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (id: User["id"]) => api.del(`/api/users/${id}`), onSuccess: refresh });
  return { role, active, remove };
}

// Remote workers: progress and last-seen times stay current while the page is open.
const WORKERS_POLL_MS = 3000;

export function useWorkers() {
  return useQuery({
    queryKey: adminKeys.workers(),
    queryFn: () => api.get<RemoteWorker[]>("/api/admin/workers"),
    refetchInterval: WORKERS_POLL_MS,
  });
}

export function useCreateWorker() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<NewWorker>("/api/admin/workers", { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.workers() }),
  });
}

export function useRevokeWorker() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.del(`/api/admin/workers/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.workers() }),
  });
}
