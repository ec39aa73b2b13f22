"""Cities are recognised from the directory at run time: accents, case and typos forgiven."""

from __future__ import annotations

import pytest
import yaml

from bot.directory import loader
from bot.directory.categories import categories_in
from bot.nlu.places import NameIndex, on_the_way


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
    assert categories_in("yo where can i get my shots") == ["health"]
    assert categories_in("hay algo para examen de la vista?") == ["health"]
    assert categories_in("pa sacar el SIS en lima") == ["health"] and categories_in("hey sis") == []
    assert categories_in("una muela me viene molestando") == ["health"]
    # a trade course trains for a job; a word inside a longer phrase of another kind counts for that one only
    assert categories_in("cursos de cocina en quito") == ["employment"]
    assert categories_in("hay cursos de belleza o electricidad?")[-1] == "employment"
    assert categories_in("curso de ingles") == ["education"]


def test_a_long_city_name_is_matched_whole_not_taken_for_a_similar_one(database_url):
    new = {"services": [{"id": f"s{n}", "name": "Comedor", "category": "food", "city": city, "address": "Calle 1"}
                        for n, city in enumerate(["Puerto Altayacu de la Sierra", "Huatayacu de la Sierra"])]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), database_url).ok
    index = NameIndex(database_url)
    assert names(index, "comida en puerto altayacu de la sierra") == [("Puerto Altayacu de la Sierra", True)]


def test_a_city_spelt_by_its_sound_is_heard(loaded):
    index = NameIndex(loaded)
    assert names(index, "centro en kukuta") == [("Cúcuta", True)]
    assert names(index, "que hay en kito") == [("Quito", True)]
    assert names(index, "me quito el sueño") == []  # a verb after its pronoun, whatever it sounds like
    assert names(index, "my tooth is killing me, quito, where can i go") == [("Quito", True)]  # a comma between
    assert names(index, "la casa del pueblo") == []


def test_a_district_stands_for_its_city(loaded):
    index = NameIndex(loaded)
    assert names(index, "vivo en barrio atalaya") == [("Cúcuta", True)]  # from the directory's own address
    assert names(index, "I live in Kennedy") == [("Bogotá", False)]      # the district gazetteer
    assert names(index, "estoy en San Juan de Lurigancho") == [("Lima", False)]  # not "San Juan"


def test_a_neighbourhood_of_a_centre_loaded_later_is_known_at_once_unless_two_cities_share_it(loaded):
    index = NameIndex(loaded)
    assert names(index, "comida cerca de Villa Paraíso Norte") == []
    new = {"services": [
        {"id": "vp", "name": "Comedor", "category": "food", "city": "Quito",
         "address": "Calle 1 # 2-3, barrio Villa Paraíso Norte"},
        {"id": "lp1", "name": "Comedor", "category": "food", "city": "Quito", "address": "Av. 5, Loma Pelada"},
        {"id": "lp2", "name": "Comedor", "category": "food", "city": "Cúcuta", "address": "Calle 9, Loma Pelada"}]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), loaded).ok
    assert names(index, "comida cerca de villa paraiso norte") == [("Quito", True)]
    assert names(index, "comida en Loma Pelada") == []


def test_a_centre_named_alone_stands_for_its_city(loaded):
    index = NameIndex(loaded)
    assert names(index, "¿dónde queda la Casa de Acogida Norte?") == [("Quito", True)]
    assert names(index, "a q hora abre el centro atalaya") == [("Cúcuta", True)]


def test_a_centre_named_without_its_article_or_by_its_sound_stands_for_its_city(loaded):
    new = {"centres": [{"id": "garzota", "name": "Centro de Integración La Garzota", "city": "Guayaquil",
                        "country": "Ecuador", "address": "Av. 1", "phone": "+593 4 555 0000"}]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), loaded).ok
    index = NameIndex(loaded)
    assert names(index, "garzota centre whatsapp") == [("Guayaquil", True)]
    assert names(index, "garsota centre whatsapp") == [("Guayaquil", True)]


