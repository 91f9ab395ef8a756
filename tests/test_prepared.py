"""Prepared lookups (the range requests' row reads): the row as Peewee reads it, no more."""

from __future__ import annotations

from video_rows import db, make_video

from clipset.services.bearers import BEARER
from clipset.services.catalog import MEDIA_COLUMNS, MEDIA_VIDEO
from clipset.store.models import User, Video


def test_a_prepared_lookup_reads_the_selected_columns_as_peewee_does(app, user):
    video = make_video(app, user, size=1000)
    with db():
        found = MEDIA_VIDEO.first(video.public_id)
        fresh = Video.get_by_id(video.id)
        assert found.__data__ == {f.name: fresh.__data__[f.name] for f in MEDIA_COLUMNS}
        assert found.uploader_id == fresh.uploader_id
        assert not found.is_dirty()  # nothing to write back
        assert "title" not in found.__data__  # not read, and not made up either
        assert MEDIA_VIDEO.first("nosuchvideo1") is None
        owner = User.get_by_id(fresh.uploader_id)
        assert BEARER.first(owner.subject).token_version == owner.token_version
