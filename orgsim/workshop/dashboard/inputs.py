"""Numbers typed on the page, checked where they are typed.

A value that is not a number, not whole where people or items are counted, or
out of range is refused with the reason beside the field, and the button that
would use it is disabled: nothing is applied with a value the room did not type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """What a field takes.

    Attributes:
        whole: Only whole numbers (people, items).
        low, high: Inclusive bounds (None: none).
        above: Exclusive lower bound (None: none).
        blank: An empty field means "as now" rather than a mistake.
    """

    whole: bool = False
    low: float | None = None
    high: float | None = None
    above: float | None = None
    blank: bool = False


def check(text: str, rule: Rule) -> tuple[float | int | None, str]:
    """(the value, "") or (None, the reason it is refused); (None, "") for an allowed blank."""
    text = text.strip()
    if not text:
        return None, "" if rule.blank else "Type a number."
    try:
        value = float(text)
    except ValueError:
        return None, f"{text!r} is not a number."
    if not math.isfinite(value):
        return None, f"{text!r} is not a number."
    if rule.whole and value != int(value):
        return None, f"Must be a whole number, got {text}."
    if rule.above is not None and not value > rule.above:
        return None, f"Must be more than {rule.above:g}, got {text}."
    if rule.low is not None and value < rule.low:
        return None, f"Must be at least {rule.low:g}, got {text}."
    if rule.high is not None and value > rule.high:
        return None, f"Must be at most {rule.high:g}, got {text}."
    return (int(value) if rule.whole else value), ""
