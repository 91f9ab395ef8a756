"""``video.published``: a video entered the feed (finished processing while public, or made
public once finished). Every connection whose user may see it hears it, so feeds can say
"3 new videos" without asking; the uploader's own screens learn from ``video.ready``."""

from __future__ import annotations

from ..store.models import Video, iso_utc
from .hub import Hub
from .visibility import is_listed

PUBLISHED = "video.published"


def announce_published(events: Hub, video: Video) -> None:
    if not is_listed(video):
        return
    events.publish(
        PUBLISHED,
        {
            "video_id": video.public_id,
            "uploader_id": video.uploader_id,
            "created_at": iso_utc(video.created_at),
        },
        video_id=video.public_id,
        everyone=True,
    )
