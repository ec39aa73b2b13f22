"""Short follow-ups that change one thing of what was just discussed: a day ("sat?", "¿y el sábado?"), or
one detail ("ntp, y el tel?", "what i bring", "¿y cuánto cuesta?", "where is it exactly?").

Read by their words, not by the classifier, which guesses from so few letters ("sat?" read as a yes):
a message of at most MAX_WORDS words, each of them a word of one detail or a word that carries none.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from bot.dates.day_names import WEEKDAYS
from bot.normalise import fold, words

MAX_WORDS = 8
_DAY = re.compile(rf"^(?:{WEEKDAYS}|weekend|finde|feriado|holiday)s?$")
# The intent each detail is asked with, and the words that ask for it.
DETAILS: dict[str, frozenset[str]] = {
    "centre_hours": frozenset("horario horarios hora horas hours time times abren abre open opens cierran "
                              "closes close dia dias day days".split()),
    "centre_contact": frozenset("tel tlf telf telefono telefonos phone phones numero number cel celular whatsapp "
                                "wsp wa contacto contact correo email".split()),
    "ask_requirements": frozenset("llevo llevar llevamos llevan traer traigo bring requisitos requirements "
                                  "requisito piden cita citas appointment appointments inscribo inscribirse "
                                  "inscribirme inscribir inscripcion sign signup register "
                                  # "how old do u have to be", "¿qué edad hay que tener?"
                                  "old age edad "
                                  # "ok y q hay q hacer primero?", "¿hay que hacer algo antes de ir?"
                                  "hacer".split()),
    "ask_cost": frozenset("cuesta cuestan costo cost costs precio price pagar pay gratis free cobran".split()),
    # "editar ciudad -> bogota. el centro?", "¿dónde queda?", "where is it exactly?"
    "find_centre": frozenset("centro centre center sede oficina office direccion address ubicacion location donde "
                             "where queda quedan ubicado ubicada located exactly exact exacta exacto "
                             "exactamente".split()),
}
# Words that carry no detail of their own: "ntp, y el tel?", "ok and the phone?", "what i bring".
_FILLER = frozenset("y e and el la los las lo the a de del of on en at su sus its their them they it is are "
                    "ok okay k vale dale listo bueno ntp np gracias thanks thx pls plz porfa xfa please "
                    "what whats about how que q cual cuales which then pues entonces tambien too also "
                    "i me my mi yo do does hay ver list show dame give pasas pasame tienen have has "
                    "debo tengo must should to es son cuanto cuanta cuantos much many need needs necesito necesita "
                    "necesitan be ser tener minimum minima minimo "
                    # "¿y qué días atienden eso?", "¿cómo me inscribo?", "how do i sign my kids up tho"
                    "atienden atiende eso esto that this como tho though antes before first primero kids hijos ir go "
                    "we you u he she ella el ellos nosotros usted or o smth something algo up an una un "
                    "ah oh eh disculpe disculpa perdon perdone oiga oye mira sorry hey "
                    # what is brought: "q papeles piden?" (alone, "papeles" asks for documentation services)
                    "papeles documentos documento documents document docs".split())


def detail_asked(text: str, places: Iterable[str] = ()) -> Optional[str]:
    """The intent of the one detail that `text` asks about and nothing else (centre_hours for a day alone),
    or None when it asks something more, or nothing. The words of `places` (the cities named) carry no
    detail: "quito centre on saturday?" asks for hours."""
    tokens = words(text)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    neutral = _FILLER | {word for place in places for word in words(place)}
    asked = {"centre_hours" if _DAY.match(token) else next((intent for intent, asking in DETAILS.items()
                                                             if token in asking), "")
             for token in tokens if token not in neutral}
    if len(asked) > 1:
        asked.discard("find_centre")  # "el tel del centro?", "centre on saturday?": that detail of the centre
    return asked.pop() if len(asked) == 1 and "" not in asked else None


_SENTENCE = re.compile(r"[^.?!:¿¡\n]+[.?!:]*")


def detail_asked_last(text: str, places: Iterable[str] = ()) -> Optional[str]:
    """The detail that the last sentence of `text` asks about ("I'm helping them. What do they need to
    bring?", "actualizar: y el sábado?"), as `detail_asked`; None when that sentence asks more, or nothing."""
    sentences = sentences_of(text)
    return detail_asked(sentences[-1], places) if sentences else None


def sentences_of(text: str) -> list[str]:
    """The sentences of `text` (split at . ? ! : and the opening ¿ ¡), trimmed, without empty ones."""
    return [part.strip() for part in _SENTENCE.findall(text) if part.strip(" .?!")]


def detail_named(text: str) -> Optional[str]:
    """The one detail (other than where) that any word of `text` asks for, however long it is ("una señora
    me pide el telefono del centro las nieves": contact); None when it names none or several."""
    tokens = set(words(text))
    named = {intent for intent, asking in DETAILS.items() if intent != "find_centre" and tokens & asking}
    return named.pop() if len(named) == 1 else None


_PAPERS = r"(?:documentos?|papeles|cedula|pasaporte|documents?|papers|id|ids|passport)"
_PAPERS_ASKED = re.compile(
    rf"\b(?:sin|without)\s+(?:(?:a|any|un|ningun)\s+)?{_PAPERS}\b"
    rf"|\b(?:do|does|will|would)\b.*\bneed\b.*\b{_PAPERS}\b"
    rf"|\b(?:hay que|se necesita|necesita|necesitan|piden|pide|hace falta|tiene que|tienen que)\b.*\b{_PAPERS}\b.*\?")


def papers_asked(text: str) -> bool:
    """Whether `text` asks if papers are needed ("does our youngest need a document?", "¿la atienden sin
    documentos?", "¿piden cédula?"): a requirement of what was just discussed, not a wish for documentation
    services ("necesito sacar mis papeles")."""
    return bool(_PAPERS_ASKED.search(fold(text)))
