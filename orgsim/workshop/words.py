"""Plain English for a room: counts with their nouns, weeks, organisations and forums."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

STAGES = {"build": ("build", "builds"), "assess": ("assessment", "assessments"),
          "reuse": ("reuse", "reuses"), "": ("piece of work", "pieces of work")}


def count(n: int, one: str, many: str | None = None) -> str:
    """`1 initiative`, `4 initiatives`."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def weeks(x: float) -> str:
    """Weeks to one decimal place, without a trailing `.0`: `11`, `33.3`."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def span(x: float) -> str:
    """`1 week`, `2.5 weeks`."""
    text = weeks(x)
    return f"{text} week" if text == "1" else f"{text} weeks"


def effort(x: float) -> str:
    """`1 person-week`, `1.5 person-weeks` (three significant figures)."""
    text = f"{x:.3g}"
    return f"{text} person-week" if text == "1" else f"{text} person-weeks"


def noun(kind: str) -> str:
    """What a stage of this kind is called: `build`, `assessment`."""
    return STAGES.get(kind, (kind, ""))[0]


def stage(kind: str, n: int) -> str:
    one, many = STAGES.get(kind, (kind, kind + "s"))
    return count(n, one, many)


def listing(parts: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(parts)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tally(names: Iterable[str], order: Iterable[str] = ()) -> list[tuple[str, int]]:
    """Counts by name, most first, ties in `order` then as met."""
    counts = Counter(names)
    rank = {n: i for i, n in enumerate(order)}
    return sorted(counts.items(), key=lambda kv: (-kv[1], rank.get(kv[0], len(rank))))


def forum(name: str, units: set[str]) -> str:
    """`nhsx_investment_committee` -> `NHSX investment committee`; `ics_board@ICS15` -> `ICS board`.

    Words that are an organisation's name (or the ICSs' prefix) keep its capitals.
    """
    upper = {u.upper(): u for u in units}
    words = [upper.get(w.upper(), w) for w in name.split("@")[0].split("_") if w]
    return " ".join(words) or name


def where(label: str, unit: str) -> str:
    """A forum's label with its organisation, unless the label already names it."""
    return label if unit in label.split() else f"{label} at {unit}"
