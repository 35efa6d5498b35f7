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
    listing = user.add_parser("list", help="list the accounts")
    listing.add_argument("--admins", action="store_true", help="only administrators")
    listing.add_argument("--revoked", action="store_true", help="only revoked accounts")
    listing.set_defaults(run=user_list_command)
    for name, changes, text in (
        ("revoke", {"revoked": True}, "block an account and end its sessions"),
        ("grant-admin", {"admin": True}, "make an account an administrator"),
    ):
        command = user.add_parser(name, help=text)
        command.add_argument("email")
        command.set_defaults(run=user_change_command, changes=changes)
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
    method: str = "POST",
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Ask the running server with the job secret (POST by default); its JSON answer, or a
    CommandError."""
    try:
        response = httpx.request(
            method,
            f"{url}/api/v1{path}",
            json=body,
            params=params,
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
    from kwai_gen.build import BuildFailed, RenderWorker, build_site, close_interrupted

    def local(db: Database) -> None:
        close_interrupted(settings, db)  # this command alone builds while it holds the database
        _progress("building the site...")
        try:
            result = build_site(
                settings,
                db,
                now=args.now,
                full=args.full,
                trigger="command",
                worker=RenderWorker(settings.build),
            )
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
        try:
            return asyncio.run(mailer.dispatch(db, settings))
        except mailer.MailServerUnreachable as error:
            raise CommandError(f"{error} (the mail stays queued)") from None

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
    """kwai db backup PATH: the database to PATH and the images beside it (works while the
    server runs: it writes the copies)."""
    settings = Settings.load()
    target = args.path.resolve()
    from kwai_api.core.images import ImageStore, backup, images_beside

    def remote(url: str) -> None:
        _ask_server(
            settings,
            url,
            "/db/backups",
            {"data": {"type": "backups", "attributes": {"path": str(target)}}},
        )

    _with_database(
        settings, lambda db: backup(db, ImageStore(settings.images.path), target), remote
    )
    print(f"wrote {target} and {images_beside(target)}")


def user_create_command(args: argparse.Namespace) -> None:
    """kwai user create --email E --first-name F --last-name L [--password P] [--admin]."""
    settings = Settings.load()
    password = args.password
    if password is None:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            raise CommandError("the passwords differ")
    from kwai_api.core.accounts import create_user

    def remote(url: str) -> dict[str, Any]:
        attributes = {
            "email": args.email,
            "first_name": args.first_name,
            "last_name": args.last_name,
            "password": password,
            "admin": args.admin,
        }
        answer = _ask_server(
            settings, url, "/users", {"data": {"type": "users", "attributes": attributes}}
        )
        return dict(answer["data"]["attributes"])

    user = _with_database(
        settings,
        lambda db: create_user(
            db, args.email, args.first_name, args.last_name, password, admin=args.admin
        ),
        remote,
    )
    print(f"created {'admin ' if args.admin else ''}user {user['email']}")


def user_list_command(args: argparse.Namespace) -> None:
    """kwai user list [--admins] [--revoked]."""
    settings = Settings.load()
    from kwai_api.core.accounts import list_users

    admin, revoked = (True if args.admins else None), (True if args.revoked else None)

    def remote(url: str) -> list[dict[str, Any]]:
        params = {
            f"filter[{name}]": "true"
            for name, value in (("admin", admin), ("revoked", revoked))
            if value
        }
        answer = _ask_server(settings, url, "/users", method="GET", params=params)
        return [item["attributes"] for item in answer["data"]]

    users = _with_database(settings, lambda db: list_users(db, revoked, admin)[1], remote)
    for user in users:
        flags = [flag for flag in ("admin", "revoked") if user[flag]]
        name = f"{user['first_name']} {user['last_name']}"
        print("\t".join([user["email"], name, ", ".join(flags)]).rstrip())


def user_change_command(args: argparse.Namespace) -> None:
    """kwai user revoke EMAIL · kwai user grant-admin EMAIL."""
    settings = Settings.load()
    from kwai_api.core.accounts import change_user, list_users
    from kwai_api.core.clock import system_clock
    from kwai_api.core.errors import ApiError

    def local(db: Database) -> None:
        found = list_users(db, email=args.email)[1]
        if not found:
            raise CommandError(f"there is no user {args.email}")
        try:
            change_user(db, found[0]["uuid"], args.changes, None, system_clock())
        except ApiError as error:
            raise CommandError(error.detail) from None

    def remote(url: str) -> None:
        answer = _ask_server(
            settings, url, "/users", method="GET", params={"filter[email]": args.email}
        )
        if not answer["data"]:
            raise CommandError(f"there is no user {args.email}")
        uuid = answer["data"][0]["id"]
        _ask_server(
            settings,
            url,
            f"/users/{uuid}",
            method="PATCH",
            body={"data": {"type": "users", "id": uuid, "attributes": args.changes}},
        )

    _with_database(settings, local, remote)
    print(
        f"{args.email}: "
        + ", ".join(f"{key} = {str(v).lower()}" for key, v in args.changes.items())
    )


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
            create_club(
                db, seed=args.seed, timezone=settings.site.timezone, images=settings.images.path
            )
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
