"""The keyword safety net: words of danger that must bring emergency lines, in both languages.

Matched on folded text (no accents, lower case). A pattern here is enough on
its own; the classifier may have been unsure or wrong.
"""

from __future__ import annotations

import re

from bot.normalise import fold

_DANGER = [
    # violence and threats
    r"\bme (?:quieren|van a|va a|quiere) (?:matar|pegar|violar|secuestrar|hacer dano)",
    r"\b(?:me|nos) (?:esta|estan) (?:pegando|golpeando|persiguiendo|amenazando|siguiendo)",
    r"\b(?:me|nos) (?:pega|golpea|amenaza|amenazan|violo|violaron|secuestraron|secuestro)\b",
    r"\b(?:auxilio|socorro)\b", r"\bayuda urgente\b", r"\bviolencia (?:domestica|intrafamiliar)\b",
    r"\b(?:want|going|trying|threaten\w*) to (?:kill|hurt|rape|kidnap) (?:me|us|my)\b",
    r"\b(?:he|she|they|someone|somebody) (?:is|are) (?:hitting|beating|following|chasing|threatening) (?:me|us)\b",
    r"\b(?:hits|beats|raped|kidnapped|abuses|abused) (?:me|us|my)\b", r"\bdomestic (?:violence|abuse)\b",
    r"\b(?:i am|i'm|im) in danger\b", r"\bestoy en peligro\b", r"\bcall the police\b", r"\bllam\w* a la policia\b",
    r"\b(?:nos|los|las|lo|la) (?:quieren|van a|va a) matar\b", r"\bamenaz\w* de muerte\b",
    r"\b(?:secuestr\w*|violaron|violacion|abusaron)\b", r"\b(?:i was|she was|he was|we were) (?:raped|kidnapped|attacked)\b",
    r"\b(?:was|were|been|being) (?:kidnapped|abducted)\b", r"\b(?:i am|i'm|im|we are) being (?:threatened|followed|attacked)\b",
    r"\bdeath threat\w*\b", r"\b(?:pistola|arma|cuchillo|gun|knife)\b.{0,30}\b(?:apunt\w*|amenaz\w*|point\w*|threat\w*)\b",
    r"\b(?:apunt\w*|amenaz\w*|point\w*|threat\w*)\b.{0,30}\b(?:pistola|arma|cuchillo|gun|knife)\b",
    r"\b(?:broke|breaking) into (?:my|our) (?:house|home|room)\b", r"\bse metieron a (?:mi|la) casa\b",
    r"\btrata de personas\b|\bhuman trafficking\b|\bme tienen encerrad[ao]\b|\b(?:locked|trapped) me\b",
    # self-harm
    r"\bsuicid\w*", r"\b(?:matarme|quitarme la vida|hacerme dano|cortarme|no quiero vivir|quiero morir\w*)\b",
    r"\b(?:me voy a|voy a) (?:quitar la vida|matar)\b", r"\bno quiero (?:seguir )?viviendo\b",
    r"\b(?:do ?n'?o?t|dont) want to (?:live|be alive)\b", r"\b(?:end|take) my (?:own )?life\b",
    r"\b(?:kill|hurt|harm|cut) myself\b", r"\b(?:want|wanna) to die\b", r"\bend (?:my|it) (?:life|all)\b",
    # medical emergencies
    r"\bambulancia\b", r"\bambulance\b", r"\bno respira\b", r"\b(?:not|isn'?t|stopped) breathing\b",
    r"\bataque (?:al corazon|cardiaco)\b", r"\bheart attack\b", r"\b(?:sangrando mucho|se desangra)\b",
    r"\bbleeding (?:a lot|badly|heavily)\b", r"\b(?:convulsion\w*|seizure)\b", r"\b(?:se desmayo|inconsciente)\b",
    r"\b(?:unconscious|overdose|sobredosis|envenenad[oa]|poisoned)\b",
]
_PATTERN = re.compile("|".join(f"(?:{pattern})" for pattern in _DANGER))


def speaks_of_danger(text: str) -> bool:
    """Whether the message speaks of violence, threats, abuse, self-harm or a medical emergency."""
    return bool(_PATTERN.search(fold(text)))
