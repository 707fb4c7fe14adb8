"""The report of an experiment with levers: its first screen and its pictures, from hand-made tables."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from whatif_data import CADENCE, DIGITAL, OVERHEAD, board, sweep

from orgsim.experiments.runner import run
from orgsim.plots.response import heatmap, response
from orgsim.report import write_report
from orgsim.report.data import read
from orgsim.report.verdict import first_screen
from orgsim.report.whatif import figures, response_table
from tiny import ROOT

PAIR = ("internal_commissioning", "joined_up_planning")
BY_MODEL = pd.DataFrame({"model": list(PAIR), "outcome": "lead_time_mean", "mean": [33.0, 29.0],
                         "median": [33.0, 29.0], "ci_low": [32.0, 28.0], "ci_high": [34.0, 30.0],
                         "n": 70})
POOLED_PAIRED = pd.DataFrame({"model_a": [PAIR[0]], "model_b": [PAIR[1]],
                              "outcome": ["lead_time_mean"], "mean_diff": [4.0], "ci_low": [3.0],
                              "ci_high": [5.0], "n": [70], "share_a_better": [0.2],
                              "share_b_better": [0.8]})


def _exp(models: list[str], pair: tuple[str, str] | None, outcomes: list[str]) -> SimpleNamespace:
    return SimpleNamespace(models=models, pair=pair, outcomes=outcomes, replications=70,
                           uncertainties={}, ensemble=None)


def test_without_levers_the_verdict_also_says_what_its_intervals_cover() -> None:
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    exp = SimpleNamespace(models=list(PAIR), pair=PAIR, outcomes=["lead_time_mean"],
                          replications=10, uncertainties={"demand.ics_rate_per_week": 1},
                          ensemble=None)
    text = _text(first_screen(summary, exp))  # 70 runs a model: 7 scenarios of 10 replications
    assert "pool 10 replications over 7 scenarios of the uncertain numbers" in text


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_with_levers_the_first_screen_opens_on_the_switch_not_a_pooled_winner() -> None:
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    exp = _exp(list(PAIR), PAIR, ["lead_time_mean"])
    pooled = _text(first_screen(summary, exp))
    assert "Joined up planning (29 weeks) is best" in pooled  # the old verdict, without levers
    # 70 runs a model, 70 replications, nothing uncertain: randomness alone.
    assert "run-to-run randomness only: 70 replications of each model" in pooled
    html = first_screen(summary, exp, sweep())
    text = _text(html)
    assert "is best" not in text and "29 weeks" not in text
    # The outcome's answer in a sentence, then its table, then what the intervals cover.
    first = text.index("Lead time (mean), weeks: lower is better Joined up planning has the lower "
                       "lead time (mean) while planning overhead stays below 0.45")
    assert first < text.index("Internal commissioning minus Joined up planning [95% CI]") < \
        text.index("run-to-run randomness only")
    assert text.lstrip().startswith("Today: Internal commissioning, with planning overhead 0.1")


def _rows(html: str) -> list[list[str]]:
    """The cells of every body row of the tables in `html`, as text."""
    return [[_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tbody>.*?</tbody>", html) for row in
            re.findall(r"<tr[^>]*>(.*?)</tr>", row)]


def test_a_table_per_outcome_gives_every_setting_against_today_and_the_pair_at_each() -> None:
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    html = first_screen(summary, _exp(list(PAIR), PAIR, ["lead_time_mean"]), sweep())
    rows = _rows(html)
    # overhead | Internal commissioning mean | Joined up planning mean, against today | a - b | better
    assert rows[0] == ["0", "33", "22", "-2 [-3, -1] better", "11 [9.5, 12.5]", "Joined up planning"]
    assert rows[1] == ["0.1", "33", "24", "today", "9 [7.5, 10.5]", "Joined up planning"]
    assert rows[6] == ["0.6", "33", "39", "15 [14, 16] worse", "-6 [-7.5, -4.5]",
                       "Internal commissioning"]
    assert len(rows) == 7 and html.count('<tr class="marked">') == 1  # today's row, in bold
    # The levers do not reach internal commissioning: its mean alone, no change against today.
    assert "<th>against today [95% CI]</th>" in html and html.count("against today [95% CI]") == 1
    text = _text(html)
    assert "at today's setting" not in text.split("Lead time (mean), weeks")[1]  # the table says it


def test_a_setting_whose_interval_includes_zero_names_no_better_model() -> None:
    w = sweep()
    at = (w.paired["outcome"] == "lead_time_mean") & (w.paired["setting"] == 4)
    w.paired.loc[at, ["ci_low", "better"]] = [-1.0, ""]
    at = (w.by_setting["outcome"] == "lead_time_mean") & (w.by_setting["setting"] == 4)
    w.by_setting.loc[at & (w.by_setting["model"] == PAIR[1]), "ci_low"] = -1.0
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    rows = _rows(first_screen(summary, _exp(list(PAIR), PAIR, ["lead_time_mean"]), w))
    assert rows[4] == ["0.4", "33", "31", "7 [-1, 8]", "2 [-1, 3.5]", "neither clearly"]


def test_one_model_gets_its_means_and_changes_against_today_and_no_better_column() -> None:
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    exp = _exp(["internal_commissioning"], None, ["lead_time_mean"])
    html = first_screen(summary, exp, board())
    rows = _rows(html)
    assert "better here" not in html
    # board(): lead time at (2.17, 32) lowers by 2 weeks (95% CI 1.4 to 2.6), clearly.
    assert ["2.17", "32", "28", "-2 [-2.6, -1.4] better"] in rows
    assert ["4.33", "48", "29.5", "-0.5 [-1.2, 0.2]"] in rows  # within the noise: unmarked
    assert ["4.33", "32", "30", "today"] in rows


def _board_metrics() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for cadence in (4.33, 2.17):
        for digital in (32, 48):
            for rep in range(6):
                lead = 30 - 2 * (cadence < 3) - 0.5 * (digital > 40) + rng.normal(0, 0.3)
                rows.append({CADENCE: cadence, DIGITAL: digital, "model": "internal_commissioning",
                             "replication": rep, "lead_time_mean": lead,
                             "needs_met": 40 + (digital > 40) + rng.normal(0, 0.3)})
    return pd.DataFrame(rows)


def test_response_table_means_per_setting_and_model() -> None:
    metrics = _board_metrics()
    table = response_table(metrics, [CADENCE, DIGITAL], ["lead_time_mean", "needs_met"])
    assert len(table) == 8 and set(table["n"]) == {6}
    cell = table[(table[CADENCE] == 2.17) & (table[DIGITAL] == 32)
                 & (table["outcome"] == "lead_time_mean")].iloc[0]
    assert cell["ci_low"] < 28 < cell["ci_high"]
    assert cell["mean"] == metrics[(metrics[CADENCE] == 2.17) & (metrics[DIGITAL] == 32)][
        "lead_time_mean"].mean()


def test_two_levers_give_a_response_figure_each_and_a_heat_map() -> None:
    drawn = list(figures(board(), _board_metrics(), ["lead_time_mean", "needs_met"],
                         {"internal_commissioning": "#0072B2"}))
    assert [d.name for d in drawn] == ["response_1", "response_2", "heatmap"]
    assert "other levers at today's values (NHSD digital team 32 (people))" in drawn[0].caption
    fig = drawn[2].figure()  # declared, drawn when the report is written
    assert len(fig.axes) == 2 + 2  # two outcomes, one model, a colour scale each


def test_response_draws_a_line_and_band_per_model_and_marks_the_switch_and_today() -> None:
    rows = []
    for x in (0.0, 0.2, 0.4, 0.6):
        rows += [{OVERHEAD: x, "model": PAIR[0], "outcome": "lead_time_mean", "mean": 33.0,
                  "ci_low": 32.0, "ci_high": 34.0},
                 {OVERHEAD: x, "model": PAIR[1], "outcome": "lead_time_mean", "mean": 22 + 25 * x,
                  "ci_low": 21 + 25 * x, "ci_high": 23 + 25 * x}]
    fig, axes = response(pd.DataFrame(rows), OVERHEAD, ["lead_time_mean"],
                         switches=sweep().switches, today=0.1, label="planning overhead")
    ax = axes[0]
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 4]
    assert len(lines) == 2 and list(lines[1].get_ydata()) == [22, 27, 32, 37]
    verticals = sorted(float(np.asarray(ln.get_xdata())[0]) for ln in ax.get_lines()
                       if len(ln.get_xdata()) == 2)
    assert verticals == [0.1, 0.45]  # today, and the interpolated switch
    assert ax.get_xlabel() == "planning overhead"


def test_heat_map_has_a_panel_per_outcome_and_model_with_values_written_in() -> None:
    table = response_table(_board_metrics(), [CADENCE, DIGITAL], ["lead_time_mean", "needs_met"])
    fig, axes = heatmap(table, CADENCE, DIGITAL, ["lead_time_mean", "needs_met"],
                        ["internal_commissioning"], (4.33, 32))
    assert axes.shape == (1, 2)  # a row per model, a column per outcome
    written = [t.get_text() for t in axes[0, 0].texts]
    assert len(written) == 4
    assert [t.get_text() for t in axes[0, 0].get_xticklabels()] == ["2.17", "4.33"]
    assert len(axes[0, 0].patches) == 1  # today outlined
    assert not any("today" in t for t in written)  # no `clear` column: nothing marked


def test_heat_map_marks_cells_whose_change_from_today_is_within_the_noise() -> None:
    from orgsim.report.whatif import _clear_of_today

    table = response_table(_board_metrics(), [CADENCE, DIGITAL], ["lead_time_mean", "needs_met"])
    marked = _clear_of_today(table, board())
    fig, axes = heatmap(marked, CADENCE, DIGITAL, ["lead_time_mean", "needs_met"],
                        ["internal_commissioning"], (4.33, 32))
    # board(): lead time at (4.33, 48) changes within the noise (95% CI -1.2 to 0.2); needs met
    # at (2.17, 32) too; every other change is clear, and today is today.
    lead = {t.get_position(): t.get_text() for t in axes[0, 0].texts}
    assert [p for p, t in lead.items() if "(≈ today)" in t] == [(1, 1)]  # x 4.33, y 48
    needs = {t.get_position(): t.get_text() for t in axes[0, 1].texts}
    assert [p for p, t in needs.items() if "(≈ today)" in t] == [(0, 0)]  # x 2.17, y 32


def test_the_levers_are_listed_with_the_values_tried_and_today() -> None:
    from orgsim.report.whatif import levers

    text = _text(levers(board()))
    assert "NHSD digital team (people)" in text and "32, 48" in text and "4.33, 2.17" in text


@pytest.fixture(scope="module")
def overhead_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped planning overhead sweep, at three overheads and three replications, reported."""
    shipped = ROOT / "experiments" / "planning_overhead_sweep.yaml"
    doc = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    doc.update(replications=3, scenario=str((shipped.parent / doc["scenario"]).resolve()))
    doc["levers"][OVERHEAD]["values"] = [0.0, 0.3, 0.6]
    where = tmp_path_factory.mktemp("overhead")
    path = where / "planning_overhead_sweep.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    root = run(path, out=where / "results", backend="serial")
    write_report(root)
    return root


