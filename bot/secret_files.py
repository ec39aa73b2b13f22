"""Files only their owner may read: the directory they live in is 0700, each file 0600 from its first byte."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
SECRET_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """`path` as a directory that only its owner may enter (made 0700 if missing, set to 0700 if it exists)."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def write_secret(path: Path, text: str) -> Path:
    """Write `text` to `path` (replacing it), readable by its owner only: created 0600, never wider for a moment.

    The directory holding it is made private too (see `private_dir`).
    """
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, SECRET_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), SECRET_FILE_MODE)  # an older file may have had a wider mode
        out.write(text)
    return path


def create_secret(path: Path, text: str) -> bool:
    """Create `path` holding `text`, 0600, only if it does not exist yet; whether this call created it.

    The file appears whole or not at all, so processes starting together agree on one value.
    A file that exists already is made 0600 (an older version of this project made it world-readable).
    """
    private_dir(path.parent)
    if path.exists():
        os.chmod(path, SECRET_FILE_MODE)
        return False
    draft = write_secret(path.with_name(f".{path.name}.{os.getpid()}"), text)
    try:
        os.link(draft, path)  # fails if another process made it first: theirs is kept
        return True
    except FileExistsError:
        return False
    finally:
        draft.unlink()
