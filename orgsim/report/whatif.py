"""The report of an experiment with levers: the bottom line against today, setting by setting.

The first screen never pools over lever settings: it states today's setting, then
for each outcome of interest the answer in one sentence (which compared model is
better at each setting and where that switches, `orgsim.analysis.bottom_line`) and a
table of every setting (`orgsim.analysis.outcome_rows`): each model's mean, the
change against today with its paired interval, the compared pair's paired difference,
and the better model there where the paired interval excludes zero. Then what the
intervals cover. The response curves and the heat map are drawn from the runs' own
metrics, one mean and interval per setting and model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from orgsim.analysis.bottom_line import (
    LISTED,
    bottom_line,
    changes,
    lever_words,
    others_of,
    same_value,
    setting_text,
    value_text,
)
from orgsim.analysis.outcome_rows import Interval, Row, outcome_rows
from orgsim.analysis.stats import mean_ci
from orgsim.analysis.verdict import name, number
from orgsim.metrics.table import BETTER, LABELS
from orgsim.report.drawing import Declared, declare
from orgsim.report.html import collapsed, paragraph, table

SHOWN_ROWS = 12  # settings shown open; more go in a collapsed table
HEAT_OUTCOMES = 3  # rows of the heat map


def _reading(models: int) -> str:
    """How to read the tables of the first screen."""
    if models == 1:
        return ("In each table a row is a lever setting, today's in bold: the mean, and its change "
                "against today's setting with its paired 95% CI (the same demand on both sides, "
                "so known more closely than either mean). A change is marked better or worse "
                "only where that CI excludes zero.")
    return ("In each table a row is a lever setting, today's in bold: each model's mean, the "
            "change against today's setting and the difference between the models, each with "
            "its paired 95% CI (the same demand on both sides, so known more closely than either "
            "mean). A change is marked better or worse, and a model named better here, only where "
            "that CI excludes zero.")

Drawn = Iterator[Declared]


def first_screen(w: Any, exp: Any, outcomes: Sequence[str]) -> str:
    """Today, then per outcome the answer in one sentence and a table of every setting."""
    models = list(exp.models)
    b = bottom_line(w, models, exp.pair, outcomes)
    parts = [paragraph(b.today)] + [f"<p><strong>{escape(t)}</strong></p>" for t in b.short]
    tables = [_outcome(w, exp, o, b) for o in outcomes]
    if any(tables):
        parts.append(paragraph(_reading(len(models)), "muted"))
    parts += tables
    parts.append(f'<p class="note">{escape(b.intervals)}</p>')
    parts += [f'<p class="note">{escape(x)}</p>' for x in b.warnings]
    return "".join(parts)


def _lever_heads(w: Any) -> list[str]:
    return [(w.labels.get(p) or p) for p in w.levers]


def _interval(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f" [{number(low)}, {number(high)}]"


def _estimate(x: Interval) -> str:
    """`-0.352 [-0.47, -0.234]`: a paired difference and its 95% interval."""
    return f"{number(x.diff)}{_interval(x.low, x.high)}"


def _change(x: Interval, outcome: str) -> str:
    """A change against today with its interval, and `better` or `worse` where it is clear."""
    if not x.clear or not BETTER.get(outcome, 0):
        return _estimate(x)
    return f"{_estimate(x)} {'better' if x.diff * BETTER[outcome] > 0 else 'worse'}"


def _better(row: Row, two: bool) -> str:
    """The better model at a setting, or that the paired intervals do not separate them."""
    if not row.best:
        return "–"
    if not row.unclear_of:
        return name(row.best)
    if two:
        return "neither clearly"
    return f"{name(row.best)} ahead, not clearly of {', '.join(map(name, row.unclear_of))}"


def _unlabelled(text: str, label: str) -> str:
    """A sentence of the bottom line without its leading outcome label (the heading names it):
    `Lead time (mean) (with X, as today): Y ...` -> `With X, as today: Y ...`."""
    if not text.startswith(label):
        return text
    rest = text[len(label):]
    if rest.startswith(": "):
        return rest[2:3].upper() + rest[3:]
    if rest.startswith(" (with ") and (end := rest.find(", as today): ")) > 0:
        return f"With {rest[len(' (with '):end]}, as today: {rest[end + len(', as today): '):]}"
    return text


def _outcome(w: Any, exp: Any, outcome: str, b: Any) -> str:
    """An outcome at every setting: its heading, the answer in a sentence, the table."""
    models, pair = list(exp.models), exp.pair
    rows = outcome_rows(w, models, pair, outcome)
    if not rows:
        return ""
    label, unit = LABELS.get(outcome, (outcome, ""))
    ranked = BETTER.get(outcome, 0)
    heading = f"{label}" + (f", {unit}" if unit else "") + \
        (f": {'lower' if ranked < 0 else 'higher'} is better" if ranked else "")
    said = [_unlabelled(t, label) for t in b.answers.get(outcome, [])]
    folded = len(rows) > SHOWN_ROWS
    if folded or (pair is None and len(rows) > LISTED + 1):  # the table alone reads slowly
        said += [t for m in models for t in changes(w, outcome, m)]
    body = _table(w, models, pair, outcome, rows)
    if folded:
        body = collapsed(f"{len(rows)} settings", body)
    return f"<h3>{escape(heading)}</h3>" + "".join(paragraph(t) for t in said) + body


def _table(w: Any, models: list[str], pair: tuple[str, str] | None, outcome: str,
           rows: list[Row]) -> str:
    """The rows of one outcome: the levers, each model's mean (and change against today where
    the levers reach it), the compared pair's difference and the better model."""
    moved = set(rows[0].changes)
    groups = [("", len(w.levers))] + [(name(m), 2 if m in moved else 1) for m in models]
    header = _lever_heads(w)
    for m in models:
        header += ["mean", "against today [95% CI]"] if m in moved else ["mean"]
    judged = len(models) > 1 and BETTER.get(outcome, 0) != 0
    ends = ([f"{name(pair[0])} minus {name(pair[1])} [95% CI]"] if pair else []) + \
        (["better here"] if judged else [])
    groups.append(("", len(ends)))
    header += ends
    cells = []
    for r in rows:
        line = [value_text(v) for v in r.values]
        for m in models:
            line.append(number(r.means[m]) if m in r.means else "–")
            if m in moved:
                line.append("today" if r.today else _change(r.changes[m], outcome)
                            if m in r.changes else "–")
        line += ([_estimate(r.pair) if r.pair else "–"] if pair else []) + \
            ([_better(r, len(models) == 2)] if judged else [])
        cells.append(line)
    first = len(w.levers)
    return table(header, cells, numeric=False,
                 right=range(first, len(header) - (1 if judged else 0)),
                 marked={i for i, r in enumerate(rows) if r.today}, groups=groups,
                 whole={len(header) - 1} if judged else ())