def _section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}">')
    return _text(html[start:html.index("</section>", start)])


def test_the_planning_overhead_sweeps_report_opens_on_the_switch(overhead_sweep: Path) -> None:
    html = (overhead_sweep / "report.html").read_text(encoding="utf-8")
    assert html.index('<section id="verdict">') < html.index("<nav>")  # before the contents
    first = _section(html, "verdict")
    assert first.lstrip().startswith("Bottom line Today: Internal commissioning, with planning "
                                     "overhead 0.1 (share of TD capacity).")
    assert re.search(r"Lead time \(mean\), weeks: lower is better Joined up planning has the "
                     r"lower lead time \(mean\) "
                     r"while planning overhead stays at or below 0\.\d \(share of TD capacity; it "
                     r"switches between these settings\); from 0\.\d, Internal commissioning", first)
    assert "is best" not in first and "over all runs" not in first
    assert "run-to-run randomness only: 3 replications" in first
    # Later sections describe today's setting (0.1), never a pool of the settings.
    assert "describes today's setting alone (planning overhead 0.1" in _section(html, "headline")
    assert 'id="plot-response_1"' in html
    # The lever's first setting (0.0) is not the model file's value: no false warning.
    assert "configuration has changed" not in html
    # Regret with levers is a shortfall from the best model at the best setting, and says so.
    assert "the best model at the best lever setting" in _section(html, "regret")


