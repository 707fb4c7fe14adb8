"""Float sums that give the same bits on every Python.

Python 3.12's built-in `sum()` compensates rounding for floats (Neumaier summation);
3.11 and earlier add left to right. The two can differ in the last bit, and a run's
efforts, arrival rates and metrics are sums of floats, so a built-in `sum()` of floats
would make the same seed give different bytes on 3.11 and on 3.12 (and on Mesa 3.3,
which runs on 3.11, and Mesa 3.4 and later, which need 3.12). `left_sum` adds left to
right, exactly as 3.11's `sum()` did, on every version.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import add


def left_sum(values: Iterable[float]) -> float:
    """`values` added left to right from 0.0: Python 3.11's `sum()` of floats, bit for bit."""
    return reduce(add, values, 0.0)
