"""Cities are recognised from the directory at run time: accents, case and typos forgiven."""

from __future__ import annotations

import yaml

from bot import loader
from bot.categories import categories_in
from bot.places import NameIndex


def names(index: NameIndex, text: str) -> list[tuple[str, bool]]:
    return [(place.name, place.in_directory) for place in index.find_cities(text)]


def test_directory_cities_without_accents_in_any_case_and_with_typos(loaded):
    index = NameIndex(loaded)
    assert names(index, "donde queda el centro en CUCUTA") == [("Cúcuta", True)]
    assert names(index, "centro en cucta porfa") == [("Cúcuta", True)]
    assert names(index, "Where is the centre in Quito?") == [("Quito", True)]


def test_a_city_loaded_later_is_recognised_at_once(loaded):
    index = NameIndex(loaded)
    assert names(index, "hay algo en Villa del Rosario") == [("Villa del Rosario", False)]
    assert names(index, "hay algo en Xalapeño Viejo") == []
    new = {"services": [{"id": "xv", "name": "Comedor", "category": "food", "city": "Xalapeño Viejo",
                         "address": "Calle 1"}]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), loaded).ok
    assert names(index, "hay algo en xalapeno viejo?") == [("Xalapeño Viejo", True)]


def test_gazetteer_cities_that_are_everyday_words_need_a_capital(loaded):
    index = NameIndex(loaded)
    assert names(index, "me siento en soledad") == []
    assert names(index, "centro en Soledad") == [("Soledad", False)]


def test_category_words_in_both_languages():
    assert categories_in("necesito un abogado") == ["legal"]
    assert categories_in("I need a job") == ["employment"]
    assert "food" in categories_in("donde puedo comer algo")
    assert "children" in categories_in("un espacio para niños")


def test_a_long_city_name_is_matched_whole_not_taken_for_a_similar_one(database_url):
    new = {"services": [{"id": f"s{n}", "name": "Comedor", "category": "food", "city": city, "address": "Calle 1"}
                        for n, city in enumerate(["Puerto Altayacu de la Sierra", "Huatayacu de la Sierra"])]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), database_url).ok
    index = NameIndex(database_url)
    assert names(index, "comida en puerto altayacu de la sierra") == [("Puerto Altayacu de la Sierra", True)]
