"""The ``mobilizon`` command for administrators.

Settings come from ``--config FILE``, else ``$MOBILIZON_CONFIG``, else ``development.ini`` in
the current folder, with the same ``MOBILIZON_*`` overrides as the server. Every failure is
one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_USAGE = 2
EXIT_FAILED = 1


class CommandError(Exception):
    """A command cannot go on; the message says what to do about it."""


def config_path(option: str | None) -> Path:
    path = Path(option or os.environ.get("MOBILIZON_CONFIG") or "development.ini")
    if not path.is_file():
        raise CommandError(f"configuration file {path} not found (use --config FILE or set MOBILIZON_CONFIG)")
    return path.resolve()


def load_settings(path: Path) -> dict[str, Any]:
    from pyramid.paster import get_appsettings, setup_logging

    setup_logging(str(path))
    raw = dict(get_appsettings(str(path), name="main"))
    raw.setdefault("here", str(path.parent))
    return raw


def load_app_config(args: argparse.Namespace) -> Any:
    """The configured (not yet committed) Configurator of the app described by ``--config``."""
    from mobilizon import configure

    return configure(load_settings(config_path(args.config)))


# --- commands -----------------------------------------------------------------------------------


def cmd_db(args: argparse.Namespace) -> int:
    from mobilizon import migrate
    from mobilizon.plugins import build_plugin_manager
    from mobilizon.settings import normalize

    settings = normalize(load_settings(config_path(args.config)))
    pm = build_plugin_manager(settings)
    if args.action == "upgrade":
        migrate.upgrade(settings, pm, args.revision or "heads")
    elif args.action == "downgrade":
        migrate.downgrade(settings, pm, args.revision or "-1")
    else:
        migrate.current(settings, pm)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from mobilizon.plugins import build_plugin_manager, describe
    from mobilizon.settings import normalize

    settings = normalize(load_settings(config_path(args.config)))
    infos = describe(build_plugin_manager(settings), settings)
    if not infos:
        print("no plugins installed")
        return 0
    width = max(len(info.name) for info in infos)
    for info in infos:
        state = "enabled" if info.enabled else "disabled"
        hooks = ", ".join(info.hooks) or "-"
        print(f"{info.name:<{width}}  {info.version:<8}  {state:<8}  {info.distribution}  hooks: {hooks}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from huey.consumer import Consumer

    config = load_app_config(args)
    config.commit()
    settings = config.get_settings()
    huey = config.registry["huey"]
    if settings["mobilizon.jobs.immediate"]:
        raise CommandError(
            "mobilizon.jobs.immediate is on: jobs run inline, there is nothing for a worker to do"
        )
    workers = args.workers or settings["mobilizon.jobs.workers"]
    consumer = Consumer(huey, workers=workers, worker_type="thread", periodic=True, check_worker_health=True)
    logging.getLogger("huey").setLevel(logging.INFO)
    consumer.run()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import waitress

    config = load_app_config(args)
    settings = config.get_settings()
    app = config.make_wsgi_app()
    listen = settings["mobilizon.listen"]
    print(f"serving {settings['mobilizon.base_url']} on http://{listen.host}:{listen.port}", flush=True)
    proxy = {}
    if settings.get("mobilizon.trusted_proxy"):
        # behind a reverse proxy: take the client address and scheme from its headers only
        proxy = {
            "trusted_proxy": settings["mobilizon.trusted_proxy"],
            "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto",
            "clear_untrusted_proxy_headers": True,
        }
    # uploads are capped at 5 MB by the features; refuse anything far larger before reading it
    limit = int(settings.get("mobilizon.max_request_bytes", 20 * 1024 * 1024))
    waitress.serve(
        app,
        host=listen.host,
        port=listen.port,
        threads=args.threads,
        ident="mobilizon",
        max_request_body_size=limit,
        **proxy,
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Web server and a job consumer together: what ``make run`` starts.

    Both run as child processes; Ctrl-C or SIGTERM stops both, and if either exits the other
    is stopped too, so nothing is left running in the background.
    """
    path = config_path(args.config)
    base = [sys.executable, "-m", "mobilizon.cli", "--config", str(path)]
    children = [
        subprocess.Popen([*base, "worker"]),  # noqa: S603 (our own command, fixed arguments)
        subprocess.Popen([*base, "serve"]),  # noqa: S603
    ]

    def stop(*_: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    codes = [child.returncode for child in children]
    return next((code for code in codes if code not in (0, -signal.SIGTERM, -signal.SIGINT)), 0)


def cmd_users_create(args: argparse.Namespace) -> int:
    from mobilizon.accounts.cli import create_user

    config = load_app_config(args)
    return create_user(config, args)


# --- parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mobilizon", description="Run and administer the platform.")
    parser.add_argument("--config", help="settings file (default: $MOBILIZON_CONFIG or ./development.ini)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"])
    db.add_argument("revision", nargs="?", help="target revision (upgrade: heads; downgrade: -1)")
    db.set_defaults(handler=cmd_db)

    plugins = commands.add_parser("plugins", help="installed plugins")
    plugins.add_argument("action", choices=["list"])
    plugins.set_defaults(handler=cmd_plugins)

    worker = commands.add_parser("worker", help="run a background job consumer")
    worker.add_argument("--workers", type=int, help="worker threads (default: mobilizon.jobs.workers)")
    worker.set_defaults(handler=cmd_worker)

    serve = commands.add_parser("serve", help="run the web server only")
    serve.add_argument("--threads", type=int, default=8)
    serve.set_defaults(handler=cmd_serve)

    run = commands.add_parser("run", help="run the web server and a job consumer")
    run.set_defaults(handler=cmd_run)

    users = commands.add_parser("users", help="accounts")
    users_commands = users.add_subparsers(dest="users_command", metavar="ACTION")
    users_commands.required = True
    create = users_commands.add_parser("create", help="create an account")
    create.add_argument("email")
    create.add_argument("--password", help="password (asked for when missing)")
    role = create.add_mutually_exclusive_group()
    role.add_argument("--admin", action="store_true", help="make it an administrator")
    role.add_argument("--moderator", action="store_true", help="make it a moderator")
    create.add_argument("--confirmed", action="store_true", help="skip the confirmation mail")
    create.add_argument("--username", help="username of the first profile (default: from the email)")
    create.set_defaults(handler=cmd_users_create)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from mobilizon.plugins import PluginError
    from mobilizon.settings import SettingsError

    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (CommandError, SettingsError, PluginError) as error:
        print(f"mobilizon: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, CommandError) else EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
