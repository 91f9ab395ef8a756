// Shapes of the API contract, generated from the server's OpenAPI document at build time
// (scripts/openapi-types.mjs writes schema.gen.ts); names here are the app's words for them.
import type { components, paths } from "./schema.gen";

type Schemas = components["schemas"];
type Method = "get" | "post" | "patch" | "put" | "delete";

/** The JSON a successful `method` of `path` answers (200, or 201 for a creation). */
export type Answer<P extends keyof paths, M extends Method = "get"> =
  NonNullable<paths[P][M]> extends { responses: infer R }
    ? R extends { 200: { content: { "application/json": infer T } } } ? T
      : R extends { 201: { content: { "application/json": infer T } } } ? T
        : never
    : never;

export type User = Schemas["UserOut"];
export type Role = User["role"];
export type UserRef = Schemas["UserRef"];
export type Session = Answer<"/api/auth/login", "post">;

export type Video = Schemas["VideoOut"];
/** A video's public id: 11 URL-safe characters, never a number to count through. */
export type VideoId = Video["id"];
export type Privacy = Video["privacy"];
export type ProcessingStatus = Video["processing_status"];
export type LikeState = Answer<"/api/videos/{video_id}/like", "post">;
export type SignedUrl = Answer<"/api/videos/stream/{video_id}">;
export type Quota = Answer<"/api/videos/quota">;

export type Album = Schemas["AlbumOut"];
export type AlbumMember = Schemas["MemberOut"];
export type AlbumRole = AlbumMember["role"];
export type SavedState = Answer<"/api/videos/{video_id}/later", "put">;

export type Comment = Schemas["CommentOut"];
export type Category = Schemas["CategoryOut"];
export type Invitation = Schemas["InvitationOut"];
export type InvitationCheck = Answer<"/api/invitations/validate/{token}">;

export type UploadTicket = Answer<"/api/videos/upload-url", "post">;
export type Draft = Schemas["DraftOut"];

/** A numbered page of a list, whatever its items. */
export type Page<T> = Omit<Answer<"/api/videos">, "items"> & { items: T[] };
/** A page of the feed's cursor list. */
export type CursorPage<T> = Omit<Answer<"/api/videos/feed">, "items"> & { items: T[] };

export type Chapter = Video["chapters"][number];
export type Caption = Schemas["CaptionOut"];
export type Previews = Answer<"/api/videos/{video_id}/previews">;
export type StandIn = Answer<"/api/videos/{video_id}/stand-in">;
