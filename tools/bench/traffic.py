"""What the benchmark says to the assistant: a realistic mix of short conversations, in Spanish and English."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Iterator, Optional

from bot.normalise import fold
from tools.bench.directory import City

# Each script is one conversation of a new sender; "{city}" is a city of the directory.
SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("hola", "donde queda el centro en {city}"),
    ("I need a lawyer in {city}",),
    ("que eventos hay este fin de semana en {city}",),
    ("hello", "what events are there this week in {city}?"),
    ("necesito comida en {city}", "gracias"),
    ("where is the integration centre?", "{city}"),
    ("a que hora abre el centro de {city}",),
    ("buenas, necesito un abogado en {city}", "y el telefono del centro?"),
    ("is there a doctor in {city}?", "thanks, bye"),
    ("chamo busco trabajo en {city}",),
)


@dataclass(frozen=True)
class Turn:
    """One message of a conversation, and the city it names (None when it names none)."""

    text: str
    city: Optional[str]


def conversations(cities: list[City], seed: int) -> Iterator[list[Turn]]:
    """An endless, reproducible stream of conversations: the scripts in turn, each with a random city,
    written half the time as people often type it (lower case, no accents).
    """
    rng = random.Random(seed)
    for number in itertools.count():
        script = SCRIPTS[number % len(SCRIPTS)]
        name = rng.choice(cities).name
        written = fold(name) if rng.random() < 0.5 else name
        yield [Turn(line.format(city=written), name if "{city}" in line else None) for line in script]
