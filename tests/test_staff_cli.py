"""`python -m bot staff add`: a Telegram id, cities of the directory, and no silent widening."""

from __future__ import annotations

from bot.directory import db, loader, members
from tests.conftest import FIXTURE
from tests.test_loader import run_cli


def test_staff_add_takes_only_a_telegram_id_and_the_directory_s_cities(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    not_an_id = run_cli("staff", "add", "abc", "--name", "Ana", url=url)
    assert not_an_id.returncode == 2 and "abc" in not_an_id.stderr
    unknown = run_cli("staff", "add", "4242", "--name", "Ana", "--city", "Atlantis", url=url)
    assert unknown.returncode == 2 and "Atlantis" in unknown.stderr and "Cúcuta" in unknown.stderr
    with db.session(url) as session:
        assert members.members(session) == []


def test_staff_added_again_without_cities_keeps_theirs_and_all_cities_is_said_outright(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    assert run_cli("staff", "add", "4242", "--name", "Ana", "--city", "cucuta", url=url).returncode == 0
    again = run_cli("staff", "add", "4242", "--name", "Ana María", url=url)
    assert again.returncode == 0 and "cucuta" in again.stdout and "all cities" not in again.stdout
    with db.session(url) as session:
        assert [(member.name, member.cities) for member in members.members(session)] == [("Ana María", ["cucuta"])]
    widened = run_cli("staff", "add", "4242", "--name", "Ana María", "--all-cities", url=url)
    assert widened.returncode == 0 and "all cities" in widened.stdout
    with db.session(url) as session:
        assert [member.cities for member in members.members(session)] == [[]]