def response_table(metrics: pd.DataFrame, levers: Sequence[str],
                   outcomes: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% CI of each outcome per lever setting and model, over its scenarios and runs."""
    rows = []
    present = [o for o in outcomes if o in metrics]
    for key, group in metrics.groupby([*levers, "model"], sort=True):
        labels = dict(zip([*levers, "model"], key))
        for outcome in present:
            est = mean_ci(group[outcome].to_numpy())
            rows.append({**labels, "outcome": outcome, "mean": est.mean, "ci_low": est.ci_low,
                         "ci_high": est.ci_high, "n": est.n})
    return pd.DataFrame(rows, columns=[*levers, "model", "outcome", "mean", "ci_low", "ci_high",
                                       "n"])


def _held(table: pd.DataFrame, levers: Sequence[str], baseline: Mapping[str, Any]) -> pd.DataFrame:
    """The rows with every lever in `levers` at today's value (or its first value if today's is absent)."""
    for path in levers:
        values = table[path]
        today = baseline.get(path)
        match = values.map(lambda v, t=today: same_value(v, t))
        table = table[match] if match.any() else table[values == values.iloc[0]]
    return table


def _numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series))


def figures(w: Any, metrics: pd.DataFrame, outcomes: Sequence[str],
            colours: Mapping[str, str]) -> Drawn:
    """A response figure per lever (others at today's values), and a heat map of the first two."""
    from orgsim.plots.response import heatmap, response

    levers = [p for p in w.levers if p in metrics and _numeric(metrics[p])]
    if not levers or not len(metrics):
        return
    table = response_table(metrics, levers, outcomes)
    for i, lever in enumerate(levers):
        others = [p for p in levers if p != lever]
        held = _held(table, others, w.baseline)
        sw = w.switches
        sw = sw[(sw["lever"] == lever)] if len(sw) else sw
        if len(sw):
            here = [all(same_value(v, w.baseline.get(p)) for p, v in others_of(o).items())
                    for o in sw["others"]]
            sw = sw[here]
        words = lever_words(w.labels.get(lever) or lever)[0]
        at = setting_text({p: w.baseline.get(p) for p in others}, w.labels)
        yield declare(f"response_{i + 1}", f"Response to {words}", "Each outcome of interest against "
               f"{words}, mean and 95% confidence band per model"
               + (f", other levers at today's values ({at})" if at else "")
               + "; grey bands: where the better model changes; dotted line: today. Each band is "
               "of one mean on its own: a change between settings or models is paired (the same "
               "demand in both) and so known more closely; the bottom line gives its interval.",
               response, held, lever, list(outcomes), dict(colours), sw,
               _float(w.baseline.get(lever)), w.labels.get(lever) or lever)
    if len(levers) >= 2:
        x, y = levers[:2]
        held = _clear_of_today(_held(table, levers[2:], w.baseline), w)
        shown = list(outcomes)[:HEAT_OUTCOMES]
        today = (_float(w.baseline.get(x)), _float(w.baseline.get(y)))
        models = list(dict.fromkeys(held["model"]))
        yield declare("heatmap", "Two levers at once", f"Mean of the first {len(shown)} outcomes of "
               "interest at every pair of values of the first two levers, per model"
               + (" (other levers at today's values)" if len(levers) > 2 else "")
               + "; today's setting outlined; the darker, the better; (≈ today): the change from "
               "today is within the noise (its paired 95% CI includes zero).",
               heatmap, held, x, y, shown, models, today, dict(w.labels))


def _clear_of_today(table: pd.DataFrame, w: Any) -> pd.DataFrame:
    """`table` with `clear`: whether the change from today's setting excludes zero (today: True)."""
    bs = w.by_setting
    flags = [bool(r["is_baseline"]) or (r["ci_low"] > 0 or r["ci_high"] < 0)
             for r in bs.to_dict("records")]
    keys = [p for p in w.levers if p in table]
    marked = bs[[*keys, "model", "outcome"]].assign(clear=flags)
    merged = table.merge(marked, on=[*keys, "model", "outcome"], how="left")
    return merged.assign(clear=merged["clear"].fillna(True).astype(bool))


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def levers(w: Any) -> str:
    """The levers: settings a team can choose, each with the values tried and today's value."""
    rows = []
    for path in w.levers:
        tried = w.by_setting[path].drop_duplicates().tolist() if path in w.by_setting else []
        rows.append(((w.labels.get(path) or path), path, ", ".join(value_text(v) for v in tried),
                     value_text(w.baseline.get(path, "–"))))
    return (paragraph("Settings a team can choose, every combination of their values run on the "
                      "same seeds; today's values make the baseline every setting is compared "
                      "with.") + table(["lever", "path", "values tried", "today"], rows,
                                       numeric=False))
