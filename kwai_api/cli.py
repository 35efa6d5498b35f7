"""The `kwai` command: demo, serve, build, mail, database and user chores.

Every command exits 0 on success, or non-zero with one human line (no traceback unless --debug).
While `kwai serve` holds the database, `build` and `mail send` ask the server to do the work.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from kwai_api.core.clock import naive_utc
from kwai_api.core.database import Database, DatabaseError, DatabaseLocked, migrate, open_database
from kwai_api.core.settings import Settings, SettingsError, require_production_secrets


class CommandError(Exception):
    """A failure the command reports in one line."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kwai` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        args.run(args)
    except (CommandError, SettingsError, DatabaseError, ValueError) as error:
        if args.debug:
            raise
        print(f"kwai: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kwai", description="A static-first club portal.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.set_defaults(debug=False)
    commands = parser.add_subparsers(title="commands")

    demo = commands.add_parser("demo", help="create a demo club, build it and serve it")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--no-serve", action="store_true", help="stop after the build")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(run=demo_command)

    serve = commands.add_parser("serve", help="run the API and serve the live site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=serve_command)

    build = commands.add_parser("build", help="build the site")
    build.add_argument("--full", action="store_true", help="render every page again")
    build.add_argument("--now", type=_timestamp, help='fix the clock: "YYYY-MM-DD HH:MM:SS"')
    build.set_defaults(run=build_command)

    mail = commands.add_parser("mail", help="mail chores").add_subparsers(title="mail")
    send = mail.add_parser("send", help="send the mail that is due")
    send.set_defaults(run=mail_send_command)

    db = commands.add_parser("db", help="database chores").add_subparsers(title="db")
    db.add_parser("migrate", help="apply migrations").set_defaults(run=migrate_command)
    backup = db.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("path", type=Path)
    backup.set_defaults(run=backup_command)

    user = commands.add_parser("user", help="user chores").add_subparsers(title="user")
    create = user.add_parser("create", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--first-name", required=True)
    create.add_argument("--last-name", required=True)
    create.add_argument("--password", help="prompted for when not given")
    create.add_argument("--admin", action="store_true")
    create.set_defaults(run=user_create_command)
    return parser


def _timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{value!r} is not "YYYY-MM-DD HH:MM:SS"') from None
    return naive_utc(parsed)


def _progress(message: str) -> None:
    """Progress for a person at a terminal; cron stays quiet."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr)


# -- the server file: how a command finds the running server -----------------------------------


def server_file(settings: Settings) -> Path:
    """Written by `kwai serve` next to the database while it runs."""
    return Path(f"{settings.database.path}.server")


def _running_server(settings: Settings) -> str | None:
    """The URL of the server holding the database, or None."""
    try:
        info = json.loads(server_file(settings).read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
    except (FileNotFoundError, ValueError, KeyError, ProcessLookupError, PermissionError):
        return None
    return str(info["url"])


def _with_database(
    settings: Settings,
    work: Callable[[Database], Any],
    through_server: Callable[[str], Any] | None = None,
    opener: Callable[[Path], Database] = open_database,
) -> Any:
    """Run `work` on the database (opened and migrated), or `through_server` when a running
    server holds it."""
    try:
        db = opener(settings.database.path)
    except DatabaseLocked:
        url = _running_server(settings)
        if through_server is None or url is None:
            raise CommandError(
                f"the database {settings.database.path} is in use by another process; "
                + (
                    "stop `kwai serve` and try again"
                    if through_server is None
                    else "no running kwai server was found to ask — is it another program?"
                )
            ) from None
        return through_server(url)
    try:
        return work(db)
    finally:
        db.close()


def _ask_server(
    settings: Settings,
    url: str,
    path: str,
    body: dict[str, Any] | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """POST to the running server with the job secret; its JSON answer, or a CommandError."""
    try:
        response = httpx.post(
            f"{url}/api/v1{path}",
            json=body,
            headers={
                "X-Kwai-Job-Secret": settings.security.job_secret,
                "Content-Type": "application/vnd.api+json",
            },
            timeout=timeout,
        )
    except httpx.HTTPError as error:
        raise CommandError(f"could not reach the kwai server at {url}: {error}") from None
    try:
        answer: dict[str, Any] = response.json()
    except ValueError:
        answer = {}
    if response.status_code >= 400:
        detail = answer.get("detail") or response.text[:200]
        raise CommandError(f"the server answered {response.status_code}: {detail}")
    return answer


# -- commands ----------------------------------------------------------------------------------


def build_command(args: argparse.Namespace) -> None:
    """kwai build [--full] [--now]."""
    settings = Settings.load()
    from kwai_gen.build import BuildFailed, build_site

    def local(db: Database) -> None:
        _progress("building the site...")
        try:
            result = build_site(settings, db, now=args.now, full=args.full, trigger="command")
        except BuildFailed as error:
            raise CommandError(f"the build failed, the live site is unchanged: {error}") from None
        _report_build(result.release, result.written, result.unchanged, result.deleted)

    def remote(url: str) -> None:
        _progress(f"asking the server at {url} to build...")
        attributes: dict[str, Any] = {"full": args.full}
        if args.now:
            attributes["now"] = args.now.strftime("%Y-%m-%d %H:%M:%S")
        answer = _ask_server(
            settings,
            url,
            "/site/builds",
            {"data": {"type": "site_builds", "attributes": attributes}},
        )
        build = answer["data"]["attributes"]
        if build["status"] != "success":
            raise CommandError(f"the build failed, the live site is unchanged: {build['error']}")
        _report_build(
            build["release"],
            build["files_written"],
            build["files_unchanged"],
            build["files_deleted"],
        )

    _with_database(settings, local, remote)


def _report_build(release: str, written: int, unchanged: int, deleted: int) -> None:
    if sys.stdout.isatty():
        print(
            f"built release {release}: {written} files written, {unchanged} unchanged, "
            f"{deleted} deleted"
        )


def mail_send_command(args: argparse.Namespace) -> None:
    """kwai mail send."""
    settings = Settings.load()
    from kwai_api.mail import sender as mailer

    def local(db: Database) -> dict[str, int]:
        return asyncio.run(mailer.dispatch(db, settings))

    def remote(url: str) -> dict[str, int]:
        return dict(_ask_server(settings, url, "/mails/dispatch").get("meta", {}))

    counts = _with_database(settings, local, remote)
    if sys.stdout.isatty():
        print(", ".join(f"{value} {key}" for key, value in counts.items()) or "nothing to send")


def migrate_command(args: argparse.Namespace) -> None:
    """kwai db migrate."""
    settings = Settings.load()

    def work(db: Database) -> None:
        applied = migrate(db)
        print("applied " + ", ".join(applied) if applied else "the database is up to date")

    _with_database(settings, work, opener=Database)  # opened as it is, so this reports


def backup_command(args: argparse.Namespace) -> None:
    """kwai db backup PATH (works while the server runs: it writes the copy)."""
    settings = Settings.load()
    target = args.path.resolve()

    def remote(url: str) -> None:
        _ask_server(
            settings,
            url,
            "/db/backups",
            {"data": {"type": "backups", "attributes": {"path": str(target)}}},
        )

    _with_database(settings, lambda db: db.backup(target), remote)
    print(f"wrote {target}")


def user_create_command(args: argparse.Namespace) -> None:
    """kwai user create --email E --first-name F --last-name L [--password P] [--admin]."""
    settings = Settings.load()
    password = args.password
    if password is None:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            raise CommandError("the passwords differ")
    from kwai_api.core.accounts import create_user

    user = _with_database(
        settings,
        lambda db: create_user(
            db, args.email, args.first_name, args.last_name, password, admin=args.admin
        ),
    )
    print(f"created {'admin ' if args.admin else ''}user {user['email']}")


def serve_command(args: argparse.Namespace) -> None:
    """kwai serve [--host] [--port]."""
    settings = Settings.load()
    require_production_secrets(settings)
    serve(settings, args.host, args.port)


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the app with one uvicorn worker (DuckDB admits one process)."""
    import uvicorn

    from kwai_api.server.app import create_app

    try:
        Database(settings.database.path).close()  # fail early, in one line, when locked
    except DatabaseLocked as error:
        raise CommandError(str(error)) from None
    marker = server_file(settings)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"url": f"http://{host}:{port}", "pid": os.getpid()}))
    try:
        uvicorn.run(create_app(settings), host=host, port=port, workers=1, log_level="info")
    finally:
        marker.unlink(missing_ok=True)


