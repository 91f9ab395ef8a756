"""Where Clipset keeps its data, per platform (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "Clipset"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class DataDir:
    """The layout inside a data dir; creating it is explicit, never at import."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.database = self.root / "clipset.db"
        self.secret_key = self.root / "secret.key"
        self.config = self.root / "config.toml"
        self.logs = self.root / "logs"
        self.media = self.root / "media"
        self.uploads = self.media / "uploads"
        self.originals = self.media / "originals"
        self.videos = self.media / "videos"
        self.thumbnails = self.media / "thumbnails"
        self.previews = self.media / "previews"  # seek previews: sprite sheets, their index
        self.stand_ins = self.media / "stand-ins"  # originals' copies playing while processing
        self.tmp = self.media / "tmp"
        self.unclaimed = self.media / "unclaimed"  # files no row refers to; made when needed

    # Where a video's files live, by its storage key.
    def upload_file(self, upload_id: str) -> Path:
        return self.uploads / upload_id

    def original_file(self, storage_key: str) -> Path:
        return self.originals / storage_key

    def video_file(self, storage_key: str) -> Path:
        return self.videos / f"{storage_key}.mp4"

    def thumbnail_file(self, storage_key: str) -> Path:
        return self.thumbnails / f"{storage_key}.jpg"

    def sprite_file(self, storage_key: str) -> Path:
        return self.previews / f"{storage_key}.jpg"

    def preview_index_file(self, storage_key: str) -> Path:
        return self.previews / f"{storage_key}.vtt"

    def stand_in_file(self, storage_key: str) -> Path:
        return self.stand_ins / f"{storage_key}.mp4"

    def thumbnail_variant(self, storage_key: str, width: int) -> Path:
        return self.thumbnails / f"{storage_key}.{width}.webp"

    def filmstrip_file(self, upload_id: str) -> Path:
        # A cache, made again when missing: it lives with the temporary files.
        return self.tmp / f"{upload_id}.filmstrip.jpg"

    def video_filmstrip_file(self, storage_key: str) -> Path:
        # A posted video's strip for its editor: a cache too, dropped when the file changes.
        return self.tmp / f"{storage_key}.strip.jpg"

    def create(self) -> "DataDir":
        for folder in (
            self.root,
            self.logs,
            self.uploads,
            self.originals,
            self.videos,
            self.thumbnails,
            self.previews,
            self.stand_ins,
            self.tmp,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        return self
