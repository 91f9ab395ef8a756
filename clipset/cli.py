"""Command line: ``clipset`` (server, tray icon, browser), ``clipset serve`` (headless),
``clipset create-admin``, ``clipset doctor``, ``clipset backup``, ``clipset restore`` and
``clipset migrate-db``."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
import threading
import time
import webbrowser

from . import __version__
from .errors import ClipsetError, ConfigurationError

log = logging.getLogger("clipset")
FIRST_RUN_PATH = "/setup"  # the SPA's first-run page (creates the admin account)


def _options(parser, net: bool = True, server: bool = True, keep_defaults: bool = False):
    # Options are also given to the top-level parser (bare `clipset`); on subcommands they
    # default to SUPPRESS so they don't overwrite what was given before the subcommand.
    d = {} if keep_defaults else {"default": argparse.SUPPRESS}
    parser.add_argument("--data-dir", help="folder for the database, media and logs", **d)
    if net:
        parser.add_argument("--host", help="interface to listen on (default 0.0.0.0)", **d)
        parser.add_argument("--port", type=int, help="port to listen on (default 8420)", **d)
    if server:
        browser = parser.add_mutually_exclusive_group()
        browser.add_argument(
            "--open",
            action="store_true",
            help="open the browser (it opens by itself only on the first run)",
            **d,
        )
        browser.add_argument(
            "--no-browser", action="store_true", help="never open the browser", **d
        )
        parser.add_argument("--no-tray", action="store_true", help="run without a tray icon", **d)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clipset", description="Private video sharing for a household or small team."
    )
    parser.add_argument("--version", action="version", version=f"Clipset {__version__}")
    _options(parser, keep_defaults=True)
    sub = parser.add_subparsers(dest="command")
    _options(sub.add_parser("run", help="server, tray icon and browser (default)"))
    _options(sub.add_parser("serve", help="headless server"))
    _options(
        sub.add_parser("doctor", help="check this installation and print a report"), server=False
    )
    backup = sub.add_parser(
        "backup",
        help="back up the data dir into a folder (while "
        "Clipset runs, too); unchanged media are hard-linked from the "
        "previous backup there",
    )
    _options(backup, net=False, server=False)
    backup.add_argument("dest", help="backup folder (must exist), e.g. on another disk")
    restore = sub.add_parser("restore", help="put a backup back into an empty data dir")
    _options(restore, net=False, server=False)
    restore.add_argument("src", help="a backup, or a backup folder (its newest backup)")
    move = sub.add_parser(
        "migrate-db",
        help="copy the data dir's SQLite database into an empty PostgreSQL database, "
        "verified table by table (then set database_url to it)",
    )
    _options(move, net=False, server=False)
    move.add_argument("--to", required=True, help="postgresql://user:password@host:port/name")
    media = sub.add_parser(
        "migrate-media",
        help="move the processed videos in the data dir into the bucket of media_store, "
        "checked file by file, while Clipset runs (run again to go on after a stop)",
    )
    _options(media, net=False, server=False)
    media.add_argument("--to", required=True, help="s3://bucket/prefix, as media_store says")
    deletes = sub.add_parser(
        "bucket-deletes",
        help="list by bucket the objects deletes left behind; retry or forget those of a "
        "bucket media_store no longer names (while Clipset runs, too)",
    )
    _options(deletes, net=False, server=False)
    act = deletes.add_mutually_exclusive_group()
    act.add_argument(
        "--retry", metavar="URL", help="remove that bucket's objects now (with the s3_* settings)"
    )
    act.add_argument(
        "--forget", metavar="URL", help="drop that bucket's list (its objects went by hand)"
    )
    admin = sub.add_parser("create-admin", help="create an admin account")
    _options(admin, net=False, server=False)
    admin.add_argument("username")
    admin.add_argument("--email")
    admin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    worker = sub.add_parser(
        "worker", help="lend this computer to a Clipset server's transcoding (no database)"
    )
    worker.add_argument("--server", required=True, help="the server's address, http://host:8420")
    worker.add_argument("--token", required=True, help="a worker token from the admin area")
    worker.add_argument(
        "--encoder", default="auto", help="H.264 encoder: auto (hardware if it works), libx264..."
    )
    # Bare `clipset` behaves like `clipset run`.
    parser.set_defaults(command="run")
    return parser


def _overrides(args: argparse.Namespace) -> dict:
    values = {
        "data_dir": args.data_dir,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
    }
    if getattr(args, "no_tray", False) or args.command == "serve":
        values["tray"] = False
    return values


def display_available(platform: str = sys.platform, environ=os.environ) -> bool:
    if platform in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def browser_path(args, first_run: bool, open_setting: bool) -> str | None:
    """Where to open the browser on start, if at all: always on the first run (to create
    the admin account), later only when asked."""
    if args.command == "serve" or args.no_browser:
        return None
    if first_run:
        return FIRST_RUN_PATH
    return "/" if args.open or open_setting else None


def _open_later(url: str) -> None:
    threading.Timer(0.5, webbrowser.open, args=(url,)).start()


def _hand_over(args, lock) -> int:
    """Another Clipset already runs on this data dir: point the user (or browser) at it."""
    running = lock.read()
    for _ in range(50):  # it may not have bound its port yet
        if running is None or running.url:
            break
        time.sleep(0.1)
        running = lock.read()
    if running is None:
        print("clipset: another Clipset was starting and has gone; try again.", file=sys.stderr)
        return 1
    message = f"Clipset is already running (pid {running.pid}) at {running.url}"
    if args.command == "serve":
        print(f"clipset: {message}; stop it first or use another --data-dir.", file=sys.stderr)
        return 1
    log.info("%s; opening the browser on it", message)
    if not args.no_browser:
        webbrowser.open(running.url)
    return 0


def _port_busy(settings, exc: OSError) -> int:
    from .desktop.instance import suggest_port

    free = suggest_port(settings.host, settings.port)
    hint = (
        f" Start it on a free port: clipset --port {free}"
        if free
        else " Choose another port with --port."
    )
    print(
        f"clipset: cannot listen on port {settings.port}: {exc.strerror or exc}. Another "
        f"program is using it.{hint} (or set CLIPSET_PORT / port in config.toml).",
        file=sys.stderr,
    )
    return 1


def _launch(args, settings) -> int:
    from .app import create_app
    from .desktop.instance import InstanceLock
    from .ops import logs
    from .serve.server import Server
    from .store.db import database
    from .store.dirs import DataDir

    folder = DataDir(settings.data_dir).logs
    lock = InstanceLock(settings.data_dir)
    if lock.acquire() is None:
        logs.setup(folder, settings.log_level)
    elif args.command == "serve" and settings.database_url:
        # One more instance on a shared data dir (PostgreSQL): its own log file.
        logs.setup(folder, settings.log_level, logs.instance_name(settings.port))
        log.info("another instance holds %s: serving beside it", lock.path.name)
    else:
        logs.setup(folder, settings.log_level)
        return _hand_over(args, lock)
    try:
        app = create_app(settings)
        try:
            server = Server(app)
        except OSError as exc:
            return _port_busy(settings, exc)
        lock.publish(server.port, server.url)
        with database.connection_context():
            first_run = server.services.accounts.needs_setup()
        if first_run:
            log.info(
                "First run: create the admin account in a browser on this computer, "
                "or from another device with the setup code %s",
                server.services.accounts.setup_code,
            )
        path = browser_path(args, first_run, settings.open_browser)
        if path is not None:
            _open_later(server.url + path)

        tray = _make_tray(server) if args.command == "run" else None
        if tray is None:
            server.serve_forever()
            return 0
        quitting = []

        def quit_once(*_):
            # Once: a second Ctrl+C arrives while the first quit is stopping the server on
            # this same thread, and quitting again there would wait on itself.
            if not quitting:
                quitting.append(True)
                tray.quit()

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, quit_once)
        server.services.host.stop_with(quit_once)  # "Stop Clipset" in the web app
        server.start()
        try:
            tray.icon.run()
        finally:
            tray.stop_server()
        return 0
    finally:
        lock.release()


def _make_tray(server):
    if not server.services.settings.tray:
        log.info("Tray icon turned off (--no-tray): running headless")
        return None
    if not display_available():
        log.info("No display found: running headless, without a tray icon")
        return None
    from .desktop.tray import TrayApp

    tray = TrayApp(server)
    try:
        tray.make_icon()
    except Exception as exc:  # no usable tray backend (e.g. no X server despite DISPLAY)
        log.warning("No tray icon (%s): running headless", exc)
        return None
    return tray


def _create_admin(args) -> int:
    from .app import create_app

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("clipset: the passwords differ", file=sys.stderr)
            return 1
    app = create_app(_overrides(args))
    from .store.db import database

    with database.connection_context():
        user = app.extensions["clipset"].accounts.create_user(
            args.username, password, args.email, role="admin"
        )
    print(f"Created admin {user.username}.")
    return 0


def _backup_or_restore(args, settings) -> int:
    from .desktop.instance import InstanceLock
    from .services import snapshots
    from .services.storage import size_text
    from .store.dirs import DataDir

    if settings.database_url:  # the SQLite file in the data dir is not the database then
        raise ClipsetError(snapshots.NOT_ON_POSTGRESQL, error_code="not_on_postgresql")
    data = DataDir(settings.data_dir)
    if args.command == "backup":
        made = snapshots.create(data, args.dest)
        print(
            f"Backed up {data.root} to {made['path']}: {made['file_count']} files, "
            f"{size_text(made['bytes'])} ({size_text(made['copied_bytes'])} "
            f"copied, {made['linked_files']} unchanged files linked), verified."
        )
        if made["missing"]:
            print(
                f"{len(made['missing'])} file(s) were deleted while backing up and are not in it."
            )
        return 0
    done = snapshots.restore(args.src, data, InstanceLock(data.root).read)
    print(
        f"Restored {done['path']} ({done['created_at']}, {done['file_count']} files, "
        f"checksums verified) into {data.root}. Start Clipset on it."
    )
    return 0


def _migrate_db(args, settings) -> int:
    from .store import transfer
    from .store.db import is_postgres_url, redact
    from .store.dirs import DataDir

    if not is_postgres_url(args.to):
        raise ConfigurationError("--to: give a postgresql://user:password@host:port/name URL")
    done = transfer.copy(DataDir(settings.data_dir).database, args.to)
    for name, table in done["tables"].items():
        print(f"{name}: {table['rows']} rows, sha256 {table['sha256'][:16]}")
    print(
        f"Copied into {redact(args.to)}; every table's rows and checksum match. Set "
        f"database_url to it (CLIPSET_DATABASE_URL or config.toml) and restart Clipset."
    )
    return 0


def _migrate_media(args, settings) -> int:
    from .app import create_app
    from .services.bucket import Bucket
    from .services.storage import size_text
    from .store.db import database

    if settings.media_store != args.to.rstrip("/"):
        raise ConfigurationError(
            f"--to: set media_store to {args.to} first (CLIPSET_MEDIA_STORE or config.toml) "
            "and restart Clipset, so that new videos go there and moved ones keep playing; "
            "then run this again"
        )
    services = create_app(settings).extensions["clipset"]
    with database.connection_context():
        moved = services.files.migrate(Bucket.from_settings(settings), print)
    print(
        f"Moved {moved['videos']} videos ({moved['files']} files, {size_text(moved['bytes'])}) "
        f"into {args.to}; each file checked by the store."
    )
    return 0


def _bucket_deletes(args, settings) -> int:
    from .app import create_app
    from .services import bucket_deletes
    from .services.bucket import Bucket
    from .settings.values import bucket_url
    from .store.db import database

    try:
        url = bucket_url(args.retry or args.forget or "")
    except ValueError as exc:
        raise ConfigurationError(f"--{'retry' if args.retry else 'forget'}: {exc}") from None
    create_app(settings)  # binds the database
    with database.connection_context():
        if args.forget:
            print(f"Forgot {bucket_deletes.drop(url)} pending delete(s) of {url}.")
            return 0
        if args.retry:
            went = bucket_deletes.BucketDeletes(Bucket.from_settings(settings, url)).retry_all()
            print(f"Removed {went} object(s) from {url}.")
        listed = bucket_deletes.by_bucket()
    for bucket, count, error in listed:
        when = (
            f"tried again every {bucket_deletes.RETRY_MINUTES} minutes while Clipset runs"
            if bucket == settings.media_store
            else "not media_store: --retry it, or --forget it once emptied by hand"
        )
        print(f"{bucket}: {count} object(s) still to remove, {when} (the store said: {error})")
    if not listed:
        print("No bucket deletes pending.")
    return 1 if args.retry and any(b == url for b, _, _ in listed) else 0


def _worker(args) -> int:
    import logging
    import signal
    import threading

    from .remote import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    return run(args.server, args.token, encoder=args.encoder.strip().lower(), stop=stop)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from . import settings as settings_mod

        if args.command == "create-admin":
            return _create_admin(args)
        if args.command == "worker":
            return _worker(args)
        settings = settings_mod.load(_overrides(args))
        if args.command in ("backup", "restore"):
            return _backup_or_restore(args, settings)
        if args.command == "migrate-db":
            return _migrate_db(args, settings)
        if args.command == "migrate-media":
            return _migrate_media(args, settings)
        if args.command == "bucket-deletes":
            return _bucket_deletes(args, settings)
        if args.command == "doctor":
            from .ops.doctor import report

            print(report(settings))
            return 0
        return _launch(args, settings)
    except ConfigurationError as exc:
        print(f"clipset: {exc}", file=sys.stderr)
        return 2
    except ClipsetError as exc:
        print(f"clipset: {exc.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