def demo_command(args: argparse.Namespace) -> None:
    """kwai demo [--seed N] [--no-serve] [--port P]."""
    settings = Settings.load(demo=True)
    if args.port != 8000 and settings.site.url == "http://127.0.0.1:8000":
        settings = replace(
            settings, site=replace(settings.site, url=f"http://127.0.0.1:{args.port}")
        )
    from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD, create_club
    from kwai_gen.build import BuildFailed, build_site

    def prepare(db: Database) -> None:
        if db.fetchvalue("SELECT count(*) FROM applications") == 0:
            _progress(f"creating the demo club (seed {args.seed})...")
            create_club(db, seed=args.seed, timezone=settings.site.timezone)
        _progress("building the site...")
        try:
            build_site(settings, db, trigger="demo")
        except BuildFailed as error:
            raise CommandError(f"the build failed: {error}") from None

    _with_database(settings, prepare)
    print(
        f"demo club ready: database {settings.database.path}, site {settings.site.output}/current"
    )
    print(f"log in as {ADMIN_EMAIL} with password {ADMIN_PASSWORD}")
    if not args.no_serve:
        print(f"serving on http://127.0.0.1:{args.port}/ (Ctrl+C stops)")
        serve(settings, "127.0.0.1", args.port)


if __name__ == "__main__":
    sys.exit(main())
