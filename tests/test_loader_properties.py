"""Arbitrary YAML thrown at the directory loader: never a crash, never a lost or corrupted record."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.directory import loader
from tests.conftest import FIXTURE

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["cuc-atalaya", "Colombia", "legal", "08:00-16:00",
                                                           "2030-01-01T10:00", "Cúcuta", "", "mon"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                      max_leaves=20)
FIELDS = st.sampled_from(["id", "name", "title", "city", "country", "centre", "category", "address", "phone",
                          "hours", "latitude", "longitude", "starts", "ends", "timezone", "emergency"])
RECORD = st.dictionaries(FIELDS, VALUES, max_size=8)
DOCUMENT = st.dictionaries(st.sampled_from(["countries", "centres", "services", "events", "other"]),
                           st.one_of(st.lists(RECORD, max_size=4), VALUES), max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=DOCUMENT)
def test_any_structure_is_loaded_whole_or_rejected_whole(loaded, document):
    before = loader.export(loaded)
    result = loader.load(yaml.safe_dump(document, allow_unicode=True), loaded)
    after = loader.export(loaded)
    if not result.ok:
        assert after == before
        assert all(problem.field and problem.message for problem in result.problems)
    else:
        assert yaml.safe_load(after) is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_any_text_never_crashes_the_loader(loaded, text):
    before = loader.export(loaded)
    result = loader.load(text, loaded)
    if not result.ok:
        assert loader.export(loaded) == before


def test_the_fixture_survives_a_storm_of_bad_files(loaded):
    assert "cuc-atalaya" in loader.export(loaded)
    assert yaml.safe_load(loader.export(loaded))["services"][0]["id"] in FIXTURE.read_text("utf-8")
