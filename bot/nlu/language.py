"""The language (es or en) of a short user message, and explicit requests to switch.

Place names read the same in both languages, so they are taken out first.
Short messages are decided by a count of words typical of each language;
longer ones also by langdetect, restricted to Spanish and English. What stays
ambiguous ("ok", "si", "Quito", an emoji) is None: the caller keeps the
conversation's language.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Optional

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from bot.normalise import fold, squeeze, words

SPANISH = frozenset("""
dentista odontologo psicologo psicologa medica doctora chamba colegio estudiar clases requisitos gratis costo
precio talleres vacunas vacunacion arriendo albergue alojamiento techo comedor
de la el los las que en y por para con un una unos unas donde esta estan estoy hay es son soy mi mis
necesito necesita quiero queria busco buscando tengo tiene tienen hola gracias buenos buenas dias tardes
noches centro como cuando cual cuales horario horarios hora horas abren abre cierran abierto telefono
numero ayuda ayudame ayudar puedo puedes pueden sobre del al se lo le su sus muy bien tambien hablar
hable alguien trabajo empleo comida comer salud medico abogado eventos evento servicios servicio hoy
manana semana fin vale chao adios chamo pana porfa favor nada mas ver keda queda cerca cercano ninos
nino hijo hija hijos mis nuestro donde dnd xq porque pq tambien necesitamos atienden atiende cita
quien quienes algo algun alguna ningun ninguna sabado domingo lunes martes miercoles jueves viernes
ahora usted ustedes ustede nosotros ella ellos yo tu te nos les aqui alla eso esto esta este estos
mucho muchas muchos poco dinero casa dormir calle ciudad pais venezolano venezolana migrante migrantes
refugiado papeles documentos cedula permiso taller talleres feria jornada oficina direccion correo
borrar borra elimina datos privacidad habla hablame espanol castellano ingles socorro auxilio dame
emergencia urgente ayudenme ayudeme matar pegar anoche perdio perdido encuentro aparece incendio fuego
humo sangre sangrando respira miedo policia amenaza amenazaron esposo esposa marido bebe nina
decir dice digame dime ir llegar queda sirve pasa pasando hacer hago hace hacen saber se sabe
""".split())

ENGLISH = frozenset("""
dentist psychologist therapist counselling counseling meal meals housing classes requirements free cost price
vaccine vaccines vaccination shots rent papers documents
the is are where what when how you your my need needs want looking for to in of and please thanks
thank hello hi hey good morning afternoon evening bye centre center hours open opens close closes
phone number help can could would do does there any job jobs food lawyer events event services service
today tomorrow week weekend yes talk someone with near nearest this that it have has get i im i'm
english spanish speak am was be will from at on an some about which who whom why also job work
doctor's kids children child school shelter sleep eat legal advice clinic workshop workshops fair
address contact email data delete my privacy person human advisor right now call where's whats
what's tell show more next thx ty pls plz tonight place office our we they them their
emergency urgent kill hurt hurting missing find lost fire burn burned bleeding breathing unconscious
scared afraid police threat threatened beat beating husband wife son daughter baby kid
""".split())

# Words that say nothing about the language on their own.
AMBIGUOUS = frozenset("ok okay okey si no me a hospital doctor taxi chao bye wifi whatsapp sos ppt pep cv tel "
                      "plis".split())

# What people ask about, as one word: enough on its own to tell the language ("tumbes food", "dentista quito").
TOPICS_ES = frozenset("""comida comer comedor albergue alojamiento techo dormir abogado abogada dentista odontologo
psicologo psicologa medico medica doctora trabajo chamba empleo escuela colegio estudiar clases horario horarios
direccion telefono papeles documentos requisitos gratis costo precio eventos talleres ninos vacunas vacunacion
arriendo""".split())
TOPICS_EN = frozenset("""food eat meal meals shelter housing sleep lawyer dentist psychologist therapist counselling
counseling doctor's job jobs work school classes hours address phone papers documents requirements free cost price
events workshops kids children vaccine vaccines vaccination shots rent centre center clinic""".split())

# A single word is enough only when it is one of these, or a topic of TOPICS_ES / TOPICS_EN.
STRONG = frozenset("hola gracias buenas buenos adios ayuda ayudame ayudenme socorro auxilio donde emergencia urgente "
                   "hello hi hey thanks thank help where please emergency urgent".split())

_SWITCH_TO = {
    "en": re.compile(
        r"\b(?:in|en|into|to)\s+(?:english|ingles)\b|\b(?:english|ingles)\s+(?:please|pls|plz|por\s*favor|porfa)\b"
        r"|\b(?:speak|talk|write|answer|reply|switch|change|habla\w*|escrib\w*|contest\w*|cambi\w*)\b"
        r"[^.?!]{0,20}\b(?:english|ingles)\b|^\W*(?:english|ingles)\W*$"
        r"|\bno\s+(?:hablo|entiendo)\s+(?:bien\s+)?(?:el\s+)?(?:espanol|castellano)\b"
        r"|\bi\s+(?:do\s*n'?o?t|dont|can'?t|cannot)\s+(?:speak|understand|read)\s+(?:much\s+)?spanish\b"),
    "es": re.compile(
        r"\b(?:in|en|into|to)\s+(?:spanish|espanol|castellano)\b"
        r"|\b(?:spanish|espanol|castellano)\s+(?:please|pls|plz|por\s*favor|porfa)\b"
        r"|\b(?:speak|talk|write|answer|reply|switch|change|habla\w*|escrib\w*|contest\w*|cambi\w*)\b"
        r"[^.?!]{0,20}\b(?:spanish|espanol|castellano)\b|^\W*(?:spanish|espanol|castellano)\W*$"
        r"|\bno\s+(?:hablo|entiendo)\s+(?:bien\s+)?(?:el\s+)?ingles\b"
        r"|\bi\s+(?:do\s*n'?o?t|dont|can'?t|cannot)\s+(?:speak|understand|read)\s+(?:much\s+)?english\b"),
}
_LEARNING = re.compile(r"\b(?:learn\w*|aprend\w*|clase\w*|class\w*|curso\w*|course\w*|lesson\w*)\b")
_CLAUSE = re.compile(r"[^.?!,;¿¡\n]+[.?!,;\n]*")
LONG_ENOUGH = 15  # letters before langdetect's opinion counts
CONFIDENT = 0.9


def requested_language(text: str) -> Optional[str]:
    """The language the user explicitly asks to talk in ("English please", "en español"), if any."""
    folded = fold(text)
    if _LEARNING.search(folded):
        return None
    for language, pattern in _SWITCH_TO.items():
        if pattern.search(folded):
            return language
    return None


def without_request(text: str) -> str:
    """`text` less the clauses that only ask to switch language, when something else is left.

    "Can we talk in English? Where is the centre?" gives "Where is the centre?";
    "English please" is returned as it is.
    """
    clauses = _CLAUSE.findall(text)
    kept = [clause for clause in clauses if not requested_language(clause)]
    rest = "".join(kept).strip()
    return rest if len(kept) < len(clauses) and len(words(rest)) >= 2 else text


def strip_names(text: str, names: Iterable[str]) -> str:
    """The folded `text` with every whole-word occurrence of `names` (folded words) removed."""
    folded = f" {' '.join(words(text))} "
    for name in names:
        if name and f" {name} " in folded:
            folded = folded.replace(f" {name} ", " ")
    return folded.strip()


def proper_nouns(directory: dict, extra: Iterable[str] = ()) -> list[str]:
    """The plain-string names, addresses, cities and countries of a directory document (as `bot.directory.loader` reads
    it), folded, longest first, and `extra`: they read the same in both languages, so `detect` leaves them
    out of a reply that quotes them ("Calle Manuel Coronado S27-112 y Av. Mariscal Sucre" in an English
    reply)."""
    found = set(extra)
    for records in directory.values():
        for record in records or []:
            found.update(" ".join(words(str(record[key]))) for key in ("name", "title", "address", "city", "country")
                         if isinstance(record, dict) and isinstance(record.get(key), str))
    return sorted(found, key=len, reverse=True)


def detect(text: str, names: Iterable[str] = ()) -> Optional[str]:
    """"es" or "en" when the message clearly is in that language, else None.

    `names` are folded place names to leave out (they read the same in both).
    """
    requested = requested_language(text)
    if requested:
        return requested
    tokens = [squeeze(token) for token in strip_names(text, names).split() if not token.isdigit()]
    if not tokens:
        return None
    spanish = sum(token in SPANISH and token not in AMBIGUOUS or _ending(token) == "es" for token in tokens)
    english = sum(token in ENGLISH and token not in AMBIGUOUS or _ending(token) == "en" for token in tokens)
    if len(tokens) == 1:
        if tokens[0] in TOPICS_ES or tokens[0] in TOPICS_EN:
            return "es" if tokens[0] in TOPICS_ES else "en"
        ending = _ending(tokens[0])
        if ending:  # "psicologist": a word of neither list, spelt the way of one language
            return ending
        return ("es" if spanish else "en" if english else None) if tokens[0] in STRONG else None
    margin = spanish - english
    if abs(margin) >= 2:
        return "es" if margin > 0 else "en"
    topics = sum(token in TOPICS_EN for token in tokens) - sum(token in TOPICS_ES for token in tokens)
    if not margin and topics:  # "centro hours": what is asked about tells, not the word for the place
        return "en" if topics > 0 else "es"
    letters = sum(len(token) for token in tokens)
    if letters >= LONG_ENOUGH:
        guess = _langdetect(" ".join(tokens))
        if guess:
            return guess
    if margin:
        return "es" if margin > 0 else "en"
    return None


_ENDINGS = {"en": re.compile(r"\w{3,}(?:ist|ists|tion|tions|ness)$"),
            "es": re.compile(r"\w{3,}(?:cion|ciones|ista|istas|mente)$")}


def _ending(token: str) -> Optional[str]:
    """The language whose spelling a word of neither list has by its ending ("psicologist", "informacion")."""
    if token in SPANISH or token in ENGLISH or token in AMBIGUOUS:
        return None
    return next((language for language, ending in _ENDINGS.items() if ending.fullmatch(token)), None)


def _langdetect(text: str) -> Optional[str]:
    """langdetect's choice between es and en when it is confident, else None."""
    detector = _factory().create()
    detector.set_prior_map({"es": 0.5, "en": 0.5})
    detector.append(text)
    try:
        best = max(detector.get_probabilities(), key=lambda found: found.prob)
    except (LangDetectException, ValueError):
        return None
    return best.lang if best.lang in ("es", "en") and best.prob >= CONFIDENT else None


def warm_up() -> None:
    """Load langdetect's language profiles now (about a second), not on someone's first long message."""
    _factory()


@functools.lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    DetectorFactory.seed = 0
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory
