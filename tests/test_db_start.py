"""Servers starting together on a new database each get their tables (none fails creating them)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_engine, text

from bot.settings import PROJECT_ROOT
from tests.conftest import POSTGRES_URL, _postgres_url

START = "from bot.directory import db; db.engine({url!r}); print('ok')"


def test_processes_starting_at_once_on_a_new_postgresql_database_all_get_their_tables():
    for _ in range(3):  # a new schema each time: the tables are created by whoever comes first
        url = _postgres_url()
        starting = [subprocess.Popen([sys.executable, "-c", START.format(url=url)], cwd=PROJECT_ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [process.communicate(timeout=120) for process in starting]
        with create_engine(POSTGRES_URL, future=True).begin() as connection:
            connection.execute(text(f"DROP SCHEMA {url.rsplit('%3D', 1)[1]} CASCADE"))
        assert [process.returncode for process in starting] == [0] * 4, [err[-600:] for _, err in results]
