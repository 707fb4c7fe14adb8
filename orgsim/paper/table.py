"""The pair's table: one row per outcome, rounded to a stated precision, as CSV and LaTeX (booktabs).

Precision: each row is rounded to two significant figures of its narrowest 95%
interval half-width (the models' and the difference's), at most 6 decimals; a
negative number of decimals rounds to tens (-1), hundreds (-2) and so on. A row
without intervals (one run per model) keeps three significant figures of its
largest value. Every number of a row has the same decimals, and the CSV says how
many. Shares of pairs won are percentages, whole numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

MAX_DECIMALS = 6
MIN_DECIMALS = -9


@dataclass(frozen=True)
class Row:
    """One outcome of the pair: estimates as the summary gives them, unrounded."""

    outcome: str
    label: str
    unit: str
    definition: str
    a: tuple[float, float, float]  # mean, ci_low, ci_high of model A
    b: tuple[float, float, float]
    diff: tuple[float, float, float]  # A minus B, paired
    n_a: int
    n_b: int
    pairs: int
    a_better: float  # share of pairs in which A did better (NaN: the outcome has no better side)
    b_better: float
    fixed: int | None = None  # decimals the user chose, instead of the interval rule

    @property
    def decimals(self) -> int:
        return self.fixed if self.fixed is not None else precision(self)


def precision(row: Row) -> int:
    """Decimals for `row`: two significant figures of its narrowest interval half-width."""
    halves = [(hi - lo) / 2 for _, lo, hi in (row.a, row.b, row.diff)
              if math.isfinite(lo) and math.isfinite(hi) and hi > lo]
    if halves:
        return _clamp(1 - math.floor(math.log10(min(halves))))
    biggest = max((abs(v) for v in (row.a[0], row.b[0], row.diff[0]) if math.isfinite(v)), default=0.0)
    return _clamp(2 - math.floor(math.log10(biggest))) if biggest > 0 else 0


def _clamp(d: int) -> int:
    return max(MIN_DECIMALS, min(MAX_DECIMALS, d))


def rounded(value: float, decimals: int) -> float:
    """`value` rounded to `decimals` (negative: to tens, hundreds, ...), never -0."""
    return round(value, decimals) + 0.0


def number(value: float, decimals: int) -> str:
    """`value` rounded to `decimals`, as text (no thousands separator; "" when it is not a number)."""
    if not math.isfinite(value):
        return ""
    text = f"{rounded(value, decimals):.{max(decimals, 0)}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def percent(share: float) -> str:
    return "" if not math.isfinite(share) else f"{100 * share:.0f}"


def row_label(label: str) -> str:
    """`Lead time (mean)` -> `Lead time, mean`, so that the unit's brackets follow alone."""
    head, bracket, rest = label.partition(" (")
    return f"{head}, {rest[:-1]}" if bracket and rest.endswith(")") else label


def csv_frame(rows: list[Row], a: str, b: str) -> pd.DataFrame:
    """The table as the CSV holds it: numbers as rounded text, so the file shows the stated precision."""
    out = []
    for r in rows:
        d = r.decimals
        cells = {"outcome": r.outcome, "label": r.label, "unit": r.unit, "decimals": d,
                 f"{a}_n": r.n_a, f"{b}_n": r.n_b, "pairs": r.pairs}
        for name, est in ((a, r.a), (b, r.b), ("difference", r.diff)):
            for stat, v in zip(("mean", "ci_low", "ci_high"), est):
                cells[f"{name}_{stat}"] = number(v, d)
        cells[f"{a}_better_pct"] = percent(r.a_better)
        cells[f"{b}_better_pct"] = percent(r.b_better)
        out.append(cells)
    return pd.DataFrame(out)


LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}"}


def tex(text: str) -> str:
    """Plain text made safe for LaTeX."""
    return "".join(LATEX_SPECIAL.get(c, c) for c in text)


def grouped(text: str, separator: str) -> str:
    """`1672500` -> `1<sep>672<sep>500`: digits of the whole part grouped in threes from 10,000 up."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = digits.partition(".")
    if len(whole) < 5:
        return text
    groups = [whole[max(i - 3, 0):i] for i in range(len(whole), 0, -3)][::-1]
    return sign + separator.join(groups) + dot + frac


def _tex_number(value: float, decimals: int) -> str:
    text = grouped(number(value, decimals), "\\,")  # thin spaces, as journals group digits
    return f"${text}$" if text.startswith("-") else text  # a minus sign, not a hyphen


def _cell(est: tuple[float, float, float], decimals: int) -> str:
    mean, lo, hi = est
    if not math.isfinite(mean):
        return "--"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return _tex_number(mean, decimals)
    return f"{_tex_number(mean, decimals)} [{_tex_number(lo, decimals)}, {_tex_number(hi, decimals)}]"


def _won(r: Row) -> str:
    if not (math.isfinite(r.a_better) and math.isfinite(r.b_better)):
        return "--"
    return f"{percent(r.a_better)} / {percent(r.b_better)}"


def latex(rows: list[Row], a_label: str, b_label: str, caption: str, label: str) -> str:
    """A `table` float with a booktabs `tabular` (needs `\\usepackage{booktabs}`)."""
    header = [r"Outcome (unit)", tex(a_label), tex(b_label), r"Difference, A $-$ B",
              r"Pairs won, A / B"]
    second = ["", r"mean [95\% CI]", r"mean [95\% CI]", r"mean [95\% CI]", r"\%"]
    body = [[f"{tex(row_label(r.label))} ({tex(r.unit)})", _cell(r.a, r.decimals), _cell(r.b, r.decimals),
             _cell(r.diff, r.decimals), _won(r)] for r in rows]
    lines = [r"% Needs \usepackage{booktabs}. Written by orgsim (orgsim paper); edit freely.",
             r"\begin{table}[htbp]", r"  \centering", r"  \small",
             f"  \\caption{{{caption}}}", f"  \\label{{{label}}}",
             r"  \begin{tabular}{@{}lllll@{}}", r"    \toprule",
             "    " + " & ".join(header) + r" \\", "    " + " & ".join(second) + r" \\",
             r"    \midrule"]
    lines += ["    " + " & ".join(cells) + r" \\" for cells in body]
    lines += [r"    \bottomrule", r"  \end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def markdown(rows: list[Row], a_label: str, b_label: str) -> str:
    """The same table for the pack's README."""
    def cell(est: tuple[float, float, float], d: int) -> str:
        mean, lo, hi = est
        if not math.isfinite(lo) or not math.isfinite(hi):
            return grouped(number(mean, d), ",") or "–"
        return (f"{grouped(number(mean, d), ',')} [{grouped(number(lo, d), ',')}, "
                f"{grouped(number(hi, d), ',')}]")

    out = [f"| outcome (unit) | {a_label} (A) | {b_label} (B) | A − B | pairs won, A / B (%) |",
           "| --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        won = _won(r).replace("--", "–")
        out.append(f"| {row_label(r.label)} ({r.unit}) | {cell(r.a, r.decimals)} | {cell(r.b, r.decimals)} | "
                   f"{cell(r.diff, r.decimals)} | {won} |")
    return "\n".join(out) + "\n"
