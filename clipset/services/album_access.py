"""Who may see and change an album, and which private videos an album shares.

One place for the album rules, so every path (the API, media URLs, live events and a
later album share link) asks the same questions:

- an album is seen by its owner, its members (viewers and contributors) and admins;
- it is changed (title, order, members) by its owner and admins; contributors add
  their own videos and take back what they added;
- a private video is shared with an album's owner and members when its uploader put it
  within their reach: the uploader owns the album or contributes to it;
- a guest holding the album's share link sees what a viewer would, and nothing else.
"""

from __future__ import annotations

from peewee import fn

from ..store.models import Album, AlbumMember, AlbumVideo, User, Video

OWNER, ADMIN, CONTRIBUTOR, VIEWER = "owner", "admin", "contributor", "viewer"


def album_role(user: User | None, album: Album) -> str | None:
    """The caller's standing in the album: owner, admin, contributor, viewer or None."""
    if user is None or not user.is_active:
        return None
    if album.owner_id == user.id:
        return OWNER
    member = AlbumMember.get_or_none(AlbumMember.album == album.id, AlbumMember.user == user.id)
    if member is not None:
        return member.role
    return ADMIN if user.is_admin else None


def can_view_album(user: User | None, album: Album) -> bool:
    return album_role(user, album) is not None


def can_manage_album(user: User | None, album: Album) -> bool:
    return album_role(user, album) in (OWNER, ADMIN)


def can_contribute(user: User | None, album: Album) -> bool:
    return album_role(user, album) in (OWNER, ADMIN, CONTRIBUTOR)


def albums_of(user_id):
    """Ids of the albums a user owns or is a member of (a subquery)."""
    owned = Album.select(Album.id).where(Album.owner == user_id)
    joined = AlbumMember.select(AlbumMember.album).where(AlbumMember.user == user_id)
    return owned | joined


def sharing_albums(uploader_id):
    """Ids of the albums through which an uploader shares their private videos: those they
    own or contribute to (a subquery, usable with a column as ``uploader_id``)."""
    owned = Album.select(Album.id).where(Album.owner == uploader_id)
    contributed = AlbumMember.select(AlbumMember.album).where(
        (AlbumMember.user == uploader_id) & (AlbumMember.role == CONTRIBUTOR)
    )
    return owned | contributed


def shared_through_album(user: User, video: Video) -> bool:
    """Whether an album the user is in shares this (private) video with them."""
    return (
        AlbumVideo.select()
        .where(
            (AlbumVideo.video == video.id)
            & AlbumVideo.album.in_(albums_of(user.id))
            & AlbumVideo.album.in_(sharing_albums(video.uploader_id))
        )
        .exists()
    )


def shared_condition(user: User):
    """The SQL form of ``shared_through_album`` for lists of videos. Not correlated with
    the outer query (its own aliases), so SQLite works out the shared set once per query
    instead of once per row."""
    entry, album, video = AlbumVideo.alias("se"), Album.alias("sa"), Video.alias("sv")
    member = AlbumMember.alias("sm")
    contributes = member.select(member.album).where(
        (member.album == entry.album)
        & (member.user == video.uploader)
        & (member.role == CONTRIBUTOR)
    )
    shared = (
        entry.select(entry.video)
        .join(album, on=(entry.album == album.id))
        .join(video, on=(entry.video == video.id))
        .where(entry.album.in_(albums_of(user.id)))
        .where((album.owner == video.uploader) | fn.EXISTS(contributes))
    )
    return Video.id.in_(shared)


def guest_reach(album_id):
    """The album's videos a guest with its share link may watch (SQL on ``Video``): the
    finished ones a viewer of the album sees, private ones of its owner and contributors
    included (they shared the album on purpose). Asked again on every media request, so a
    video taken out of the album is out of the link's reach at once."""
    owner = Album.select(Album.owner).where(Album.id == album_id)
    contributors = AlbumMember.select(AlbumMember.user).where(
        (AlbumMember.album == album_id) & (AlbumMember.role == CONTRIBUTOR)
    )
    entries = AlbumVideo.select(AlbumVideo.video).where(AlbumVideo.album == album_id)
    return (
        Video.id.in_(entries)
        & (Video.processing_status == "completed")
        & (
            Video.privacy.in_(("public", "unlisted"))
            | Video.uploader.in_(owner)
            | Video.uploader.in_(contributors)
        )
    )
