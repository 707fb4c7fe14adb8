"""pyabc's prior and perturbation kernel, drawing from the running job's generator.

pyabc samples its proposals with numpy's global generator: `Distribution.rvs`
and the model prior through scipy's `rvs`, `MultivariateNormalTransition` with
`np.random.choice` and `np.random.multivariate_normal`. These subclasses change
only where the random numbers come from, `orgsim.calibration.evaluate.generator()`,
the generator `evaluate` spawns from the job's own `SeedSequence`. The densities
are pyabc's own, unchanged: the importance weights divide the prior's density by
the kernel's, so each must be the density of what is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyabc
from pyabc import Parameter
from pyabc.transition import MultivariateNormalTransition

from orgsim.calibration.evaluate import generator


class Prior(pyabc.Distribution):  # type: ignore[misc]
    """Independent parameters, each drawn by its scipy distribution from the job's generator."""

    def rvs(self, *args: Any, **kwargs: Any) -> Parameter:
        return super().rvs(*args, random_state=generator(), **kwargs)


class ModelPrior(pyabc.RV):  # type: ignore[misc]
    """The prior over models (pyabc draws one even when there is one model), from the job's generator."""

    def rvs(self, *args: Any, **kwargs: Any) -> Any:
        return super().rvs(*args, random_state=generator(), **kwargs)


class Kernel(MultivariateNormalTransition):  # type: ignore[misc]
    """pyabc's Gaussian kernel: an ancestor by weight, plus a normal step of the fitted covariance."""

    def rvs(self, size: int | None = None) -> Parameter | pd.DataFrame:
        if size is None:
            return self.rvs_single()
        rng = generator()
        ancestors = self.X.iloc[rng.choice(self._range, size=size, p=self.w, replace=True)]
        return ancestors + rng.multivariate_normal(np.zeros(self.cov.shape[0]), self.cov, size=size)

    def rvs_single(self) -> Parameter:
        rng = generator()
        ancestor = self.X.iloc[rng.choice(self._range, p=self.w)]
        return Parameter(ancestor + rng.multivariate_normal(np.zeros(self.cov.shape[0]), self.cov))

