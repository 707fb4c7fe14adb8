"""Initiatives: one piece of transformation work, as the README's Concepts describe it."""

from __future__ import annotations

from typing import Literal, NamedTuple

from orgsim.domain.sums import left_sum


class Initiative(NamedTuple):
    """One initiative, immutable. Make one with `Initiative.new`, which derives the last two fields.

    A named tuple rather than a frozen dataclass: a run builds a thousand or more
    before its clock starts, and a tuple is built in a third of the time.
    """

    id: int
    origin: str  # scenario unit that raised it
    origin_kind: Literal["ics", "national"]
    arrival_week: float
    theme: str
    variant: int
    effort: tuple[tuple[str, float], ...]  # person-weeks by function, sorted by function
    value_per_week: float
    national_candidate: bool
    funding: Literal["revenue", "capital"]
    priority: bool
    # Derived, kept because the engine asks for them at almost every step:
    capability_key: str  # what it builds: initiatives with the same key build the same thing
    total_effort: float  # person-weeks over every function

    @classmethod
    def new(cls, id: int, origin: str, origin_kind: Literal["ics", "national"], arrival_week: float,
            theme: str, variant: int, effort: tuple[tuple[str, float], ...], value_per_week: float,
            national_candidate: bool, funding: Literal["revenue", "capital"],
            priority: bool) -> Initiative:
        return cls._make((id, origin, origin_kind, arrival_week, theme, variant, effort,
                          value_per_week, national_candidate, funding, priority,
                          f"{theme}/{variant}", left_sum([e for _, e in effort])))

    def effort_of(self, functions: tuple[str, ...]) -> float:
        return left_sum([e for f, e in self.effort if f in functions])
