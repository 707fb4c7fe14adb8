"""The report of an experiment with levers: the bottom line against today, setting by setting.

The first screen never pools over lever settings: it states today's setting,
what each other setting changes, which compared model is better at each
setting and where that flips (`orgsim.analysis.bottom_line`), and what the
intervals cover. The response curves and the heat map are drawn from the runs'
own metrics, one mean and interval per setting and model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from orgsim.analysis.bottom_line import (
    bottom_line,
    lever_words,
    oriented,
    others_of,
    same_value,
    setting_text,
    value_text,
)
from orgsim.analysis.stats import mean_ci
from orgsim.analysis.verdict import name, number
from orgsim.metrics.table import BETTER, LABELS
from orgsim.report.drawing import Declared, declare
from orgsim.report.html import collapsed, paragraph, table

SHOWN_ROWS = 12  # settings shown open; more go in a collapsed table
HEAT_OUTCOMES = 3  # rows of the heat map

Drawn = Iterator[Declared]


def first_screen(w: Any, exp: Any, outcomes: Sequence[str]) -> str:
    """The bottom line in words, then the answer setting by setting as tables."""
    models = list(exp.models)
    b = bottom_line(w, models, exp.pair, outcomes)
    parts = [paragraph(b.today)] + [f"<p><strong>{escape(t)}</strong></p>" for t in b.short]
    parts.append('<ul class="verdict">' + "".join(f"<li>{escape(' '.join(said))}</li>"
                                                  for said in b.by_outcome.values()) + "</ul>")
    parts.append(f'<p class="note">{escape(b.intervals)}</p>')
    parts += [f'<p class="note">{escape(x)}</p>' for x in b.warnings]
    if exp.pair is not None:
        parts.append(_pair_table(w, exp.pair, outcomes))
    parts += [_against_today(w, m, outcomes) for m in models]
    return "".join(parts)


def _lever_heads(w: Any) -> list[str]:
    return [(w.labels.get(p) or p) for p in w.levers]


def _settings(frame: pd.DataFrame, w: Any) -> list[tuple[Any, ...]]:
    return list(frame.drop_duplicates("setting").sort_values("setting")[w.levers]
                .itertuples(index=False, name=None))


def _tabled(title: str, note: str, header: list[str], rows: list[list[Any]]) -> str:
    body = table(header, rows, numeric=False)
    if len(rows) > SHOWN_ROWS:
        return f"<h3>{escape(title)}</h3>" + paragraph(note) + collapsed(
            f"{len(rows)} settings", body)
    return f"<h3>{escape(title)}</h3>" + paragraph(note) + body


def _interval(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f" [{number(low)}, {number(high)}]"


def _pair_table(w: Any, pair: tuple[str, str], outcomes: Sequence[str]) -> str:
    a, b = pair
    shown = [o for o in outcomes if BETTER.get(o, 0) and len(oriented(w.paired, a, b, o))]
    if not shown:
        return ""
    cells: dict[tuple[Any, str], str] = {}
    for o in shown:
        rows = oriented(w.paired, a, b, o)
        for values in rows.to_dict("records"):
            key = tuple(values[p] for p in w.levers)
            diff = float(values["mean_diff"])
            low, high = float(values["ci_low"]), float(values["ci_high"])
            better = values.get("better") if isinstance(values.get("better"), str) else ""
            cells[key, o] = (f"{name(better)}" if better else "no clear difference") + \
                f": {number(diff)}{_interval(low, high)}"
    keys = _settings(oriented(w.paired, a, b, shown[0]), w)
    rows = [[*map(value_text, k), *(cells.get((k, o), "–") for o in shown)] for k in keys]
    header = [*_lever_heads(w), *(f"{LABELS.get(o, (o, ''))[0]}: {name(a)} minus {name(b)}"
                                  for o in shown)]
    note = (f"At each setting, the better of {name(a)} and {name(b)} where the paired 95% CI "
            "excludes zero, and the paired difference A minus B with its interval, in the "
            "outcome's unit.")
    return _tabled(f"{name(a)} against {name(b)}, setting by setting", note, header, rows)


def _against_today(w: Any, model: str, outcomes: Sequence[str]) -> str:
    bs = w.by_setting
    bs = bs[bs["model"] == model]
    shown = [o for o in outcomes if len(bs[bs["outcome"] == o])]
    if not shown or (bs["mean_diff"].abs().fillna(0) == 0).all():
        return ""
    cells: dict[tuple[Any, str], str] = {}
    for values in bs[bs["outcome"].isin(shown)].to_dict("records"):
        key = tuple(values[p] for p in w.levers)
        if bool(values["is_baseline"]):
            cells[key, values["outcome"]] = f"today: {number(float(values['mean']))}"
        else:
            cells[key, values["outcome"]] = (
                f"{number(float(values['mean']))} ({number(float(values['mean_diff']))}"
                f"{_interval(float(values['ci_low']), float(values['ci_high']))})")
    keys = _settings(bs, w)
    rows = [[*map(value_text, k), *(cells.get((k, o), "–") for o in shown)] for k in keys]
    header = [*_lever_heads(w), *(f"{LABELS.get(o, (o, ''))[0]} ({LABELS.get(o, (o, ''))[1]})"
                                  for o in shown)]
    note = ("Mean at each setting, and in brackets its change against today's setting with the "
            "paired 95% CI (same seeds in both).")
    return _tabled(f"{name(model)}: each setting against today", note, header, rows)


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
