"""Command line: ``clipset`` (desktop), ``clipset serve`` (headless), ``clipset create-admin``."""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
import threading
import webbrowser

from . import __version__
from .errors import ClipsetError, ConfigurationError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clipset", description="Private video sharing "
                                     "for a household or small team.")
    parser.add_argument("--version", action="version", version=f"Clipset {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="folder for the database, media and logs")
    server = argparse.ArgumentParser(add_help=False, parents=[common])
    server.add_argument("--host", help="interface to listen on (default 0.0.0.0)")
    server.add_argument("--port", type=int, help="port to listen on (default 8420)")
    server.add_argument("--no-browser", action="store_true", help="do not open the browser")
    server.add_argument("--no-tray", action="store_true", help="run without a tray icon")

    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", parents=[server], help="server, tray icon and browser (default)")
    sub.add_parser("serve", parents=[server], help="headless server")
    admin = sub.add_parser("create-admin", parents=[common], help="create an admin account")
    admin.add_argument("username")
    admin.add_argument("--email")
    admin.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input")
    # Bare `clipset` behaves like `clipset run`.
    parser.set_defaults(command="run", data_dir=None, host=None, port=None,
                        no_browser=False, no_tray=False)
    return parser


def _overrides(args: argparse.Namespace) -> dict:
    values = {"data_dir": args.data_dir, "host": getattr(args, "host", None),
              "port": getattr(args, "port", None)}
    if getattr(args, "no_browser", False) or args.command == "serve":
        values["open_browser"] = False
    if getattr(args, "no_tray", False) or args.command == "serve":
        values["tray"] = False
    return values


def _serve(app, settings) -> int:
    from .server import Server

    try:
        server = Server(app)
    except OSError as exc:
        print(f"clipset: cannot listen on port {settings.port}: {exc.strerror}. "
              f"Is another program using it? Try --port {settings.port + 1}.", file=sys.stderr)
        return 1
    if settings.open_browser:
        threading.Timer(0.5, webbrowser.open, args=(server.url,)).start()
    server.serve_forever()
    return 0


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
    from .db import database
    with database.connection_context():
        user = app.extensions["clipset"].accounts.create_user(
            args.username, password, args.email, role="admin")
    print(f"Created admin {user.username}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from . import settings as settings_mod

        if args.command == "create-admin":
            return _create_admin(args)
        settings = settings_mod.load(_overrides(args))
        logging.basicConfig(level=settings.log_level.upper(),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        from .app import create_app

        return _serve(create_app(settings), settings)
    except ConfigurationError as exc:
        print(f"clipset: {exc}", file=sys.stderr)
        return 2
    except ClipsetError as exc:
        print(f"clipset: {exc.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