def test_a_city_named_outright_wins_over_a_district_of_another(loaded):
    index = NameIndex(loaded)
    assert names(index, "antes vivía en Atalaya, ahora estoy en Quito") == [("Quito", True)]


def test_a_city_matched_by_likeness_alone_is_not_sure(loaded):
    index = NameIndex(loaded)
    [guess] = index.find_cities("centro en cucutra")
    assert (guess.name, guess.sure) == ("Cúcuta", False)
    assert [(place.name, place.sure) for place in index.find_cities("centro en kukuta y en Quito")] == [
        ("Cúcuta", True), ("Quito", True)]  # by sound, and by spelling
    # a city spelt right is sure, even where the words around it look like a typo of it
    new = {"services": [{"id": "baq", "name": "Albergue", "category": "housing", "city": "Barranquilla",
                         "address": "Calle 1"}]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), loaded).ok
    assert [(place.name, place.sure, place.start) for place in index.find_cities("albergue en barranquilla")] == [
        ("Barranquilla", True, 12)]  # "en barranquilla" is 89% like "barranquilla"


def test_a_town_that_is_also_a_district_of_the_directory_stands_for_the_district_when_the_message_says_so(loaded):
    new = {"centres": [{"id": "libertad", "name": "Casa de Integración La Libertad", "city": "Cúcuta",
                        "country": "Colombia", "address": "Calle 10N # 4-58, barrio La Libertad",
                        "phone": "+57 607 555 0000"}],
           "services": [{"id": "sf", "name": "Comedor", "category": "food", "city": "Bogotá",
                         "address": "Calle 2 # 5-40, barrio Las Cruces, Santa Fe"}]}
    assert loader.load(yaml.safe_dump(new, allow_unicode=True), loaded).ok
    index = NameIndex(loaded)
    # the centre's whole name, five words long, is Cúcuta's, not the Ecuadorian town of La Libertad
    assert names(index, "¿Dónde queda la Casa de Integración La Libertad?") == [("Cúcuta", True)]
    assert names(index, "vivo en el barrio la libertad") == [("Cúcuta", True)]
    assert names(index, "Las Cruces, Santa Fe: is there food?") == [("Bogotá", True), ("Bogotá", True)]
    # alone, the town is the town: the assistant must not move someone to another country
    assert names(index, "vivo en La Libertad") == [("La Libertad", False)]
    assert names(index, "estoy en Santa Fe") == [("Santa Fe", False)]


def test_a_street_named_after_a_town_is_not_that_town(loaded):
    index = NameIndex(loaded)
    assert names(index, "estoy cerca de la Avenida Quito, en Cúcuta") == [("Cúcuta", True)]
    assert names(index, "vivo en el Jr. Huaraz") == []
    assert names(index, "vivo en Huaraz") == [("Huaraz", False)]


@pytest.mark.parametrize("text, city, passing", [
    ("almuerzo en tumbes? vamos de paso pa lima", "lima", True),
    ("we are from Cúcuta, now in Quito", "Cúcuta", True),
    ("mi nieta llegó de Maracaibo hace un mes", "Maracaibo", True),
    ("seguimos a Lima el lunes", "Lima", True),
    ("allá en Valencia nunca pude terminar el bachillerato", "Valencia", True),
    ("vivo en Medellín", "Medellín", False),
    ("my cousin just got to Tumbes and will continue to Lima", "Lima", True),
    ("my cousin just got to Tumbes and will continue to Lima", "Tumbes", False),
    ("we moved to Quito last year", "Quito", False),
    ("el centro de Lima", "Lima", False),
    ("llegamos a Lima ayer", "Lima", False),
])
def test_a_city_gone_to_or_come_from_is_told_from_the_city_where_the_writer_is(text, city, passing):
    assert on_the_way(text, text.index(city)) is passing
