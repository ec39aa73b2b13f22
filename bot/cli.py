"""The command line: load, check and export the directory; helpers for the make targets."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional, Sequence

import yaml
from sqlalchemy import func, select

from bot import db, loader, settings
from bot.models import Centre

SAMPLE_DIRECTORY = settings.PROJECT_ROOT / "data" / "directory" / "sample.yml"


def _read(path: str) -> Optional[str]:
    try:
        return Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return None


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
        return 1
    print(f"{args.file}: loaded " + ", ".join(f"{n} {name}" for name, n in result.counts.items()))
    return 0


def directory_check(args: argparse.Namespace) -> int:
    """Check a directory file without loading it."""
    text = _read(args.file)
    if text is None:
        return 2
    problems = loader.check(text).problems
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(f"{args.file}: {'ok' if not problems else f'{len(problems)} problems'}")
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


def wait_for(args: argparse.Namespace) -> int:
    """Wait until a URL answers (for the action server to be up)."""
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(args.url, timeout=2):
                return 0
        except OSError:
            time.sleep(0.3)
    print(f"{args.url} did not answer in {args.timeout} s", file=sys.stderr)
    return 1


_VARIABLE = re.compile(r"\$\{(\w+)\}")


def credentials(args: argparse.Namespace) -> int:
    """Write credentials.yml with the environment's secrets filled in, keeping only configured channels."""
    spec = yaml.safe_load(Path(args.source).read_text("utf-8")) or {}
    result: dict = {}
    for channel, options in spec.items():
        if options is None:
            result[channel] = None
            continue
        filled = {key: _VARIABLE.sub(lambda m: os.environ.get(m[1], ""), str(value))
                  for key, value in options.items()}
        required = [value for key, value in filled.items() if key not in ("public_url", "base_url")]
        if all(required):
            result[channel] = {key: value for key, value in filled.items() if value}
    out = settings.PROJECT_ROOT / "var" / "credentials.yml"
    out.parent.mkdir(exist_ok=True)
    out.write_text(yaml.safe_dump(result, sort_keys=False), "utf-8")
    print(out)
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

    wait = commands.add_parser("wait-for", help="wait until a URL answers")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=120)
    wait.set_defaults(run=wait_for)

    creds = commands.add_parser("credentials", help="write var/credentials.yml from credentials.yml and the environment")
    creds.add_argument("--source", default=str(settings.PROJECT_ROOT / "credentials.yml"))
    creds.set_defaults(run=credentials)
    return top


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; the exit status."""
    args = parser().parse_args(argv)
    return args.run(args)
