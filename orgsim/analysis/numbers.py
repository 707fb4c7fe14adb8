"""Numbers as people read them: an estimate and its interval at one precision, thousands separated.

The precision comes from the interval: two significant figures of its half-width, so
`12.3 [11.9, 12.8]` and `1,078,090 [1,052,313, 1,103,867]`; never an exponent.
"""

from __future__ import annotations

import math

MAX_DECIMALS = 6
SIGNIFICANT = 3  # without an interval (one run, or no spread): figures of the value itself


def decimals(value: float, half_width: float | None = None) -> int:
    """Decimal places that show `half_width` to two significant figures (else `value` to three)."""
    scale = half_width if half_width is not None and math.isfinite(half_width) and half_width > 0 \
        else None
    if scale is None:
        if not math.isfinite(value) or value == 0:
            return 0
        return min(MAX_DECIMALS, max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value)))))
    return min(MAX_DECIMALS, max(0, 1 - math.floor(math.log10(scale))))


def number(value: float, places: int, sign: bool = False) -> str:
    """`value` with `places` decimals and thousands separators; `-` for a missing value."""
    if value is None or not math.isfinite(value):
        return "-"
    if round(value, places) == 0:
        value = 0.0  # no "-0.0"
    return f"{value:{'+' if sign else ''},.{places}f}"


def estimate(mean: float, low: float, high: float, sign: bool = False) -> tuple[str, str]:
    """The mean and its interval `[low, high]`, all at the precision the interval warrants."""
    half = (high - low) / 2 if math.isfinite(low) and math.isfinite(high) else None
    places = decimals(mean, half)
    interval = (f"[{number(low, places, sign)}, {number(high, places, sign)}]"
                if half is not None else "")
    return number(mean, places, sign), interval


def p_value(value: float | None, floor: float = 0.001) -> str:
    """A probability at three decimals, `< 0.001` below that, `-` when missing: never `9.2e-09`."""
    if value is None or not math.isfinite(float(value)):
        return "-"
    return f"< {floor:g}" if float(value) < floor else f"{float(value):.3f}"


def row_of(values: list[float]) -> list[str]:
    """Values compared side by side, at one precision: whole numbers as such, else three figures of
    the largest."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if all(float(v).is_integer() for v in finite):
        return [number(v, 0) for v in values]
    return [number(v, decimals(max(finite, key=abs))) for v in values]
