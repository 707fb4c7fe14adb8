"""The bottom line of a what-if experiment in words, against today, by fixed rules.

An experiment with levers answers "what if we change X?" setting by setting.
These rules read its per-setting tables (`paired_by_point`, `by_setting`,
`switch_points`, see `orgsim.analysis.whatif`) and never pool over lever
settings: for each outcome of interest they say which compared model is better
and under which settings that answer flips, what each setting changes against
today (the baseline setting) in the outcome's unit, and what the intervals
cover. No sentence is written for a particular operating model or lever.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from orgsim.analysis.coverage import intervals
from orgsim.analysis.verdict import name, number
from orgsim.metrics.table import BETTER, LABELS

LISTED = 3  # settings besides today's named one by one; above this, the largest changes only


@dataclass(frozen=True)
class BottomLine:
    """What a director reads first: today, the findings per outcome, what the intervals cover."""

    today: str
    short: list[str]  # "In short": each setting's clear gains and losses, when there are few
    findings: list[str]
    intervals: str
    warnings: list[str]
    by_outcome: dict[str, list[str]]  # the findings again, grouped by outcome of interest
    answers: dict[str, list[str]]  # per outcome, the better model setting by setting (`answer`)


def lever_words(label: str) -> tuple[str, str]:
    """`planning overhead (share of capacity)` -> (`planning overhead`, `share of capacity`)."""
    match = re.fullmatch(r"\s*(.*?)\s*\(([^()]*)\)\s*", label)
    return (match.group(1), match.group(2)) if match and match.group(1) else (label.strip(), "")


def value_text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(float(value))
    return str(value)


def setting_text(values: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """`planning overhead 0.2 (share of capacity), NHSD digital team 48 (people)`."""
    parts = []
    for path, value in values.items():
        words, unit = lever_words(labels.get(path) or path)
        parts.append(f"{words} {value_text(value)}" + (f" ({unit})" if unit else ""))
    return ", ".join(parts)


def same_value(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _label(outcome: str) -> tuple[str, str]:
    return LABELS.get(outcome, (outcome, ""))


def _lower(outcome: str) -> str:
    label = _label(outcome)[0]
    return label[:1].lower() + label[1:]


def _direction(outcome: str) -> str:
    return "lower" if BETTER.get(outcome, 0) < 0 else "higher"


def _amount(value: float, outcome: str) -> str:
    unit = _label(outcome)[1]
    return f"{number(value)} {unit}".strip()


def oriented(paired: pd.DataFrame, a: str, b: str, outcome: str) -> pd.DataFrame:
    """Rows of `a - b` on `outcome`, flipping rows stored as `b - a`."""
    rows = paired[(paired["outcome"] == outcome) & (paired["a"] == a) & (paired["b"] == b)]
    if len(rows):
        return rows
    rows = paired[(paired["outcome"] == outcome) & (paired["a"] == b) & (paired["b"] == a)]
    return rows.assign(a=a, b=b, mean_a=rows["mean_b"], mean_b=rows["mean_a"],
                       mean_diff=-rows["mean_diff"], ci_low=-rows["ci_high"],
                       ci_high=-rows["ci_low"], win_share_a=1 - rows["win_share_a"])


def _clear(low: float, high: float) -> bool:
    return math.isfinite(low) and math.isfinite(high) and (low > 0 or high < 0)


def others_of(text: Any) -> dict[str, str]:
    """`path=value; path=value` -> {path: value}."""
    if not isinstance(text, str) or not text.strip():
        return {}
    return dict(p.strip().split("=", 1) for p in text.split(";") if "=" in p)


def _winner(side: Any, a: str, b: str) -> str:
    """A side of a switch as a model name ("A better" and "B better" name the pair's sides)."""
    text = str(side) if isinstance(side, str) else ""
    return {"A better": a, "B better": b}.get(text, text)


def _at_today(others: dict[str, str], baseline: Mapping[str, Any]) -> bool:
    return all(same_value(v, baseline.get(p)) for p, v in others.items())


def _bounds(row: Any) -> tuple[str, str, str]:
    """(up to the switch, from the switch on, a note on how it was placed) as words."""
    est = float(row.estimate) if pd.notna(row.estimate) else math.nan
    if math.isfinite(est):
        note = "interpolated"
        if pd.notna(row.estimate_low) and pd.notna(row.estimate_high):
            note += f", 95% interval {number(float(row.estimate_low))} to " \
                    f"{number(float(row.estimate_high))}"
        return f"stays below {number(est)}", "above that", note
    return (f"stays at or below {value_text(row.low)}", f"from {value_text(row.high)}",
            "it switches between these settings")


def _sure(value: Any) -> bool:
    return bool(value) and str(value).strip().lower() not in ("false", "0", "nan", "")


def switch_sentence(rows: pd.DataFrame, outcome: str, a: str, b: str,
                    labels: Mapping[str, str]) -> str:
    """The answer along one lever: who is better below, between and above each switch."""
    rows = rows.sort_values("low", kind="stable")
    path = str(rows.iloc[0].lever)
    words, unit = lever_words(labels.get(path) or path)
    first = name(_winner(rows.iloc[0].before, a, b))
    parts, after = [], ""
    for i, row in enumerate(rows.itertuples()):
        upto, onwards, note = _bounds(row)
        note = f"{unit}; {note}" if unit and i == 0 else note
        if i == 0:
            parts.append(f"{first} has the {_direction(outcome)} {_lower(outcome)} while {words} "
                         f"{upto} ({note})")
        else:
            parts.append(f"{after}, {name(_winner(row.before, a, b))} while it {upto} ({note})")
        after = onwards
    parts.append(f"{after}, {name(_winner(rows.iloc[-1].after, a, b))}")
    text = "; ".join(parts) + "."
    if not all(_sure(s) for s in rows["sure"]):
        text += (" Not sure: beside a switch, a setting's 95% CI includes zero, so where the "
                 "answer changes is uncertain.")
    return text


def compare(w: Any, outcome: str, a: str, b: str) -> list[str]:
    """Which of `a` and `b` is better on `outcome`, setting by setting, and where that flips;
    then the two at today's setting."""
    rows = oriented(w.paired, a, b, outcome)
    said = answer(w, outcome, a, b)
    return said + _at_today_pair(w, rows, outcome, a, b) if said else []


def answer(w: Any, outcome: str, a: str, b: str) -> list[str]:
    """Which of `a` and `b` is better on `outcome`, setting by setting, and where that flips."""
    rows = oriented(w.paired, a, b, outcome)
    if not len(rows) or BETTER.get(outcome, 0) == 0:
        return []
    label = _label(outcome)[0]
    winners = [str(x) if isinstance(x, str) else "" for x in rows["better"]]
    sizes = rows["mean_diff"].abs()
    if len(set(winners)) == 1 and winners[0]:
        low, high = number(float(sizes.min())), number(float(sizes.max()))
        span = _amount(float(sizes.min()), outcome) if low == high else \
            f"{low} to {_amount(float(sizes.max()), outcome)}"
        every = "at the one setting tried" if len(rows) == 1 else \
            f"at every setting tried ({len(rows)})"
        return [f"{label}: {name(winners[0])} is better {every}, by {span} "
                "(each 95% CI excludes zero)."]
    return _switches(w, outcome, a, b, winners)


def _switches(w: Any, outcome: str, a: str, b: str, winners: list[str]) -> list[str]:
    label = _label(outcome)[0]
    sw = w.switches
    sw = sw[sw["outcome"] == outcome] if len(sw) else sw
    if len(sw):
        sides = {_winner(s, a, b) for s in (*sw["before"], *sw["after"])}
        sw = sw if sides <= {a, b} else sw.iloc[0:0]
    today = [i for i, r in zip(sw.index, sw["others"]) if _at_today(others_of(r), w.baseline)]
    out = []
    for lever, rows in sw.loc[today].groupby("lever", sort=False):
        others = {p: v for p, v in w.baseline.items() if p != lever}
        where = f" (with {setting_text(others, w.labels)}, as today)" if others else ""
        out.append(f"{label}{where}: " + switch_sentence(rows, outcome, a, b, w.labels))
    elsewhere = len(sw) - len(today)
    if elsewhere:
        out.append(f"{label}: the answer also switches at {elsewhere} place(s) away from today's "
                   "values of the other levers (summary/switch_points.csv lists each).")
    if not out:
        counts = {m: winners.count(m) for m in (a, b)}
        unclear = winners.count("")
        out.append(f"{label}: {name(a)} is clearly better at {counts[a]} of {len(winners)} settings, "
                   f"{name(b)} at {counts[b]}, neither at {unclear}; the better model does not "
                   "change along any one lever in a way the intervals can place.")
    return out


def _baseline_rows(w: Any, rows: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series(True, index=rows.index)
    for path, value in w.baseline.items():
        if path in rows:
            keep &= rows[path].map(lambda v, value=value: same_value(v, value))
    return rows[keep]


def _at_today_pair(w: Any, rows: pd.DataFrame, outcome: str, a: str, b: str) -> list[str]:
    today = _baseline_rows(w, rows)
    if not len(today) or len(rows) == 1:
        return []
    r = today.iloc[0]
    diff, low, high = float(r.mean_diff), float(r.ci_low), float(r.ci_high)
    unit = _label(outcome)[1]
    head = (f"At today's setting, {name(a)} {number(float(r.mean_a))} and {name(b)} "
            f"{number(float(r.mean_b))} {unit}")
    if not math.isfinite(low):
        return [head + ": one run each, no interval."]
    if not _clear(low, high):
        return [head + f": within the noise (difference 95% CI {number(low)} to {number(high)})."]
    share = float(r.win_share_a) if diff * BETTER[outcome] > 0 else 1 - float(r.win_share_a)
    better = a if diff * BETTER[outcome] > 0 else b
    wins = f", better in {share:.0%} of paired runs" if math.isfinite(share) else ""
    span = f"{number(min(abs(low), abs(high)))} to {number(max(abs(low), abs(high)))}"
    return [head + f": {name(better)} by {_amount(abs(diff), outcome)} (95% CI {span}{wins})."]


def _change(diff: float, low: float, high: float, outcome: str) -> str:
    """`lowers it by 1.2 weeks (95% CI 0.8 to 1.6)`, or within the noise."""
    unit = _label(outcome)[1]
    if not math.isfinite(low):
        verb = "lowers" if diff < 0 else "raises"
        return f"{verb} it by {_amount(abs(diff), outcome)} (one run, no interval)"
    if not _clear(low, high):
        return (f"changes it by {number(diff)} {unit}, within the noise (95% CI {number(low)} to "
                f"{number(high)})").replace("  ", " ")
    verb = "lowers" if diff < 0 else "raises"
    better = "better" if diff * BETTER.get(outcome, 0) > 0 else "worse"
    span = f"{number(min(abs(low), abs(high)))} to {number(max(abs(low), abs(high)))}"
    return f"{verb} it by {_amount(abs(diff), outcome)} (95% CI {span}; {better})"


def _changed_levers(w: Any, row: Mapping[str, Any]) -> str:
    """The levers a setting moves from today, with their values, in words."""
    values = {p: row.get(p) for p in w.levers if not same_value(row.get(p), w.baseline.get(p))}
    return setting_text(values, w.labels) or "today's setting"


def _fewest_changes_first(w: Any, rows: pd.DataFrame) -> pd.DataFrame:
    """Settings that move one lever from today first, then two, and so on (stable otherwise)."""
    moved = [len([p for p in w.levers if not same_value(r.get(p), w.baseline.get(p))])
             for r in rows.to_dict("records")]
    return rows.iloc[sorted(range(len(rows)), key=lambda i: moved[i])]


def in_short(w: Any, model: str, outcomes: Sequence[str]) -> str:
    """One sentence per setting other than today's: the outcomes it clearly improves or worsens.

    Only when the levers reach `model` and there are at most `LISTED` other settings.
    """
    bs = w.by_setting
    rows = bs[(bs["model"] == model) & ~bs["is_baseline"].astype(bool)
              & bs["outcome"].isin([o for o in outcomes if BETTER.get(o, 0)])]
    if not len(rows) or (rows["mean_diff"].abs() == 0).all():
        return ""
    settings = rows.drop_duplicates("setting")
    if len(settings) > LISTED:
        return ""
    said = []
    for setting in _fewest_changes_first(w, settings).to_dict("records"):
        own = rows[rows["setting"] == setting["setting"]]
        better: list[str] = []
        worse: list[str] = []
        for r in own.to_dict("records"):
            if _clear(float(r["ci_low"]), float(r["ci_high"])):
                (better if r["mean_diff"] * BETTER[r["outcome"]] > 0 else worse).append(
                    _lower(str(r["outcome"])))
        parts = [f"better {_listed(better)}" if better else "",
                 f"worse {_listed(worse)}" if worse else ""]
        verdict = " and ".join(p for p in parts if p) or "no clear change"
        rest = len(own) - len(better) - len(worse)
        tail = f" (no clear change on the other {rest})" if (better or worse) and rest else ""
        said.append(f"{_changed_levers(w, setting)}: {verdict}{tail}")
    return f"In short, under {name(model)} against today: " + "; ".join(said) + "."


def _listed(items: list[str]) -> str:
    words = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"on {words}"


def changes(w: Any, outcome: str, model: str) -> list[str]:
    """What each lever setting changes on `outcome` under `model`, against today's setting."""
    bs = w.by_setting
    rows = bs[(bs["model"] == model) & (bs["outcome"] == outcome) & ~bs["is_baseline"].astype(bool)]
    if not len(rows) or BETTER.get(outcome, 0) == 0:
        return []
    if (rows["mean_diff"].abs() == 0).all() and (rows["ci_high"].fillna(0).abs() == 0).all():
        return []  # the levers do not reach this model: nothing changes, nothing to say
    label = _label(outcome)[0]
    today = float(rows.iloc[0].baseline_mean)
    head = f"{label} under {name(model)} ({_amount(today, outcome)} at today's setting): "
    rows = _fewest_changes_first(w, rows)

    def words(r: dict[str, Any]) -> str:
        return _changed_levers(w, r)

    def said(r: dict[str, Any]) -> str:
        return _change(float(r["mean_diff"]), float(r["ci_low"]), float(r["ci_high"]), outcome)

    if len(rows) <= LISTED:
        return [head + "; ".join(f"{words(r)} {said(r)}" for r in rows.to_dict("records")) + "."]
    signed = rows["mean_diff"] * BETTER[outcome]
    clear = pd.Series([_clear(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])],
                      index=rows.index, dtype=bool)
    gains, losses = rows[(signed > 0) & clear], rows[(signed < 0) & clear]
    parts = []
    if len(gains):
        r = rows.loc[signed[gains.index].idxmax()].to_dict()
        parts.append(f"the best of {len(rows)} other settings, {words(r)}, {said(r)}")
    if len(losses):
        r = rows.loc[signed[losses.index].idxmin()].to_dict()
        worst = "the worst" if parts else f"the worst of {len(rows)} other settings"
        parts.append(f"{worst}, {words(r)}, {said(r)}")
    if not parts:
        return [head + f"none of the {len(rows)} other settings changes it beyond the noise."]
    unclear = len(rows) - len(gains) - len(losses)
    tail = f"; {unclear} of them change{'s' if unclear == 1 else ''} it only within the noise" \
        if unclear else ""
    return [head + "; ".join(parts) + tail + "."]


def bottom_line(w: Any, models: Sequence[str], pair: tuple[str, str] | None,
                outcomes: Sequence[str]) -> BottomLine:
    """The first screen of an experiment with levers, from its per-setting tables `w`.

    Today is the first model of the compared pair (else the first model) at the
    baseline setting of every lever.
    """
    today_model = pair[0] if pair else models[0]
    today = (f"Today: {name(today_model)}, with {setting_text(w.baseline, w.labels)}. "
             f"Every other setting is compared with it, and with every other model at the same "
             "setting, on the same demand.")
    by_outcome: dict[str, list[str]] = {}
    for outcome in outcomes:
        said = compare(w, outcome, *pair) if pair is not None else []
        for model in models:
            said += changes(w, outcome, model)
        if said:
            by_outcome[outcome] = said
    findings = [f for said in by_outcome.values() for f in said]
    warnings = []
    if not findings:
        warnings.append("No outcome of interest has a direction or a value per setting: nothing "
                        "to compare.")
    covered = intervals(int(w.scenarios), int(w.replications), getattr(w, "uncertain", None))
    short = [t for m in models if (t := in_short(w, m, outcomes))]
    answers = {o: said for o in outcomes if pair is not None and (said := answer(w, o, *pair))}
    return BottomLine(today, short, findings, covered, warnings, by_outcome, answers)
