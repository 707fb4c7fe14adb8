"""A discovery as tables for the terminal: PRIM's trajectory, the chosen box, the tree's leaves.

Shares are percentages at one decimal, limits at one precision per input
(`orgsim.analysis.numbers.row_of`), quasi-p-values at three decimals ("< 0.001"
below that): never a number in exponent form, never "NaN". A table with no rows
says "none" and why rather than printing an empty frame.
"""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from orgsim.analysis.discovery import Discovery, describe
from orgsim.analysis.numbers import p_value, row_of

MARK = "* halfway between two sampled values: the limit could lie anywhere between them"


def share(value: float) -> str:
    """A share as a percentage at one decimal (`-` when missing)."""
    return "-" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def trajectory_table(found: Discovery) -> Table:
    """Every box PRIM peeled or pasted to, the chosen one marked."""
    table = Table(title="PRIM's trajectory (coverage: share of all cases in the box; density: share "
                        "of the box that are cases)", title_justify="left")
    for column in ("box", "phase", "coverage", "density", "mass", "inputs", "scenarios", "cases"):
        table.add_column(column, justify="left" if column == "phase" else "right", no_wrap=True)
    for row in found.trajectory.itertuples():
        chosen = int(row.id) == found.box
        table.add_row(f"▶ {int(row.id)}" if chosen else str(int(row.id)), str(row.phase),
                      share(row.coverage), share(row.density), share(row.mass), str(int(row.res_dim)),
                      f"{int(row.n):,}", f"{int(row.k):,}", style="bold" if chosen else None)
    table.caption = "▶ the chosen box; inputs: how many it restricts"
    table.caption_justify = "left"
    return table


def _limit(path: str, value: float, explored: float, grid: dict[str, list[float]], text: str) -> str:
    if value == explored:
        return f"[dim]{text}[/]"  # not restricted on this side
    values = grid.get(path)
    if values and not any(math.isclose(value, v, rel_tol=1e-9, abs_tol=1e-12) for v in values):
        return f"{text}*"
    return text


def box_table(found: Discovery) -> Table | str:
    """The chosen box's limits with the range explored and quasi-p-values, or why there are none."""
    limits: pd.DataFrame = found.limits
    if not len(limits):
        return (f"Box {found.box}: none (it restricts no input; the cases are spread over the "
                "ranges explored)")
    table = Table(title=f"Box {found.box}: its limits (quasi-p: how likely its cases would be with "
                        "that limit dropped; small means the limit matters)", title_justify="left")
    for column in ("input", "low", "high", "explored", "quasi-p low", "quasi-p high"):
        table.add_column(column, justify="left" if column == "input" else "right")
    starred = False
    for r in limits.itertuples():
        low, high, e_low, e_high = row_of([r.low, r.high, r.explored_low, r.explored_high])
        low = _limit(r.uncertainty, r.low, r.explored_low, found.grid, low)
        high = _limit(r.uncertainty, r.high, r.explored_high, found.grid, high)
        starred |= low.endswith("*") or high.endswith("*")
        table.add_row(describe(r.uncertainty), low, high, f"{e_low} to {e_high}", p_value(r.qp_low),
                      p_value(r.qp_high))
    if starred:
        table.caption, table.caption_justify = MARK, "left"
    return table


def cart_table(found: Discovery) -> Table | str:
    """The classification tree's leaves as boxes, densest first, or why there are none."""
    if not len(found.cart):
        return "Classification tree (CART): none (no leaves)"
    table = Table(title="Classification tree (CART): its leaves as boxes, densest first",
                  title_justify="left")
    for column in ("leaf", "rule", "scenarios", "cases", "coverage", "density", "mass"):
        table.add_column(column, justify="left" if column == "rule" else "right",
                         ratio=1 if column == "rule" else None)
    for r in found.cart.itertuples():
        table.add_row(str(int(r.leaf)), str(r.rule), f"{int(r.n):,}", f"{int(r.k):,}",
                      share(r.coverage), share(r.density), share(r.mass))
    if any("*" in str(rule) for rule in found.cart["rule"]):
        table.caption, table.caption_justify = MARK, "left"
    return table


def tables(found: Discovery) -> list[Table | str]:
    """What `orgsim discover` prints, in order."""
    return [trajectory_table(found), box_table(found), cart_table(found)]


__all__ = ["box_table", "cart_table", "p_value", "share", "tables", "trajectory_table"]
