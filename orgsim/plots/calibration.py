"""Calibration: prior against posterior, parameters in pairs, simulated targets against observed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from orgsim.plots import style

PRIOR, POSTERIOR, OBSERVED = style.NEUTRAL, style.PALETTE[0], style.PALETTE[5]


def _grid(n: int, columns: int, height: float) -> tuple[Any, list[Any]]:
    rows = math.ceil(n / columns)
    fig = style.figure(style.WIDTH, height * rows)
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def marginals(ensemble: pd.DataFrame, priors: dict[str, tuple[float, float, str]],
              verdicts: dict[str, str]) -> tuple[Any, Any]:
    """Per parameter: the prior's density (grey) under the weighted posterior histogram (blue).

    Args:
        ensemble: One row per parameter set, a `weight` column and one column per parameter.
        priors: (low, high, "uniform" or "loguniform") per parameter.
        verdicts: Plain words per parameter ("pinned down", ...), shown in its title.
    """
    names = list(priors)
    fig, axes = _grid(len(names), min(3, len(names)), 3.2)
    w = ensemble["weight"].to_numpy()
    for ax, name in zip(axes, names):
        low, high, kind = priors[name]
        log = kind == "loguniform"  # drawn on the log scale, where its prior is flat
        lo, hi = (math.log10(low), math.log10(high)) if log else (low, high)
        x = ensemble[name].to_numpy(dtype=float)
        ax.fill_between([lo, hi], [1 / (hi - lo)] * 2, color=PRIOR, alpha=0.35, label="prior")
        ax.hist(np.log10(x) if log else x, bins=np.linspace(lo, hi, 21), weights=w, density=True,
                color=POSTERIOR, alpha=0.75, label="posterior")
        if log:
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: style.number(10 ** v)))
            ax.set_xlabel("log scale", fontsize=style.SMALL)
        ax.set_title(f"{name}\n({verdicts.get(name, '')})", fontsize=style.SMALL)
        ax.set_yticks([])
        style.tidy(ax, "")
    style.legend(axes[0])
    style.title(fig, "Prior against posterior", "how far the observations narrowed each parameter")
    return fig, axes


def short(path: str) -> str:
    """A parameter path without the words every path of its kind has: `NHSD digital`."""
    skip = {"organisations", "teams", "demand", "model", "models", "forums"}
    return " ".join(p for p in path.split(".") if p not in skip)


def pairs(ensemble: pd.DataFrame, names: list[str]) -> tuple[Any, Any]:
    """Every pair of parameters: posterior members, dot area by weight (trade-offs show as slopes)."""
    k = len(names)
    fig = style.figure(min(style.WIDTH, 3.0 * k + 1), min(style.WIDTH, 3.0 * k + 1))
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    w = ensemble["weight"].to_numpy()
    size = 8 + 400 * w / max(w.max(), 1e-12)
    for i, yname in enumerate(names):
        for j, xname in enumerate(names):
            ax = axes[i, j]
            x = ensemble[xname].to_numpy(dtype=float)
            if i == j:
                ax.hist(x, bins=20, weights=w, color=POSTERIOR, alpha=0.75)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(x, ensemble[yname].to_numpy(dtype=float), s=size, color=POSTERIOR,
                           alpha=0.4, linewidths=0)
            else:
                ax.set_visible(False)
            if i == k - 1:
                ax.set_xlabel(short(xname), fontsize=style.SMALL - 2)
            if j == 0 and i > 0:
                ax.set_ylabel(short(yname), fontsize=style.SMALL - 2)
            ax.tick_params(labelsize=style.SMALL - 2)
    style.title(fig, "Parameters in pairs", "posterior members; larger dots weigh more")
    return fig, axes


def predictive(simulated: pd.DataFrame, observed: pd.DataFrame) -> tuple[Any, Any]:
    """Per target: prior and posterior predictive runs against the observation and its +-2 sd band.

    Args:
        simulated: Rows of (stage "prior" or "posterior", target, simulated).
        observed: Rows of (target, observed, sd).
    """
    names = observed["target"].tolist()
    fig, axes = _grid(len(names), min(2, len(names)), 2.6)
    for ax, row in zip(axes, observed.itertuples(index=False)):
        ax.axvspan(row.observed - 2 * row.sd, row.observed + 2 * row.sd, color=OBSERVED, alpha=0.15)
        ax.axvline(row.observed, color=OBSERVED, linewidth=2, label="observed (band: +-2 sd)")
        for y, (stage, colour) in enumerate((("prior", PRIOR), ("posterior", POSTERIOR))):
            x = simulated.loc[(simulated["stage"] == stage) & (simulated["target"] == row.target),
                              "simulated"].to_numpy(dtype=float)
            x = x[np.isfinite(x)]
            if len(x):
                jitter = y + 0.25 * (np.linspace(-1, 1, len(x)))
                ax.scatter(x, jitter, s=14, color=colour, alpha=0.5, linewidths=0,
                           label=f"{stage} predictive")
        ax.set_yticks([0, 1], ["prior", "posterior"])
        ax.set_ylim(-0.6, 1.6)
        ax.set_title(row.target, fontsize=style.SMALL)
        style.tidy(ax, "x")
    style.legend(axes[0])
    style.title(fig, "Simulated against observed", "each target, runs drawn from the prior and "
                "from the posterior")
    return fig, axes
