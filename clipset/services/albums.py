"""Albums: ordered collections of videos with members (viewers and contributors).

Who may do what is ``album_access``'s; this module owns the limits and the writes.
Albums someone may not see answer 404 (never 403), like videos, so ids don't leak;
members who may see an album but not change it get 403.
"""

from __future__ import annotations

from peewee import fn

from ..errors import Forbidden, NotFound, ValidationFailed
from ..store.db import immediate
from ..store.models import ALBUM_ROLES, Album, AlbumMember, AlbumVideo, User, Video, now
from ..store.models import is_public_id as is_album_id
from ..store.pagination import paginate
from .album_access import (
    album_role,
    albums_of,
    can_contribute,
    can_manage_album,
    can_view_album,
)
from .catalog import find, with_uploader
from .videos import clean_description, clean_title
from .visibility import can_manage, can_view, viewable

ALBUM_MAX_VIDEOS = 1000
BULK_MAX = 100  # videos added or reordered in one request
MEMBERS_MAX = 100


def album_not_found() -> NotFound:
    return NotFound("No such album.", error_code="album_not_found")


class Albums:
    # -- reading ----------------------------------------------------------------------
    def find(self, user: User, album_id: str) -> Album:
        """The album if the caller may see it; else 404."""
        album = Album.get_or_none(Album.id == album_id) if is_album_id(album_id) else None
        if album is None or not can_view_album(user, album):
            raise album_not_found()
        return album

    def get(self, user: User, album_id: str) -> dict:
        return self.describe(user, self.find(user, album_id))

    def describe(self, user: User, album: Album) -> dict:
        visible = self._visible_entries(user, album)
        cover = None  # first() limits the query it is called on: on copies
        if album.cover_video_id is not None:
            cover = visible.where(Video.id == album.cover_video_id).first()
        if cover is None:
            cover = visible.limit(1).first()
        return {
            "id": album.id,
            "title": album.title,
            "description": album.description,
            "owner": User.get_by_id(album.owner_id),
            "role": album_role(user, album),
            "video_count": visible.count(),
            "member_count": AlbumMember.select().where(AlbumMember.album == album.id).count(),
            "cover_video_id": cover.public_id if cover is not None else None,
            "created_at": album.created_at,
            "updated_at": album.updated_at,
        }

    def mine(self, user: User) -> list[dict]:
        """Albums the caller owns or is a member of, most recently changed first."""
        albums = Album.select().where(Album.id.in_(albums_of(user.id)))
        return [self.describe(user, a) for a in albums.order_by(Album.updated_at.desc())]

    def _visible_entries(self, user: User, album: Album):
        return (
            with_uploader(user)
            .join(AlbumVideo, on=(AlbumVideo.video == Video.id))
            .where(AlbumVideo.album == album.id, viewable(user))
            .order_by(AlbumVideo.position, AlbumVideo.added_at)
        )

    def videos(self, user: User, album_id: str, page: int, page_size: int) -> dict:
        """The album's videos the caller may see, in the album's order."""
        return paginate(self._visible_entries(user, self.find(user, album_id)), page, page_size)

    # -- the album itself -------------------------------------------------------------
    def create(self, user: User, title: str, description: str = "") -> dict:
        album = Album.create(
            owner=user.id, title=clean_title(title), description=clean_description(description)
        )
        return self.describe(user, album)

    def update(
        self,
        user: User,
        album_id: str,
        title: str | None = None,
        description: str | None = None,
        cover_video_id: str | None = None,
        clear_cover: bool = False,
    ) -> dict:
        with immediate():
            album = self._managed(user, album_id)
            if title is not None:
                album.title = clean_title(title)
            if description is not None:
                album.description = clean_description(description)
            if clear_cover:
                album.cover_video = None
            elif cover_video_id is not None:
                video = find(cover_video_id)
                in_album = video is not None and (
                    AlbumVideo.select()
                    .where(AlbumVideo.album == album.id, AlbumVideo.video == video.id)
                    .exists()
                )
                if not in_album or not can_view(user, video):
                    raise ValidationFailed(
                        "cover_video_id: choose one of the album's videos",
                        field="cover_video_id",
                        error_code="cover_not_in_album",
                    )
                album.cover_video = video.id
            album.updated_at = now()
            album.save()
        return self.describe(user, album)

    def delete(self, user: User, album_id: str) -> None:
        with immediate():
            album = self._managed(user, album_id)
            # delete_nullable: its share links go with it (peewee would null their key).
            album.delete_instance(recursive=True, delete_nullable=True)

    def _managed(self, user: User, album_id: str) -> Album:
        album = self.find(user, album_id)
        if not can_manage_album(user, album):
            raise Forbidden(
                "Only the album's owner or an admin can change it.",
                error_code="not_album_owner",
            )
        return album

    # -- videos in it -----------------------------------------------------------------
    def add_videos(self, user: User, album_id: str, video_ids: list[str]) -> dict:
        """Add videos at the end, in the order given; all or none. The owner adds any
        video they can see, a contributor only their own; ones already there stay put."""
        ids = list(dict.fromkeys(video_ids))
        with immediate():
            album = self.find(user, album_id)
            if not 1 <= len(ids) <= BULK_MAX:
                raise ValidationFailed(
                    f"video_ids: give 1 to {BULK_MAX} videos at a time", field="video_ids"
                )
            if not can_contribute(user, album):
                raise Forbidden(
                    "Viewers can watch this album but not add to it.",
                    error_code="album_read_only",
                )
            manager = can_manage_album(user, album)
            videos = [self._addable(user, video_id, manager) for video_id in ids]
            present = {
                v
                for (v,) in AlbumVideo.select(AlbumVideo.video)
                .where(AlbumVideo.album == album.id)
                .tuples()
            }
            new = [v for v in videos if v.id not in present]
            if len(present) + len(new) > ALBUM_MAX_VIDEOS:
                raise ValidationFailed(
                    f"video_ids: an album holds at most {ALBUM_MAX_VIDEOS} videos",
                    field="video_ids",
                    error_code="album_full",
                )
            last = (
                AlbumVideo.select(fn.MAX(AlbumVideo.position))
                .where(AlbumVideo.album == album.id)
                .scalar()
            )
            start = -1 if last is None else last
            for offset, video in enumerate(new, start=1):
                AlbumVideo.create(
                    album=album.id, video=video.id, added_by=user.id, position=start + offset
                )
            Album.update(updated_at=now()).where(Album.id == album.id).execute()
        return self.describe(user, album)

    def _addable(self, user: User, video_id: str, manager: bool) -> Video:
        video = find(video_id)
        if video is None or not can_view(user, video):
            raise NotFound(f"No such video: {video_id}.", error_code="video_not_found")
        if not manager and not can_manage(user, video):
            raise Forbidden("Contributors add their own videos only.", error_code="not_your_video")
        return video

    def remove_video(self, user: User, album_id: str, video_id: str) -> None:
        """The owner (or an admin) takes out any video; a contributor what they added."""
        with immediate():
            album = self.find(user, album_id)
            video = find(video_id)
            entry = None
            if video is not None:
                entry = AlbumVideo.get_or_none(
                    AlbumVideo.album == album.id, AlbumVideo.video == video.id
                )
            if entry is None:
                raise NotFound("That video is not in this album.", error_code="video_not_found")
            mine = entry.added_by_id == user.id or video.uploader_id == user.id
            if not (can_manage_album(user, album) or (can_contribute(user, album) and mine)):
                raise Forbidden(
                    "Only the album's owner can take out videos others added.",
                    error_code="not_album_owner",
                )
            entry.delete_instance()
            Album.update(updated_at=now()).where(Album.id == album.id).execute()

    def reorder(self, user: User, album_id: str, video_ids: list[str]) -> None:
        """Put the given videos in this order, in the places they hold between them, so
        videos the caller cannot see keep theirs."""
        with immediate():
            album = self._managed(user, album_id)
            if len(set(video_ids)) != len(video_ids):
                raise ValidationFailed("video_ids: each video once", field="video_ids")
            entries = {
                e.video.public_id: e
                for e in AlbumVideo.select(AlbumVideo, Video)
                .join(Video)
                .where(AlbumVideo.album == album.id)
            }
            missing = [v for v in video_ids if v not in entries]
            if missing:
                raise ValidationFailed(
                    f"video_ids: {missing[0]} is not in this album",
                    field="video_ids",
                    error_code="video_not_in_album",
                )
            slots = sorted(entries[v].position for v in video_ids)
            for video_id, position in zip(video_ids, slots):
                entry = entries[video_id]
                if entry.position != position:
                    AlbumVideo.update(position=position).where(
                        AlbumVideo.album == album.id, AlbumVideo.video == entry.video_id
                    ).execute()
            Album.update(updated_at=now()).where(Album.id == album.id).execute()

    # -- members ----------------------------------------------------------------------
    def members(self, user: User, album_id: str) -> list[AlbumMember]:
        album = self.find(user, album_id)
        return list(
            AlbumMember.select(AlbumMember, User)
            .join(User)
            .where(AlbumMember.album == album.id)
            .order_by(AlbumMember.created_at, User.username)
        )

    def set_member(self, user: User, album_id: str, user_id: int, role: str) -> AlbumMember:
        if role not in ALBUM_ROLES:
            raise ValidationFailed(f"role: choose one of {', '.join(ALBUM_ROLES)}", field="role")
        with immediate():
            album = self._managed(user, album_id)
            member = User.get_or_none(User.id == user_id)
            if member is None or not member.is_active:
                raise NotFound("No such user.", error_code="user_not_found")
            if member.id == album.owner_id:
                raise ValidationFailed(
                    "user_id: the owner is already in their album", error_code="owner_is_member"
                )
            entry = AlbumMember.get_or_none(
                AlbumMember.album == album.id, AlbumMember.user == member.id
            )
            if entry is None:
                count = AlbumMember.select().where(AlbumMember.album == album.id).count()
                if count >= MEMBERS_MAX:
                    raise ValidationFailed(
                        f"An album has at most {MEMBERS_MAX} members.",
                        error_code="too_many_members",
                    )
                entry = AlbumMember.create(album=album.id, user=member.id, role=role)
            elif entry.role != role:
                AlbumMember.update(role=role).where(
                    AlbumMember.album == album.id, AlbumMember.user == member.id
                ).execute()
                entry.role = role
            entry.user = member
            return entry

    def remove_member(self, user: User, album_id: str, user_id: int) -> None:
        """The owner or an admin removes a member; a member may leave."""
        with immediate():
            album = self.find(user, album_id)
            if user.id != user_id and not can_manage_album(user, album):
                raise Forbidden(
                    "Only the album's owner can remove members.", error_code="not_album_owner"
                )
            gone = (
                AlbumMember.delete()
                .where(AlbumMember.album == album.id, AlbumMember.user == user_id)
                .execute()
            )
            if not gone:
                raise NotFound("That user is not a member of this album.", error_code="not_member")
