"""`python -m bot directory load/check/export`: upsert, all-or-nothing, every problem named."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from sqlalchemy import func, select

from bot.directory import db, loader
from bot.directory.models import Centre, Country, Event, Service
from tests.conftest import FIXTURE, HERE

ROOT = HERE.parent


def counts(url: str) -> dict[str, int]:
    with db.session(url) as session:
        return {model.__tablename__.removeprefix("directory_"):
                session.execute(select(func.count()).select_from(model)).scalar()
                for model in (Centre, Service, Event)}


def test_load_then_reload_upserts_by_id(loaded):
    assert counts(loaded) == {"centres": 2, "services": 3, "events": 2}
    changed = FIXTURE.read_text("utf-8").replace('"+57 607 555 0101"', '"+57 607 555 9999"')
    assert loader.load(changed, loaded).ok
    assert counts(loaded) == {"centres": 2, "services": 3, "events": 2}
    with db.session(loaded) as session:
        assert session.get(Centre, "cuc-atalaya").phone == "+57 607 555 9999"


def test_a_partial_file_adds_and_loses_nothing(loaded):
    extra = {"centres": [{"id": "lim-sur", "name": "Punto Lima Sur", "city": "Lima", "country": "Perú",
                          "address": "Jr. Ayacucho 100"}]}
    assert loader.load(yaml.safe_dump(extra), loaded).ok
    assert counts(loaded)["centres"] == 3


BAD_FILES = {
    "missing id": ({"services": [{"name": "x", "category": "legal", "centre": "cuc-atalaya"}]}, "services[0]", "id"),
    "duplicate id": ({"services": [{"id": "a", "name": "x", "category": "legal", "centre": "cuc-atalaya"},
                                   {"id": "a", "name": "y", "category": "food", "centre": "cuc-atalaya"}]},
                     "services[1] a", "id"),
    "unknown category": ({"services": [{"id": "s", "name": "x", "category": "lega", "centre": "cuc-atalaya"}]},
                         "services[0] s", "category"),
    "unknown centre": ({"events": [{"id": "e", "title": "x", "starts": "2030-01-01T10:00", "centre": "nope"}]},
                       "events[0] e", "centre"),
    "bad hours": ({"centres": [{"id": "c", "name": "x", "city": "Cali", "country": "Colombia",
                                "hours": {"mon": "8-16"}}]}, "centres[0] c", "hours"),
    "hours ending before start": ({"centres": [{"id": "c", "name": "x", "city": "Cali", "country": "Colombia",
                                                "hours": {"tue": "16:00-08:00"}}]}, "centres[0] c", "hours"),
    "latitude out of range": ({"centres": [{"id": "c", "name": "x", "city": "Cali", "country": "Colombia",
                                            "latitude": 95, "longitude": 1}]}, "centres[0] c", "latitude"),
    "date that does not parse": ({"events": [{"id": "e", "title": "x", "starts": "next friday",
                                              "centre": "cuc-atalaya"}]}, "events[0] e", "starts"),
    "no centre nor city and address": ({"services": [{"id": "s", "name": "x", "category": "food",
                                                      "city": "Cali"}]}, "services[0] s", "centre"),
    "unknown country": ({"centres": [{"id": "c", "name": "x", "city": "Caracas", "country": "Venezuela"}]},
                        "centres[0] c", "country"),
    "new country without emergency lines": ({"countries": [{"name": "Chile", "timezone": "America/Santiago"}]},
                                            "countries[0] Chile", "emergency"),
    "new country with only a crisis line": ({"countries": [{"name": "Chile", "timezone": "America/Santiago",
                                                            "emergency": [{"name": "x", "phone": "1",
                                                                           "kind": "crisis"}]}]},
                                            "countries[0] Chile", "emergency"),
    "unknown kind of line": ({"countries": [{"name": "Chile", "timezone": "America/Santiago",
                                             "emergency": [{"name": "x", "phone": "1", "kind": "hotline"}]}]},
                             "countries[0] Chile", "emergency[0]"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_rejected_whole_and_changes_nothing(loaded, case):
    data, record, field = BAD_FILES[case]
    data = {**data, "centres": [*data.get("centres", []),
                                {"id": "new-good", "name": "Good", "city": "Pasto", "country": "Colombia"}]}
    before = loader.export(loaded)
    result = loader.load(yaml.safe_dump(data, allow_unicode=True), loaded)
    assert not result.ok
    assert any(str(problem).startswith(record) and problem.field == field for problem in result.problems), \
        [str(problem) for problem in result.problems]
    assert loader.export(loaded) == before


def test_a_country_given_without_lines_keeps_its_lines_with_a_warning(loaded):
    result = loader.load("countries:\n  - {name: Ecuador, timezone: America/Guayaquil, emergency: []}\n", loaded)
    assert result.ok and result.warnings and "Ecuador" in result.warnings[0]
    with db.session(loaded) as session:
        assert [line["phone"] for line in session.get(Country, "ecuador").emergency] == ["911"]


def test_directory_check_warns_of_a_country_without_lines(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run_cli("directory", "load", str(FIXTURE), url=url).returncode == 0
    partial = tmp_path / "partial.yml"
    partial.write_text("countries:\n  - {name: Perú, timezone: America/Lima}\n", "utf-8")
    checked = run_cli("directory", "check", str(partial), url=url)
    assert checked.returncode == 0 and "warning: countries[0] Perú: emergency" in checked.stderr


def test_every_problem_is_listed(database_url):
    text = yaml.safe_dump({"services": [{"id": "a", "name": "x", "category": "nope", "centre": "ghost"},
                                        {"name": "y", "category": "food"}]})
    problems = [str(problem) for problem in loader.load(text, database_url).problems]
    assert any("category" in p for p in problems) and any("ghost" in p for p in problems)
    assert any(p.startswith("services[1]") and ": id:" in p for p in problems)


def test_broken_yaml_is_a_clear_error(database_url):
    result = loader.load("centres: [ {id: x", database_url)
    assert not result.ok and result.problems[0].field == "yaml"


def test_export_round_trip_is_exact(loaded, tmp_path, monkeypatch):
    first = loader.export(loaded)
    assert "opened: 2019" in first  # unknown keys are kept
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'copy.db'}")
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    assert loader.load(first, copy).ok
    assert loader.export(copy) == first


def run_cli(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"BOT_DATABASE_URL": url, "PATH": "/usr/bin:/bin"})


def test_command_line_load_check_and_reject(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = run_cli("directory", "load", str(FIXTURE), url=url)
    assert done.returncode == 0, done.stderr
    assert "2 centres" in done.stdout
    bad = tmp_path / "bad.yml"
    bad.write_text("services:\n  - {id: x, name: y, category: magic, centre: cuc-atalaya}\n", "utf-8")
    checked = run_cli("directory", "check", str(bad), url=url)
    assert checked.returncode != 0 and "services[0] x: category" in checked.stderr
    rejected = run_cli("directory", "load", str(bad), url=url)
    assert rejected.returncode != 0 and "unchanged" in rejected.stderr
    assert "docs/directory-format.md" in checked.stderr and "docs/directory-format.md" in rejected.stderr
    assert counts(url)["services"] == 3
