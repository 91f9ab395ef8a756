// Shapes of the admin endpoints, from the generated API types.
import type { Answer } from "@/lib/types";
import type { components } from "@/lib/schema.gen";

type Schemas = components["schemas"];

export type Stats = Answer<"/api/admin/stats">;
export type DiskState = Schemas["DiskOut"];
export type BackupStatus = Answer<"/api/admin/backups">;
export type Week = Schemas["WeekOut"];
export type History = Answer<"/api/admin/stats/history">;
export type QuotaPage = Answer<"/api/admin/quota">;
export type QuotaUsage = QuotaPage["items"][number];
export type ActivityItem = Schemas["ActivityItemOut"];
export type ActivityType = ActivityItem["type"];
export type QueuedVideo = Schemas["QueuedVideoOut"];
export type Queue = Answer<"/api/admin/queue">;
export type Config = Answer<"/api/admin/config">;
export type Lan = Answer<"/api/admin/lan">;
export type AdminCategory = Schemas["CategoryOut"];
export type HostControls = Answer<"/api/admin/host">;
export type RemoteWorker = Schemas["WorkerOut"];
export type NewWorker = Answer<"/api/admin/workers", "post">;
