"""Initiatives: one piece of transformation work (MODEL.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orgsim.domain.sums import left_sum


@dataclass(frozen=True, slots=True)
class Initiative:
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

    @property
    def capability_key(self) -> str:
        """What it builds: two initiatives with the same key build the same thing."""
        return f"{self.theme}/{self.variant}"

    @property
    def total_effort(self) -> float:
        return left_sum([e for _, e in self.effort])  # a list is summed faster than a generator

    def effort_of(self, functions: tuple[str, ...]) -> float:
        return left_sum([e for f, e in self.effort if f in functions])
