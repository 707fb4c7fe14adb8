"""Random streams as the mechanisms draw from them: one uniform at a time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Uniforms:
    """Uniform draws on [0, 1) from one generator, taken from it a block at a time.

    A block is the next stretch of the same stream, so the draws, and their
    order, are exactly those of calling `rng.random()` once each; a draw costs
    a list index instead of a call into NumPy.
    """

    __slots__ = ("_block", "_next", "_rng")

    BLOCK = 256

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._block: list[float] = []
        self._next = 0

    def random(self) -> float:
        if self._next == len(self._block):
            self._block, self._next = self._rng.random(self.BLOCK).tolist(), 0
        self._next += 1
        return self._block[self._next - 1]


@dataclass
class Streams:
    """Independent random streams, one per kind of decision (never shared, never global)."""

    gates: Uniforms
    handoffs: Uniforms
    detection: Uniforms
