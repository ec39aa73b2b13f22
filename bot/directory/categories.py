"""The service categories of the directory and the words people use for them.

The words are matched on folded text (no accents, lower case), as whole words
or, when they end in ``*``, as word prefixes.
"""

from __future__ import annotations

import re

from bot.normalise import fold

CATEGORIES: dict[str, tuple[str, ...]] = {
    "legal": ("abogad*", "juridic*", "legal*", "lawyer*", "asesoria legal", "refugio", "asilo",
              "asylum", "refugee status", "derechos", "rights", "attorney"),
    "documentation": ("document*", "papeles", "ppt", "pep", "permiso", "visa", "visado", "pasaporte*",
                      "passport*", "cedula", "registro", "rumv", "apostill*", "residencia", "residency",
                      "papers", "permit", "regulariz*", "salvoconducto*", "safe-conduct", "carne de extranjeria",
                      "carnet de extranjeria", "foreigner's id", "foreigners id", "cpp", "ptp", "birth certificate",
                      "partida de nacimiento"),
    "health": ("salud", "health*", "medic*", "doctor*", "hospital*", "clinica", "clinic", "enferm*",
               "sick", "vacuna*", "vaccin*", "dentist*", "odontolog*", "embaraz*", "pregnan*", "sisben", "eps",
               "chequeo*", "check-up*", "checkup*", "check up", "shots", "jab", "jabs", "examen de la vista",
               "salud visual", "optometr*", "oftalmolog*", "lentes", "gafas", "anteojos", "eye exam*", "eye test*",
               "eye care", "eyesight", "glasses", "nutric*", "nutrition*", "desnutric*", "malnutrition",
               "el sis", "al sis", "del sis", "the sis", "seguro de salud", "seguro integral", "seguro medico",
               "health insurance", "dientes", "muela", "muelas", "dental", "teeth", "tooth", "toothache"),
    "education": ("educacion", "education", "escuela*", "colegio*", "school*", "cupo escolar", "estudi*",
                  "study", "curso*", "course*", "clases", "classes", "universidad", "university", "matricul*",
                  "enrol*"),
    "employment": ("empleo*", "employment", "trabaj*", "job*", "work", "chamba", "camello", "hoja de vida",
                   "curriculum", "cv", "emprend*", "entrepreneur*", "gig", "gigs", "negocio*", "negocit*",
                   "small business", "microcredit*", "capital semilla", "seed funding",
                   # trade courses train for a job: "cursos de belleza", "a cooking course"
                   "vocational", "trade course*", "oficios", "formacion tecnica", "belleza", "beauty", "barberia",
                   "barbering", "peluqueria", "hairdress*", "cosmetolog*", "manicur*", "electricidad",
                   "electrical work", "curso de cocina", "cursos de cocina", "clases de cocina", "cooking course*",
                   "cooking class*"),
    "housing": ("alojamiento", "albergue*", "refugio temporal", "shelter*", "housing", "vivienda",
                "dormir", "sleep", "bed", "cama", "arriendo", "rent", "hospedaje", "techo",
                "somewhere to crash", "place to crash", "where to crash", "where can i crash",
                "where can we crash", "crash tonight", "desaloj*", "evict*"),
    "food": ("comida*", "aliment*", "food*", "comedor*", "meal*", "hambre", "hungry", "mercado*",
             "olla comunitaria", "eat", "comer", "desayuno*", "almuerzo*", "breakfast", "lunch", "dinner"),
    "psychosocial": ("psicosocial", "psychosocial", "psicolog*", "psycholog*", "depres*", "ansiedad",
                     "anxiety", "triste*", "sad", "estres", "stress*", "hablar con alguien", "talk to"),
    "protection": ("proteccion", "protection", "protect*", "discrimina*", "violencia de genero",
                   "gender-based", "trata", "trafficking", "lgbt*", "denuncia*", "abuso", "abuse"),
    "children": ("nino*", "nina*", "ninez", "infancia", "child*", "kid*", "guarderia*", "daycare",
                 "nursery", "bebe*", "baby", "babies", "hijo*", "hija*", "infantil"),
}


def _keyword_pattern(words: tuple[str, ...]) -> re.Pattern:
    parts = [re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word) for word in words]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


_CATEGORY_PATTERNS = {name: _keyword_pattern(words) for name, words in CATEGORIES.items()}


def categories_in(text: str) -> list[str]:
    """The service categories whose words appear in `text`, in the order they first appear. A word inside a
    longer phrase of another category counts for that one only ("cooking course": employment, not the
    education of "course")."""
    folded = fold(text)
    spans = [(name, match.span()) for name, pattern in _CATEGORY_PATTERNS.items()
             for match in pattern.finditer(folded)]
    found: dict[str, int] = {}
    for name, (start, end) in spans:
        inside = any(other != name and first <= start and end <= last and (first, last) != (start, end)
                     for other, (first, last) in spans)
        if not inside and name not in found:
            found[name] = start
    return sorted(found, key=found.__getitem__)
