"""Short follow-ups read by their words: a day, or one detail of what was just discussed."""

import pytest

from bot.nlu.follow_ups import detail_asked, detail_asked_last, papers_asked


@pytest.mark.parametrize("text, intent", [
    ("sat?", "centre_hours"), ("¿y el sábado?", "centre_hours"), ("what about sundays?", "centre_hours"),
    ("que dias?", "centre_hours"), ("ntp, y el tel?", "centre_contact"), ("ok and the tel?", "centre_contact"),
    ("su whatsapp?", "centre_contact"), ("what i bring", "ask_requirements"), ("y q llevo?", "ask_requirements"),
    ("list requirements", "ask_requirements"), ("¿y cuánto cuesta?", "ask_cost"), ("es gratis?", "ask_cost"),
    ("el centro?", "find_centre"), ("¿dónde queda?", "find_centre"), ("where is it exactly?", "find_centre"),
    ("el tel del centro?", "centre_contact"), ("horario del centro", "centre_hours"),
    ("how old do u have to be", "ask_requirements"), ("¿qué edad hay que tener?", "ask_requirements"),
    ("¿Y qué días atienden eso?", "centre_hours"), ("how do I sign my kids up?", "ask_requirements"),
    ("¿cómo me inscribo?", "ask_requirements"),
])
def test_a_follow_up_of_one_detail_is_read_as_that_detail(text, intent):
    assert detail_asked(text) == intent


@pytest.mark.parametrize("text", [
    "ok", "gracias", "y en lima?", "i need food", "phone of the shelter", "cuanto cuesta y que llevo",
    "sábado a las 3 tengo cita en el centro de salud", "lunes voy al centro", "",
])
def test_a_message_that_asks_more_or_nothing_is_left_to_the_classifier(text):
    assert detail_asked(text) is None


def test_the_last_sentence_of_a_longer_message_may_ask_one_detail():
    assert detail_asked_last("I'm helping them. What do they need to bring?") == "ask_requirements"
    assert detail_asked_last("Can we speak English? What do I need to bring?") == "ask_requirements"
    assert detail_asked_last("We just arrived. Where is the centre?") == "find_centre"
    assert detail_asked_last("We just arrived. Where can we sleep?") is None
    assert detail_asked_last("actualizar: y el sábado?") == "centre_hours"  # a label before a colon
    assert detail_asked_last("editar ciudad -> bogota. el centro?", ["bogota"]) == "find_centre"


def test_the_cities_named_carry_no_detail():
    assert detail_asked("update hours: quito centre on saturday??") is None
    assert detail_asked_last("update hours: quito centre on saturday??", ["quito"]) == "centre_hours"
    assert detail_asked("y en kito el sábado?", ["kito"]) == "centre_hours"
    assert detail_asked("y en kito?", ["kito"]) is None  # a city alone is another question (inform_city)


def test_a_longer_message_about_a_place_may_name_one_detail():
    from bot.nlu.follow_ups import detail_named

    assert detail_named("buenas, una señora aqui al lado me pide el telefono del centro las nieves") == "centre_contact"
    assert detail_named("a que hora abre el centro atalaya y cual es el telefono") is None  # two details
    assert detail_named("donde queda el centro atalaya") is None  # where: the centre itself, not a detail


@pytest.mark.parametrize("text, asked", [
    ("does our youngest need a document? she's 4", True), ("Can my 3 year old be seen without documents?", True),
    ("¿la atienden sin documentos?", True), ("¿piden cédula?", True),
    ("necesito sacar mis papeles", False), ("I need documents", False),
    ("where can I get help with my documents?", False),
])
def test_whether_papers_are_needed_is_told_from_a_wish_for_papers(text, asked):
    assert papers_asked(text) is asked
