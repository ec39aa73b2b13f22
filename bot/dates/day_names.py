"""The days of the week as people write them, in both languages (folded): one list for every reader of days.

Staff write opening hours with them ("lun a vie 8-16"), migrants ask about them ("¿y el sábado?", "sat?"),
and events are asked for by them ("eventos el viernes").
"""

from __future__ import annotations

KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as the directory stores days
# Monday first, as Python's weekday() counts.
WRITTEN: tuple[tuple[str, ...], ...] = (
    ("lunes", "lun", "monday", "mon"), ("martes", "mar", "tuesday", "tue", "tues"),
    ("miercoles", "mie", "mier", "wednesday", "wed"), ("jueves", "jue", "thursday", "thu", "thur", "thurs"),
    ("viernes", "vie", "friday", "fri"), ("sabado", "sab", "saturday", "sat"),
    ("domingo", "dom", "sunday", "sun"))
INDEX: dict[str, int] = {name: index for index, names in enumerate(WRITTEN) for name in names}
# Also another word ("mar": the sea, and March's short form): a day only where a day is expected (opening hours).
NOT_ALONE = frozenset({"mar"})
WEEKDAYS = "|".join(sorted((name for name in INDEX if name not in NOT_ALONE), key=len, reverse=True))
