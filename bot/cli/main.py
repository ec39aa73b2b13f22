"""The command line: load, check and export the directory; helpers for the make targets."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional, Sequence

from sqlalchemy import func, select

from bot import settings
from bot.cli import launch, waiting
from bot.directory import db, loader, members, queries, questions
from bot.directory.models import Centre
from bot.handoff import requests as handoff
from bot.privacy import staff_user
from bot.rasa_server import conversations
from bot.staff import report
from bot.texts import Texts

SAMPLE_DIRECTORY = settings.PROJECT_ROOT / "data" / "directory" / "sample.yml"


def _read(path: str) -> Optional[str]:
    try:
        return Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return None


FORMAT_HELP = f"The directory file's format: {settings.PROJECT_ROOT / 'docs' / 'directory-format.md'}"


def directory_load(args: argparse.Namespace) -> int:
    """Load a directory file; on problems print them all and change nothing."""
    text = _read(args.file)
    if text is None:
        return 2
    result = loader.load(text)
    if not result.ok:
        print(f"{args.file}: rejected, the database is unchanged ({len(result.problems)} problems):",
              file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        print(FORMAT_HELP, file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    print(f"{args.file}: loaded " + ", ".join(f"{n} {name}" for name, n in result.counts.items()))
    return 0


def directory_check(args: argparse.Namespace) -> int:
    """Check a directory file without loading it."""
    text = _read(args.file)
    if text is None:
        return 2
    parsed = loader.check(text)
    problems = parsed.problems
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    for warning in parsed.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    print(f"{args.file}: {'ok' if not problems else f'{len(problems)} problems'}")
    if problems:
        print(FORMAT_HELP, file=sys.stderr)
    return 1 if problems else 0


def directory_export(args: argparse.Namespace) -> int:
    """Write the whole directory as a directory file."""
    text = loader.export()
    if args.out:
        Path(args.out).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return 0


def directory_seed(args: argparse.Namespace) -> int:
    """Load the sample directory when the database has no centre yet."""
    with db.session() as session:
        if session.execute(select(func.count()).select_from(Centre)).scalar():
            return 0
    args.file = str(SAMPLE_DIRECTORY)
    return directory_load(args)


def directory_history(args: argparse.Namespace) -> int:
    """List the changes staff made to the directory, newest first."""
    with db.session() as session:
        changes = members.history(session, args.limit)
        for change in changes:
            print(f"{change.at:%Y-%m-%d %H:%M} UTC  {change.staff_name} ({change.staff_id})  {change.kind} "
                  f"{change.record_id}: {json.dumps(change.before, ensure_ascii=False, default=str)} -> "
                  f"{json.dumps(change.after, ensure_ascii=False, default=str)}")
    if not changes:
        print("no changes recorded")
    return 0


def staff_add(args: argparse.Namespace) -> int:
    """Make a Telegram user staff, for the directory's cities named (`--city`) or all of them
    (`--all-cities`); re-added with neither, they keep the cities they had."""
    try:
        members.telegram_user_id(args.telegram_id)
    except ValueError as error:
        print(f"staff add: {error}", file=sys.stderr)
        return 2
    with db.session() as session:
        unknown = [city for city in args.city or [] if not queries.known_city(session, city)]
        if unknown:
            known = ", ".join(queries.cities_with(session)) or "none yet: load the directory first"
            print(f"staff add: not a city of the directory: {', '.join(unknown)} (its cities: {known})",
                  file=sys.stderr)
            return 2
        member = members.add(session, args.telegram_id, args.name,
                             [] if args.all_cities else args.city or members.cities_of(session, args.telegram_id))
        # their private chat with the bot has their user id: requests to talk to a person are announced there
        handoff.remember_chat(session, member.key, members.telegram_user_id(args.telegram_id))
        print(f"staff: {member.name} ({', '.join(member.cities) or 'all cities'}), known by key {member.key}")
    return 0


def staff_remove(args: argparse.Namespace) -> int:
    """Stop a Telegram user being staff."""
    with db.session() as session:
        if not members.remove(session, args.telegram_id):
            print(f"{args.telegram_id} is not staff", file=sys.stderr)
            return 1
        handoff.forget_chat(session, staff_user(members.telegram_user_id(args.telegram_id)))
    print(f"removed {args.telegram_id}")
    return 0


def staff_list(args: argparse.Namespace) -> int:
    """List the staff."""
    with db.session() as session:
        for member in members.members(session):
            print(f"{member.name}\t{', '.join(member.cities) or 'all cities'}\t{member.key}")
    return 0


def report_command(args: argparse.Namespace) -> int:
    """Print the demand report and write its chart as a PNG."""
    texts = Texts(args.language)
    with db.session() as session:
        data = report.demand(session, args.days)
    print(report.summary(data, texts))
    Path(args.out).write_bytes(report.chart(data, texts))
    print(f"chart: {args.out}")
    return 0


def telegram_set_webhook(args: argparse.Namespace) -> int:
    """Register the Telegram webhook with the secret token, for the update types the channel handles."""
    import asyncio

    from channels.setup_webhook import set_webhook

    token, secret = os.environ.get("TELEGRAM_TOKEN"), os.environ.get("TELEGRAM_SECRET_TOKEN")
    if not token or not secret:
        print("set TELEGRAM_TOKEN and TELEGRAM_SECRET_TOKEN first", file=sys.stderr)
        return 2
    if asyncio.run(set_webhook(token, args.url, secret, args.base_url or os.environ.get("TELEGRAM_BASE_URL"))):
        print(f"webhook set: {args.url}")
        return 0
    print("the Bot API refused the webhook (see the log above)", file=sys.stderr)
    return 1


_AGE = re.compile(r"^(\d+)\s*([dhm])$")
_AGE_SECONDS = {"d": 86400, "h": 3600, "m": 60}


def privacy_purge(args: argparse.Namespace) -> int:
    """Delete the stored messages and events, and the questions kept for the report, older than --older-than."""
    match = _AGE.match(args.older_than.strip().lower())
    if not match:
        print(f"--older-than: {args.older_than!r} is not like 90d, 12h or 30m", file=sys.stderr)
        return 2
    seconds = int(match[1]) * _AGE_SECONDS[match[2]]
    try:
        url = conversations.tracker_store_url(Path(args.endpoints))
    except ValueError as error:  # a ${VARIABLE} of the endpoints file is not set
        print(f"{args.endpoints}: {error}", file=sys.stderr)
        return 2
    purged = conversations.purge(url, seconds) if url else conversations.Purged(0, 0)
    with db.session() as session:
        entries = questions.purge(session, seconds)
        talks = handoff.purge(session, timedelta(seconds=seconds), datetime.utcnow())
    print(f"deleted {purged.events} stored events older than {args.older_than} ({purged.conversations} "
          f"conversations entirely), {entries} report entries and {talks} requests to talk to a person")
    return 0


def wait_for(args: argparse.Namespace) -> int:
    """Wait until a URL answers (for the action server to be up)."""
    try:
        waiting.wait_until_ready(args.url, timeout=args.timeout)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def credentials(args: argparse.Namespace) -> int:
    """Write var/credentials.yml (0600) with the environment's secrets, keeping the channels that are on."""
    _, written = launch.write_credentials(Path(args.source), os.environ)
    if written is None:
        return 2
    print(written)
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m bot`."""
    top = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    directory = commands.add_parser("directory", help="the service directory").add_subparsers(
        dest="subcommand", required=True)
    load = directory.add_parser("load", help="load (upsert) a directory file")
    load.add_argument("file")
    load.set_defaults(run=directory_load)
    check = directory.add_parser("check", help="check a directory file without loading it")
    check.add_argument("file")
    check.set_defaults(run=directory_check)
    export = directory.add_parser("export", help="write the directory as a directory file")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.set_defaults(run=directory_export)
    seed = directory.add_parser("seed", help="load the sample directory into an empty database")
    seed.set_defaults(run=directory_seed)
    history = directory.add_parser("history", help="the changes staff made, newest first")
    history.add_argument("--limit", type=int, default=100)
    history.set_defaults(run=directory_history)

    people = commands.add_parser("staff", help="municipal staff (Telegram users)").add_subparsers(
        dest="subcommand", required=True)
    add = people.add_parser("add", help="make a Telegram user staff")
    add.add_argument("telegram_id")
    add.add_argument("--name", required=True)
    cities = add.add_mutually_exclusive_group()
    cities.add_argument("--city", action="append", help="a city of the directory they serve (repeatable)")
    cities.add_argument("--all-cities", action="store_true", help="they serve every city")
    add.set_defaults(run=staff_add)
    remove = people.add_parser("remove", help="stop a Telegram user being staff")
    remove.add_argument("telegram_id")
    remove.set_defaults(run=staff_remove)
    people.add_parser("list", help="list the staff").set_defaults(run=staff_list)

    demand = commands.add_parser("report", help="the demand report: text, and a chart as PNG")
    demand.add_argument("--days", type=int, default=7)
    demand.add_argument("--out", default="report.png")
    demand.add_argument("--language", choices=settings.LANGUAGES, default=settings.DEFAULT_LANGUAGE)
    demand.set_defaults(run=report_command)

    telegram = commands.add_parser("telegram", help="the Telegram bot").add_subparsers(
        dest="subcommand", required=True)
    webhook = telegram.add_parser("set-webhook", help="register URL as the bot's webhook (TELEGRAM_TOKEN, "
                                                     "TELEGRAM_SECRET_TOKEN from the environment)")
    webhook.add_argument("url")
    webhook.add_argument("--base-url", help="another Bot API server (default: Telegram's)")
    webhook.set_defaults(run=telegram_set_webhook)

    privacy = commands.add_parser("privacy", help="personal data").add_subparsers(dest="subcommand", required=True)
    purge = privacy.add_parser("purge", help="delete conversations older than an age (e.g. 90d)")
    purge.add_argument("--older-than", required=True, metavar="AGE")
    purge.add_argument("--endpoints", default=str(settings.PROJECT_ROOT / "endpoints.yml"),
                       help="endpoints file naming the tracker store")
    purge.set_defaults(run=privacy_purge)

    wait = commands.add_parser("wait-for", help="wait until a URL answers")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=120)
    wait.set_defaults(run=wait_for)

    creds = commands.add_parser("credentials",
                                help="write var/credentials.yml from credentials.yml and the environment")
    creds.add_argument("--source", default=str(settings.PROJECT_ROOT / "credentials.yml"))
    creds.set_defaults(run=credentials)

    run = commands.add_parser("run", help="start the action server and the Rasa server for production (make run)")
    run.add_argument("--source", default=str(settings.PROJECT_ROOT / "credentials.yml"))
    run.add_argument("--endpoints", default=str(settings.PROJECT_ROOT / "endpoints.yml"))
    run.add_argument("--port", type=int, default=5005)
    run.add_argument("--actions-port", type=int, default=5055)
    run.add_argument("--interface", default="0.0.0.0", help="where the webhooks listen (default: every interface)")
    run.add_argument("--model", help="the model to serve (default: the newest)")
    run.set_defaults(run=launch.run)
    return top


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; the exit status."""
    args = parser().parse_args(argv)
    return args.run(args)
