// Shapes of the admin endpoints (GET /api/openapi.json, tag admin).
import type { Category, Page, ProcessingStatus, UserRef, VideoId } from "@/lib/types";

export interface Stats {
  users: { total: number; active: number; admins: number };
  videos: { total: number; by_status: Record<ProcessingStatus, number> };
  bytes_stored: number;
  disk_free_bytes: number;
  disk_total_bytes: number;
  queue_length: number;
  disk: DiskState;
}

export interface DiskState {
  state: "ok" | "low" | "full";
  detail: string | null;
  free_bytes: number;
  total_bytes: number;
  reserved_bytes: number;
  margin_bytes: number;
  processing_waits: boolean;
  read_only: boolean;
}

export interface BackupStatus {
  backup_dir: string | null;
  interval_hours: number;
  keep: number;
  running: boolean;
  last_success_at: string | null;
  last_path: string | null;
  last_bytes: number | null;
  last_copied_bytes: number | null;
  last_failure_at: string | null;
  last_error: string | null;
  next_at: string | null;
}

export interface Week {
  week_start: string;
  uploads: number;
  upload_bytes: number;
  stored_bytes_total: number;
  new_users: number;
}

export interface History {
  weeks: Week[];
  forecast: { bytes_per_day: number; disk_free_bytes: number; days_until_full: number | null; full_at: string | null };
}

export interface QuotaUsage { user: UserRef; used_bytes: number; limit_bytes: number; percent: number }
export type QuotaPage = Page<QuotaUsage> & { week_start: string; resets_at: string };

export type ActivityType = "user.registered" | "video.uploaded" | "video.processed" | "video.failed" | "comment.posted" | "invitation.created" | "invitation.used";
export interface ActivityItem { type: ActivityType; at: string; actor: UserRef | null; video: { id: VideoId; title: string } | null; detail: string | null }

export interface QueuedVideo {
  id: VideoId;
  title: string;
  uploader: UserRef;
  processing_status: ProcessingStatus;
  progress: number;
  attempts: number;
  error_message: string | null;
  transcode_mode: "transcode" | "remux" | null;
  created_at: string;
  processing_started_at: string | null;
  processing_finished_at: string | null;
  source_size_bytes: number;
}

export interface Queue {
  pending: QueuedVideo[];
  pending_total: number;
  processing: QueuedVideo[];
  failed: QueuedVideo[];
  recent: QueuedVideo[];
  paused: boolean;
}

export interface Config {
  max_file_size_bytes: number;
  weekly_upload_limit_bytes: number;
  accepted_formats: string[];
  worker_count: number;
  keep_originals: boolean;
  backup_dir?: string | null;
  backup_interval_hours?: number;
  backup_keep?: number;
}

export interface Lan { lan_url: string; qr_svg: string }

export type AdminCategory = Category & { video_count: number; created_at: string };
export interface HostControls { on_this_computer: boolean; start_at_login: boolean | null; can_stop: boolean }
