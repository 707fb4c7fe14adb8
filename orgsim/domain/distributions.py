"""Sampling the distributions of the configuration from a passed-in generator."""

from __future__ import annotations

import math

import numpy as np

from orgsim.config.common import Exponential, Fixed, Lognormal, Triangular, Uniform

AnyDist = Fixed | Exponential | Lognormal | Triangular | Uniform


def sample(dist: AnyDist, rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` draws of `dist`; the only place distributions become numbers."""
    if isinstance(dist, Fixed):
        return np.full(n, dist.value, dtype=float)
    if isinstance(dist, Exponential):
        return rng.exponential(dist.mean, n)
    if isinstance(dist, Lognormal):
        sigma2 = math.log1p(dist.cv**2)
        return rng.lognormal(math.log(dist.mean) - sigma2 / 2, math.sqrt(sigma2), n)
    if isinstance(dist, Triangular):
        return rng.triangular(dist.low, dist.mode, dist.high, n)
    return rng.uniform(dist.low, dist.high, n)
