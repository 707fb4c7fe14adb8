"""Verdicts an assumption can flip are judged within each lever setting, never over them pooled.

A forum meeting every T weeks (the lever) against a handoff of D weeks (an uncertainty no
figure supports): the lead times differ by T/2 - D (tests/test_whatif_theory.py). Over
D from 1 to 5, the forum is better at every D when T = 1 (today), the handoff at every D
when T = 24, and at T = 8 the handoff wins while D < 4 and the forum beyond: the verdict
flips within the assumption's range at that setting alone. Pooled over the three
settings, the handoff looks better at both ends of D (means 4 and 1): no flip is seen.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_whatif_theory import CADENCE, gated, relayed, sweep

from orgsim.analysis.flips import flips
from orgsim.experiments.spec import Experiment
from orgsim.report import evidence, write_report
from orgsim.report.data import read

DELAY = "models.relayed.handoff.delay_weeks"
DELAYS = [1, 1.5, 2, 3, 4, 4.5, 5]  # lowest third up to 2.33: 1, 1.5, 2; highest from 3.67: 4, 4.5, 5


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("flips")
    sweep(where, [gated(1), relayed(2)],
          {CADENCE: {"values": [1, 8, 24], "label": "forum cadence (weeks)"}},
          baseline={CADENCE: 1}, uncertainties={DELAY: {"values": DELAYS}},
          design={"kind": "grid"}, replications=2, horizon=100.0, warmup=5.0)
    return where / "results"


def _inputs(root: Path) -> tuple[Experiment, pd.DataFrame, pd.DataFrame]:
    exp = Experiment.model_validate_json((root / "experiment.json").read_text(encoding="utf-8"))
    return exp, pd.read_parquet(root / "metrics.parquet"), pd.read_parquet(root / "design.parquet")


def test_a_flip_at_one_setting_is_found_there_and_named(results: Path) -> None:
    exp, metrics, design = _inputs(results)
    found = flips(metrics, design, exp, ["lead_time_mean"], {DELAY})
    # Pooled over the settings the handoff is better at both ends and this finds nothing.
    assert [(f.levers, f.today, f.better_low, f.better_high) for f in found] == [
        (((CADENCE, 8.0),), False, "relayed", "gated")]
    f = found[0]
    assert f.diff_low == pytest.approx(8 / 2 - 1.5, abs=0.5)  # T/2 - mean D of the lowest third
    assert f.diff_high == pytest.approx(8 / 2 - 4.5, abs=0.5)
    assert (f.points_low, f.points_high) == (3, 3)  # the setting's own design points alone


def test_a_setting_with_one_winner_over_the_whole_range_has_no_flip(results: Path) -> None:
    exp, metrics, design = _inputs(results)
    for cadence in (1, 24):
        points = set(design.loc[design[CADENCE] == cadence, "point"])
        runs = metrics[metrics["point"].isin(points)]
        assert flips(runs, design, exp, ["lead_time_mean"], {DELAY}) == []


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_report_names_the_setting_a_verdict_flips_at(results: Path) -> None:
    inputs = read(results)
    ledger = evidence.read(inputs)  # the report's other sections read today's runs alone
    assert [f.levers for f in ledger.flips] == [((CADENCE, 8.0),)]
    said = evidence.sentences(ledger.flips, inputs)
    assert len(said) == 1
    assert said[0].startswith("Lead time (mean): at 1 of 3 lever settings, forum cadence 8 "
                              f"(weeks), the verdict flips within the range of {DELAY}")
    assert "Relayed is better with it up to 2.33, Gated from 3.67" in said[0]
    html = write_report(results).read_text(encoding="utf-8")
    start = html.index('<section id="evidence">')
    ledger_text = _text(html[start:html.index("</section>", start)])
    assert "within each lever setting" in ledger_text
    assert re.search(r"Lead time \(mean\) forum cadence 8 \(weeks\) " + re.escape(DELAY), ledger_text)
    start = html.index('<section id="verdict">')
    assert said[0] in _text(html[start:html.index("</section>", start)])


def test_flips_at_several_settings_come_today_first_and_are_named_in_one_sentence() -> None:
    """Made by hand: a lever x at 0 and 1 (today 1), an assumption d from 0 to 6; a - b is d - 3
    at both settings, so the verdict flips at each; the sentence gives today's numbers."""
    exp = Experiment.model_validate({
        "name": "x", "scenario": "s.yaml", "models": ["a", "b"], "design": {"kind": "grid"},
        "levers": {"model.x": {"values": [0, 1], "label": "x (people)"}}, "baseline": {"model.x": 1},
        "uncertainties": {"model.d": {"values": [0, 1, 2, 4, 5, 6]}}, "outcomes": ["lead_time_mean"]})
    rows, points = [], []
    for setting in (0, 1):
        for scenario, d in enumerate([0, 1, 2, 4, 5, 6]):
            point = setting * 6 + scenario
            points.append({"point": point, "setting": setting, "scenario": scenario,
                           "model.x": setting, "model.d": d})
            for rep in range(2):
                noise = np.random.default_rng(point * 2 + rep).normal(0, 0.01)
                rows += [{"point": point, "replication": rep, "model": "b", "lead_time_mean": 10.0},
                         {"point": point, "replication": rep, "model": "a",
                          "lead_time_mean": 10.0 + d - 3 + setting / 2 + noise}]
    found = flips(pd.DataFrame(rows), pd.DataFrame(points), exp, ["lead_time_mean"], {"model.d"})
    assert [(f.setting, f.today) for f in found] == [(1, True), (0, False)]
    inputs = SimpleNamespace(exp=exp, design=pd.DataFrame(points))
    said = evidence.sentences(found, inputs)
    assert said == [
        "Lead time (mean): at 2 of 2 lever settings, today's (x 1 (people)); x 0 (people), the "
        "verdict flips within the range of model.d, an assumption no published figure supports. "
        "At today's setting, A is better with it up to 2, B from 4 (a minus b: -1.5 on average over "
        "3 design points at the low end, 2.5 over 3 at the high end)."]
