"""Settings read from the environment, with the defaults of the embedded set-up."""

from __future__ import annotations

import os
from pathlib import Path

from bot.secret_files import private_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEZONE = "America/Bogota"
LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
PAGE_SIZE = 5


def database_url() -> str:
    """The SQLAlchemy URL of the service directory: `BOT_DATABASE_URL`, else a SQLite file under `var/`."""
    url = os.environ.get("BOT_DATABASE_URL")
    if url:
        return url
    private_dir(PROJECT_ROOT / "var")  # the directory's database sits beside the key and the secrets
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'directory.db'}"