def test_pooled_sections_read_todays_runs_alone(overhead_sweep: Path) -> None:
    inputs = read(overhead_sweep)
    assert inputs.every_setting is not None
    assert set(inputs.metrics[OVERHEAD]) == {0.1}
    assert set(inputs.every_setting[OVERHEAD]) == {0.0, 0.1, 0.3, 0.6}
    assert len(inputs.summary.by_model) == len(inputs.summary.by_model[["model", "outcome"]]
                                               .drop_duplicates())


def test_the_bottom_lines_numbers_are_those_of_the_summary_tables(overhead_sweep: Path) -> None:
    """Every cell of the tables is a number of by_setting.csv or paired_by_point.csv as it stands,
    and the switch sentence's of switch_points.csv."""
    from orgsim.analysis.summary import summarise
    from orgsim.analysis.verdict import name, number

    html = (overhead_sweep / "report.html").read_text(encoding="utf-8")
    verdict = html[html.index('<section id="verdict">'):html.index("</section>")]
    summarise(overhead_sweep)  # the CSV files `orgsim experiment` writes
    folder = overhead_sweep / "summary"
    by = pd.read_csv(folder / "by_setting.csv")
    paired = pd.read_csv(folder / "paired_by_point.csv")
    tables = re.findall(r"<h3>(.*?)</h3>.*?<tbody>(.*?)</tbody>", verdict)
    outcomes = ["lead_time_mean", "needs_met", "decision_latency_mean", "hidden_work_share",
                "benefit"]
    assert len(tables) == len(outcomes)

    def ci(r: pd.Series) -> str:
        return f"{number(r['mean_diff'])} [{number(r['ci_low'])}, {number(r['ci_high'])}]"

    for outcome, (_, body) in zip(outcomes, tables):
        rows = _rows(f"<tbody>{body}</tbody>")
        assert len(rows) == 4  # 0, 0.1 (today, added to the grid), 0.3, 0.6
        for cells, setting in zip(rows, sorted(by["setting"].unique())):
            mine = by[(by["setting"] == setting) & (by["outcome"] == outcome)].set_index("model")
            pair = paired[(paired["setting"] == setting) & (paired["outcome"] == outcome)].iloc[0]
            ic, jup = mine.loc["internal_commissioning"], mine.loc["joined_up_planning"]
            assert cells[0] == number(ic[OVERHEAD])
            assert cells[1:3] == [number(ic["mean"]), number(jup["mean"])]
            change = "today" if jup["is_baseline"] else ci(jup)
            assert cells[3].startswith(change), (cells, change)
            assert cells[4] == ci(pair)
            better = pair["better"] if isinstance(pair["better"], str) else ""
            assert cells[5] == (name(better) if better else "neither clearly")
    sw = pd.read_csv(folder / "switch_points.csv")
    text = _text(verdict)
    lead = sw[sw["outcome"] == "lead_time_mean"]
    assert len(lead) and lead["estimate"].isna().all()  # four settings: too few to interpolate
    for r in lead.itertuples():
        assert (f"planning overhead stays at or below {number(r.low)} (share of TD capacity; it "
                f"switches between these settings); from {number(r.high)}, {name(r.after)}") in text


def test_one_model_over_many_settings_keeps_the_sentence_of_its_largest_changes() -> None:
    """Without a pair there is no switch to state; past a few settings the table reads slowly, so
    the sentence of the best and worst changes stands above it."""
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    text = _text(first_screen(summary, _exp(["joined_up_planning"], None, ["lead_time_mean"]),
                              sweep()))
    assert ("Lead time (mean) under Joined up planning (24 weeks at today's setting): the best of 6 "
            "other settings, planning overhead 0 (share of TD capacity), lowers it by 2 weeks") in text
    assert text.index("the best of 6 other settings") < text.index("0.1 24 today")  # then the table


def test_a_long_table_is_folded_and_the_changes_said_above_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import orgsim.report.whatif as report

    monkeypatch.setattr(report, "SHOWN_ROWS", 5)  # the sweep's seven settings, as if many
    summary = SimpleNamespace(by_model=BY_MODEL, paired=POOLED_PAIRED)
    html = first_screen(summary, _exp(list(PAIR), PAIR, ["lead_time_mean"]), sweep())
    assert "<details><summary>7 settings</summary><table>" in html
    text = _text(html)
    assert text.index("while planning overhead stays below 0.45") < \
        text.index("the best of 6 other settings") < text.index("7 settings")
