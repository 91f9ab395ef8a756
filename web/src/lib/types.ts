// Shapes of the API contract (/api/openapi.json); field names are what the server sends.

export type Role = "admin" | "user";
export type Privacy = "public" | "unlisted" | "private";
export type ProcessingStatus = "pending" | "processing" | "completed" | "failed";
/** A video's public id: 11 URL-safe characters, never a number to count through. */
export type VideoId = string;

export interface User {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  is_active: boolean;
  created_at: string;
}

export interface UserRef {
  id: number;
  username: string;
}

export interface Session {
  access_token: string;
  token_type: "bearer";
  user: User;
}

export interface Video {
  id: VideoId;
  title: string;
  description: string;
  tags: string[];
  category_id: number | null;
  privacy: Privacy;
  is_featured: boolean;
  storage_key: string;
  processing_status: ProcessingStatus;
  error_message: string | null;
  transcode_mode: "transcode" | "remux" | null;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  file_size_bytes: number | null;
  view_count: number;
  like_count: number;
  comment_count: number;
  uploader: UserRef;
  created_at: string;
  recorded_at: string | null;
  processing_started_at: string | null;
  processing_finished_at: string | null;
  /** Whether I liked it. */
  liked: boolean;
}

export interface Comment {
  id: number;
  video_id: VideoId;
  author: UserRef;
  body: string;
  timestamp_seconds: number | null;
  created_at: string;
}

export interface Category {
  id: number;
  name: string;
  slug: string;
  description?: string | null;
}

export interface Invitation {
  id: number;
  email: string | null;
  token: string;
  link: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked: boolean;
  status?: "pending" | "used" | "expired" | "revoked";
}

export interface InvitationCheck {
  valid: boolean;
  email: string | null;
  expires_at: string;
}

export interface Page<T> {
  items: T[];
  total_count: number;
  page: number;
  page_size: number;
  total_pages: number;
  has_more: boolean;
}

export interface CursorPage<T> {
  items: T[];
  next_cursor: string | null;
}

export interface SignedUrl {
  url: string;
  expires_at: string;
}

export interface UploadTicket {
  upload_id: string | number;
  upload_url: string;
  expires_at: string;
}

export interface Draft {
  id: number;
  upload_id?: string | number;
  title: string;
  description: string;
  tags: string[];
  category_id: number | null;
  privacy: Privacy;
  trim_start: number | null;
  trim_end: number | null;
  cover_time: number | null;
}

export interface LikeState {
  like_count: number;
  liked: boolean;
}

export interface Quota {
  used_bytes: number;
  limit_bytes: number;
  remaining_bytes: number;
  resets_at: string;
  max_tags: number;
}
