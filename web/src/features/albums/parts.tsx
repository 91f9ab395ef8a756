// Small pieces the album screens share: a cover image and the words for roles.
import { useThumbnailUrl } from "@/lib/queries";
import type { Album } from "@/lib/types";

export const ROLE_WORDS: Record<Album["role"], string> = { owner: "Yours", admin: "Admin", contributor: "You contribute", viewer: "Shared with you" };

export function Cover({ album }: { album: Album }) {
  const thumb = useThumbnailUrl(album.cover_video_id ?? "", album.cover_video_id != null);
  return (
    <div className="aspect-video overflow-hidden rounded-xl bg-zinc-200 dark:bg-zinc-800">
      {thumb.data && <img src={thumb.data.url} alt="" loading="lazy" className="h-full w-full object-cover" />}
    </div>
  );
}
