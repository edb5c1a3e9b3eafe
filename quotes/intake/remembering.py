"""A gazetteer that answers a name it was asked before at once. Articles name the same
people and bodies again and again, and a fuzzy lookup compares a name with every known
one sharing its trigrams (thousands of "Ministry of … of …" in a large archive). No
Django here: batch workers receive it pickled."""

from __future__ import annotations

from quotes.extraction.gazetteer import Gazetteer
from quotes.extraction.types import GazetteerMatch

REMEMBERED = 50_000


class RememberingGazetteer(Gazetteer):
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.__dict__.update(gazetteer.__dict__)
        self._answers: dict[tuple[str, str], GazetteerMatch | None] = {}

    def person(self, name: str) -> GazetteerMatch | None:
        return self._remembered("person", name, super().person)

    def organization(self, name: str) -> GazetteerMatch | None:
        return self._remembered("organization", name, super().organization)

    def outlet(self, name: str) -> GazetteerMatch | None:
        return self._remembered("outlet", name, super().outlet)

    def _remembered(self, kind: str, name: str, lookup) -> GazetteerMatch | None:
        key = (kind, name)
        if key not in self._answers:
            if len(self._answers) >= REMEMBERED:
                self._answers.clear()
            self._answers[key] = lookup(name)
        return self._answers[key]
