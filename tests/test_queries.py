"""Directory questions give the same answers as the plain definition of what they ask."""

from __future__ import annotations

import random

import yaml

from bot.directory import db, loader, queries


def test_nearest_centres_are_those_with_the_smallest_great_circle_distance(database_url):
    rng = random.Random(5)
    centres = [{"id": f"c{i}", "name": f"Centro {i}", "city": f"Ciudad {i % 20}", "country": "Colombia",
                "address": f"Calle {i}", "phone": "+57 1 555 0000",
                "latitude": round(rng.uniform(-40, 25), 4), "longitude": round(rng.uniform(-110, -35), 4)}
               for i in range(80)]
    directory = {"countries": [{"name": "Colombia", "timezone": "America/Bogota",
                                "emergency": [{"name": "x", "phone": "123"}]}], "centres": centres}
    assert loader.load(yaml.safe_dump(directory), database_url).ok
    with db.session(database_url) as session:
        for _ in range(60):
            latitude, longitude = rng.uniform(-45, 30), rng.uniform(-115, -30)
            expected = sorted(centres, key=lambda centre: queries.distance_km(
                latitude, longitude, centre["latitude"], centre["longitude"]))[:3]
            found = queries.nearest_centres(session, latitude, longitude, limit=3)
            assert [nearby.centre.id for nearby in found] == [centre["id"] for centre in expected]
            assert found[0].km == queries.distance_km(latitude, longitude, expected[0]["latitude"],
                                                      expected[0]["longitude"])


def test_nearest_centres_of_one_country_and_the_cities_of_one_country(database_url):
    countries = [{"name": name, "timezone": "America/Bogota", "emergency": [{"name": "x", "phone": "123"}]}
                 for name in ("Colombia", "Ecuador")]
    centres = [{"id": key, "name": key, "city": city, "country": country, "address": "Calle 1", "phone": "1",
                "latitude": latitude, "longitude": -77.0}
               for key, city, country, latitude in (("ipi", "Ipiales", "Colombia", 0.8),
                                                    ("tul", "Tulcán", "Ecuador", 0.81),
                                                    ("bog", "Bogotá", "Colombia", 4.7))]
    services = [{"id": "s-tul", "name": "Comedor", "category": "food", "city": "Tulcán", "centre": "tul"},
                {"id": "s-bog", "name": "Comedor", "category": "food", "city": "Bogotá", "centre": "bog"}]
    assert loader.load(yaml.safe_dump({"countries": countries, "centres": centres, "services": services},
                                      allow_unicode=True), database_url).ok
    with db.session(database_url) as session:
        assert [near.centre.id for near in queries.nearest_centres(session, 0.85, -77.0, 1)] == ["tul"]
        assert [near.centre.id for near in queries.nearest_centres(session, 0.85, -77.0, 1, "colombia")] == ["ipi"]
        assert queries.cities_with(session, ["food"], "colombia") == ["Bogotá"]
        assert queries.cities_with(session, [], "ecuador") == ["Tulcán"]


def test_a_page_of_services_and_their_count(database_url):
    services = [{"id": f"s{i:02d}", "name": f"Servicio {i}", "category": "food" if i % 3 else "legal",
                 "city": "Pasto", "address": f"Calle {i}"} for i in range(13)]
    assert loader.load(yaml.safe_dump({"services": services}), database_url).ok
    with db.session(database_url) as session:
        assert queries.count_services(session, "pasto") == 13
        assert queries.count_services(session, "Pasto", ["legal"]) == 5
        expected = ["s01", "s02", "s04", "s05", "s07", "s08", "s10", "s11",  # food, then legal, each by id
                    "s00", "s03", "s06", "s09", "s12"]
        assert [service.id for service in queries.services_in(session, "Pasto")] == expected
        pages = [[service.id for service in queries.services_in(session, "Pasto", offset=start, limit=5)]
                 for start in (0, 5, 10)]
        assert pages == [expected[:5], expected[5:10], expected[10:]]
