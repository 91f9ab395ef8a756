"""Business rules. Nothing here imports Flask; the API layer calls these objects."""

from __future__ import annotations

import datetime as dt
import logging

from ..security.tokens import TokenIssuer, UrlSigner
from ..settings import Settings
from ..store import db
from ..store.db import database
from ..store.dirs import DataDir
from ..store.models import Upload, Video
from ..store.notify import alone
from . import storage
from .accounts import Accounts
from .albums import Albums
from .backups import Backups
from .bucket import Bucket
from .captions import Captions
from .catalog import Catalog
from .categories import Categories
from .config import RuntimeConfig
from .deliveries import Deliveries
from .drafts import Drafts
from .edits import Edits
from .feed import Feed
from .filmstrips import Filmstrips
from .host import Host, HostHooks
from .hub import Hub
from .insights import Insights
from .invitations import Invitations
from .jobs import Jobs
from .leases import Leases
from .media_files import MediaFiles
from .media_urls import MediaUrls
from .relay import Relay
from .saved import Saved
from .schedules import Schedules
from .share_guests import ShareGuests
from .shares import Shares
from .social import Social
from .stand_ins import StandIns
from .stats import Stats
from .uploads import Uploads
from .users import Users
from .videos import Videos
from .workers import Workers

log = logging.getLogger(__name__)


class Services:
    """Every service, wired once per app; later features add theirs here."""

    def __init__(self, settings: Settings, data: DataDir, keys: list[bytes], host: HostHooks):
        self.settings = settings
        self.data = data
        self.keys = keys
        self.events = Hub()
        # Several instances on one PostgreSQL database hear each other's events.
        self.relay = Relay(self.events) if db.is_postgres() else None
        self.config = RuntimeConfig(settings)
        self.bucket = Bucket.from_settings(settings)
        self.files = MediaFiles(data, self.bucket)
        self.tokens = TokenIssuer(keys, dt.timedelta(hours=settings.token_ttl_hours))
        self.accounts = Accounts(settings, self.tokens, host.is_this_machine)
        self.users = Users(self.files)
        self.invitations = Invitations(settings)
        self.categories = Categories()
        self.social = Social(self.events)
        self.host = Host(settings, host)
        self.media_urls = MediaUrls(keys, settings.media_url_ttl_seconds, self.files)
        self.catalog = Catalog(self.files, self.media_urls)
        self.captions = Captions(self.media_urls, self.catalog)
        self.feed = Feed()
        self.videos = Videos(self.files, self.events)
        self.edits = Edits(settings, self.files, self.media_urls, self.events)
        self.albums = Albums()
        self.saved = Saved()
        self.shares = Shares(self.albums)
        self.guests = ShareGuests(settings, self.files, keys, self.media_urls)
        self.uploads = Uploads(settings, data, self.config, UrlSigner(keys, "upload"))
        self.stand_ins = StandIns(data, self.media_urls, self.events)
        self.jobs = Jobs(settings, self.files, self.config, self.events, self.stand_ins)
        self.leases = Leases(settings, self.jobs)
        self.deliveries = Deliveries(settings, data, keys, self.files, self.leases)
        self.workers = Workers(settings, data, keys, self.leases, self.deliveries)
        if self.relay is not None:  # jobs and trims name their instance (notify.gone)
            self.jobs.instance = self.edits.instance = self.relay.instance_id
        # An admin's new worker count resizes the running pool at once.
        self.config.on_change(lambda values: self.jobs.resize(values["worker_count"]))
        self.stats = Stats(data, settings.disk_margin_bytes, self.jobs, settings.video_encoder)
        self.insights = Insights(data, self.config, self.jobs)
        self.drafts = Drafts(settings, data, self.config, self.uploads, self.jobs.wake)
        self.filmstrips = Filmstrips(data, UrlSigner(keys, "filmstrip"), self.drafts)
        self.backups = Backups(data, self.config)
        self.schedules = Schedules(self.uploads, self.backups, self.files.deletes)

    def start(self) -> None:
        """Recover what a dead process left half-done, then start background work (job
        workers, which recover their own jobs, and schedules). On PostgreSQL only an
        instance that starts alone recovers everything: beside a running one, "half-done"
        may be that one's work in progress, so only the trims (and through the pool's
        claims, the jobs) of instances that have stopped are recovered."""
        with database.connection_context():
            recover = alone()
        if not recover:
            log.info("another instance is running: start-up recovery left to it")
        if self.relay is not None:
            self.relay.start()
            self.relay.listening.wait(5)  # present before the next instance looks
        try:
            with database.connection_context():
                if recover:
                    self._recover()
                else:  # stopped instances' jobs: by the pool's claims (Jobs.recover_stopped)
                    self.edits.recover_stopped()
        except Exception as exc:
            if not storage.is_disk_full(exc):
                if self.relay is not None:
                    self.relay.stop()
                raise
            # Left for the next start; serving what is there matters more.
            log.warning("disk full: start-up recovery skipped (%s)", exc)
        self.schedules.start()
        self.jobs.start(recover=recover)

    def _recover(self) -> None:
        self.uploads.recover()
        if self.edits.recover():
            log.warning("trims a stopped process left running are marked failed")
        storage.set_aside_orphans(
            self.data,
            {key for (key,) in Video.select(Video.storage_key).tuples()},
            {upload_id for (upload_id,) in Upload.select(Upload.id).tuples()},
        )

    def stop(self) -> None:
        """Stop background work; running jobs are requeued, not lost."""
        self.jobs.stop()
        self.edits.stop()
        self.schedules.stop()
        if self.relay is not None:
            self.relay.stop()
        db.release()  # the WAL is checkpointed when the last connection closes
