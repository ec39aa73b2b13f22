"""Greetings and courtesies at the start of a message, which must not swallow the question after them.

"hola buenas, ¿cómo saco la visa humanitaria en Quito?" is a question about papers, not a
greeting; "Good afternoon, God bless you. Where can I see a doctor?" asks for a doctor; "muchas
gracias, ¿y el sábado?" asks about Saturday.
`without_preamble` takes the opening greetings and courtesy formulas off, when a question of
two words or more is left; a message that is only a greeting is left as it is.
"""

from __future__ import annotations

import re

from bot.normalise import fold, words

_OPENERS = [
    # es
    r"hola+", r"holi+s?", r"ola", r"buenas?", r"buenos", r"buen", r"dias", r"tardes", r"noches", r"dia",
    r"saludos?", r"cordial saludo", r"un saludo", r"bendiciones", r"dios (?:te|le|les|los) bendiga", r"que tal",
    r"como esta[ns]?", r"como estas", r"epale", r"epa", r"que hubo", r"q hubo", r"quiubo",
    r"mi (?:amor|reina|rey|pana|hermano|hermana|corazon)", r"senor(?:es|a|ita)?", r"joven", r"amig[oa]", r"chamo",
    r"pana", r"estimad[oa]s?", r"espero que (?:este|estes|esten) (?:muy )?bien", r"disculpe?n?", r"perdone?n?",
    r"perdon", r"(?:disculpe?n?|perdone?n?|perdon) (?:por )?(?:la|las) molestias?", r"con (?:todo )?respeto",
    r"una (?:pregunta|consulta)", r"muy (?:buenas|buenos)", r"feliz (?:dia|tarde|noche)",
    r"(?:muchas |mil |muchisimas )?gracias(?: de verdad| por todo| por la informacion)?", r"ok(?:ey)? gracias",
    r"vale gracias", r"(?:que|muy) amables?(?: de su parte)?",
    # en
    r"hello+(?: there| all| everyone)?", r"hi+(?: there| all| everyone)?", r"hey+(?: there)?", r"hiya",
    r"good (?:morning|afternoon|evening|day)", r"greetings", r"blessings", r"god bless(?: you)?",
    r"(?:i )?hope (?:you are|you're|youre) (?:well|ok|okay|fine)", r"sorry to (?:bother|disturb|trouble)(?: you)?",
    r"excuse me", r"pardon me", r"dear (?:sir|madam|team|all|friends?)", r"(?:a|one|quick) question",
    r"thank you(?: (?:very|so) (?:much|kindly)| kindly)?", r"thanks(?: a lot| so much)?", r"ok(?:ay)? thanks",
    r"many thanks",
]
# Longest first, so that "disculpe la molestia" is taken whole, not "disculpe" alone.
_OPENING = re.compile(rf"^(?:{'|'.join(sorted(_OPENERS, key=len, reverse=True))})\b[\s,.;:!¡?¿…\-–—🙏👋😊🙂]*")


def without_preamble(text: str) -> str:
    """`text` less its opening greetings and courtesies, when two words or more are left; else `text`."""
    rest = fold(text)
    while True:
        shorter = _OPENING.sub("", rest, count=1)
        if shorter == rest:
            break
        rest = shorter
    if rest == fold(text) or len(words(rest)) < 2:
        return text
    return text[len(text) - _tail_length(text, rest):].strip()


def _tail_length(text: str, rest: str) -> int:
    """How many characters at the end of `text` make up `rest` (its folded, trimmed tail)."""
    for start in range(len(text)):
        if fold(text[start:]) == rest:
            return len(text) - start
    return len(text)
