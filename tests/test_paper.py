"""`orgsim paper`: the pair's figures at journal sizes, its table (numbers as `orgsim summarise`
computes them, rounded as stated), LaTeX that is well formed, a methods paragraph from the record,
and one-line errors for names that do not exist."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.experiments.runner import run
from orgsim.paper.table import Row, number, precision
from tiny import SCENARIO, TINY_SCENARIO

MODELS = ["internal_commissioning", "joined_up_planning"]
PAIR = ["joined_up_planning", "internal_commissioning"]  # the reverse of the experiment's order
OUTCOMES = ["needs_met", "lead_time_mean", "duplication_rate", "benefit", "utilisation"]
EXPERIMENT = f"""
name: paper_test
scenario: {SCENARIO}
models: {MODELS}
replications: 3
horizon_weeks: 40
warmup_weeks: 10
seed: 3
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("paper")
    (where / "experiment.yaml").write_text(EXPERIMENT, encoding="utf-8")
    root = run(where / "experiment.yaml", out=where / "results", backend="serial")
    done = CliRunner().invoke(app, ["summarise", str(root)])
    assert done.exit_code == 0, done.output
    return root


@pytest.fixture(scope="module")
def pack(results: Path) -> Path:
    done = CliRunner().invoke(app, ["paper", str(results), "--compare", *PAIR,
                                    "--outcomes", ",".join(OUTCOMES[:3]), "--outcomes", OUTCOMES[3],
                                    "--outcomes", OUTCOMES[4]])
    assert done.exit_code == 0, done.output
    return results / "paper" / "joined_up_planning-vs-internal_commissioning"


def close(cell: object, value: float, decimals: int) -> bool:
    """`cell` is `value` rounded to `decimals` (half a unit of the last place, and no more)."""
    return abs(float(str(cell)) - value) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 1e-12


def test_table_numbers_are_the_summary_csvs_rounded_as_stated(results: Path, pack: Path) -> None:
    table = pd.read_csv(pack / "table.csv", dtype=str)
    assert list(table["outcome"]) == OUTCOMES
    by_model = pd.read_csv(results / "summary" / "by_model.csv").set_index(["model", "outcome"])
    paired = pd.read_csv(results / "summary" / "paired.csv").set_index(["model_a", "model_b", "outcome"])
    for row in table.itertuples():
        d = int(row.decimals)
        cells = row._asdict()
        for model in PAIR:
            expected = by_model.loc[(model, row.outcome)]
            for stat in ("mean", "ci_low", "ci_high"):
                assert close(cells[f"{model}_{stat}"], expected[stat], d), (row.outcome, model, stat)
            assert int(cells[f"{model}_n"]) == expected["n"]
        # summary/paired.csv has internal_commissioning minus joined_up_planning: the pack's is reversed
        p = paired.loc[(MODELS[0], MODELS[1], row.outcome)]
        assert close(row.difference_mean, -p["mean_diff"], d)
        assert close(row.difference_ci_low, -p["ci_high"], d)
        assert close(row.difference_ci_high, -p["ci_low"], d)
        assert int(row.pairs) == p["n"] == 3
        if math.isnan(p["share_a_better"]):  # utilisation: neither direction is better
            assert pd.isna(cells["joined_up_planning_better_pct"])
        else:
            assert int(cells["joined_up_planning_better_pct"]) == round(100 * p["share_b_better"])
            assert int(cells["internal_commissioning_better_pct"]) == round(100 * p["share_a_better"])
        decimals_shown = [len(str(cells[c]).partition(".")[2]) for c in cells if c.endswith("_mean")]
        assert decimals_shown == [max(d, 0)] * 3  # every number of a row to the same stated precision


def test_precision_is_two_significant_figures_of_the_narrowest_interval() -> None:
    def row(half: float, mean: float = 50.0) -> Row:
        return Row("x", "X", "u", "", (mean, mean - half, mean + half),
                   (mean, mean - 2 * half, mean + 2 * half), (1.0, 1.0 - 3 * half, 1.0 + 3 * half),
                   3, 3, 3, 0.5, 0.5)
    assert precision(row(0.034)) == 3 and number(12.3456, 3) == "12.346"
    assert precision(row(1.2)) == 1 and precision(row(54_000.0, 284_211.0)) == -3
    assert number(284_211.0, -3) == "284000" and number(-0.0004, 2) == "0.00"
    single = Row("x", "X", "u", "", (42.5, math.nan, math.nan), (40.0, math.nan, math.nan),
                 (2.5, math.nan, math.nan), 1, 1, 1, 1.0, 0.0)
    assert precision(single) == 1  # three significant figures of the largest value


def test_latex_table_is_booktabs_and_well_formed(results: Path, pack: Path) -> None:
    text = (pack / "table.tex").read_text()
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert text.count("\\begin{tabular}{@{}lllll@{}}") == 1
    body = text[text.index("\\midrule"):text.index("\\bottomrule")].splitlines()[1:-1]
    assert len(body) == len(OUTCOMES)
    for line in body:
        assert line.rstrip().endswith("\\\\") and line.count("&") == 4, line
    code = re.sub(r"\\[%&_$#{}]", "", text.split("\n", 1)[1])  # escaped characters and the comment line
    assert "_" not in code and "%" not in code and code.count("{") == code.count("}")
    assert "\\label{tab:joined-up-planning-vs-internal-commissioning}" in text
    table = pd.read_csv(pack / "table.csv", dtype=str).set_index("outcome")
    lead = table.loc["lead_time_mean"]
    assert (f"{lead.joined_up_planning_mean} [{lead.joined_up_planning_ci_low}, "
            f"{lead.joined_up_planning_ci_high}]") in text
    if shutil.which("pdflatex"):
        doc = pack / "check.tex"
        doc.write_text("\\documentclass{article}\\usepackage{booktabs}\\begin{document}"
                       "\\input{table.tex}\\end{document}\n")
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "check.tex"],
                              cwd=pack, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.parametrize("width,mm", [("single", 89), ("double", 183)])
def test_figures_at_journal_widths_with_text_as_text_and_no_title(pack: Path, width: str, mm: int) -> None:
    from PIL import Image

    for outcome in OUTCOMES:
        stem = pack / "figures" / f"{outcome}_{width}"
        with Image.open(stem.with_suffix(".png")) as png:
            assert abs(png.size[0] - mm / 25.4 * 300) <= 2
            assert round(png.info["dpi"][0]) == 300
        svg = stem.with_suffix(".svg").read_text()
        assert "<text" in svg and "Paired difference" in svg  # text kept as text, not outlines
        assert b"/FontFile2" in stem.with_suffix(".pdf").read_bytes()  # TrueType (fonttype 42)
        caption = (pack / "figures" / f"{outcome}.caption.txt").read_text()
        assert "95% confidence interval" in caption and "common random numbers" in caption


def test_the_figure_draws_no_title() -> None:
    from orgsim.plots.paper import Estimate, pair_figure

    fig, axes = pair_figure("a_model", "b_model", Estimate(3, 2, 4), Estimate(5, 4, 6),
                            Estimate(-2, -3, -1), "Lead time (mean)", "weeks", better=-1)
    assert fig._suptitle is None and [ax.get_title(loc="left") for ax in axes] == ["a", "b"]
    assert all(not ax.get_title() for ax in axes)
    assert "lower is better" in axes[0].get_ylabel()
    low, high = axes[1].get_ylim()
    assert low < -3 and high >= 0  # the difference is read against zero


@pytest.mark.parametrize("width", ["single", "double"])
def test_model_names_under_the_points_do_not_collide(width: str) -> None:
    """Long names and wide tick labels (millions) in one column: every label stays apart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from orgsim.plots.paper import Estimate, pair_figure

    fig, axes = pair_figure("internal_commissioning", "joined_up_planning",
                            Estimate(1_672_000, 1_635_000, 1_710_000),
                            Estimate(1_875_000, 1_838_000, 1_912_000),
                            Estimate(-203_000, -224_000, -182_000), "Benefit", "value-weeks",
                            width=width, better=1)  # type: ignore[arg-type]
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    boxes = [t.get_window_extent(renderer) for ax in axes for t in ax.get_xticklabels()]
    boxes += [ax.yaxis.label.get_window_extent(renderer) for ax in axes]
    for i, one in enumerate(boxes):
        for other in boxes[i + 1:]:
            assert not one.overlaps(other), (one, other)
    outside = fig.bbox
    assert all(outside.contains(b.x0, b.y0) and outside.contains(b.x1, b.y1) for b in boxes)


def test_large_numbers_are_grouped_in_latex_and_markdown() -> None:
    from orgsim.paper.table import grouped, latex, markdown

    big = Row("benefit", "Benefit", "value-weeks", "", (1_672_000.0, 1_635_000.0, 1_710_000.0),
              (1_875_000.0, 1_838_000.0, 1_912_000.0), (-203_000.0, -224_000.0, -182_000.0),
              30, 30, 30, 0.0, 1.0)
    assert big.decimals == -3 and grouped("1672000", ",") == "1,672,000" and grouped("9999", ",") == "9999"
    assert "1\\,672\\,000 [1\\,635\\,000, 1\\,710\\,000]" in latex([big], "A", "B", "c", "l")
    assert "$-203\\,000$" in latex([big], "A", "B", "c", "l")
    assert "| 1,672,000 [1,635,000, 1,710,000] |" in markdown([big], "A", "B")


def test_methods_paragraph_and_index(results: Path, pack: Path) -> None:
    manifest = json.loads((results / "manifest.json").read_text())
    text = (pack / "methods.md").read_text()
    for piece in ("3 replications", "SeedSequence(3)", str(manifest["replication_seeds"][0]),
                  "40 weeks", "first 10 weeks were a warm-up", "common random numbers",
                  f"Mesa {manifest['mesa']}", f"SimPy {manifest['simpy']}", f"NumPy {manifest['numpy']}",
                  f"Python {manifest['python']}", f"orgsim {manifest['orgsim']}",
                  "single design point", "Joined up planning (A)", "**needs_met**"):
        assert piece in text, piece
    if manifest["git_commit"]:
        assert manifest["git_commit"][:7] in text
    readme = (pack / "README.md").read_text()
    for outcome in OUTCOMES:
        assert f"figures/{outcome}_single.png" in readme
        assert (pack / "figures" / f"{outcome}.caption.txt").read_text().strip() in readme
    assert text.strip() in readme


@pytest.mark.parametrize("args,message", [
    (["--compare", "joined_up_planing", "internal_commissioning"],
     "unknown operating model 'joined_up_planing'; did you mean 'joined_up_planning'"),
    (["--compare", "internal_commissioning", "internal_commissioning"], "two different models"),
    (["--compare", "internal_commissioning", "merged_devolved"], "known: internal_commissioning, "
                                                                 "joined_up_planning"),
    (["--outcomes", "needs_mett"], "unknown outcome 'needs_mett'; did you mean 'needs_met'"),
    (["--decimals", "9"], "--decimals"),
])
def test_bad_names_get_one_line_and_exit_2(results: Path, args: list[str], message: str) -> None:
    done = CliRunner().invoke(app, ["paper", str(results), *args])
    assert done.exit_code == 2, done.output
    assert message in done.output and "Traceback" not in done.output
    assert len([line for line in done.output.splitlines() if line.strip()]) == 1


def test_not_a_results_folder(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["paper", str(tmp_path)])
    assert done.exit_code == 2 and "neither an experiment's results folder" in done.output


def test_a_folder_of_single_runs_has_no_intervals(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(TINY_SCENARIO), "-m", "tiny", "-m", "tiny_reject",
                               "--out", str(tmp_path / "run"), "-q"]).exit_code == 0
    done = runner.invoke(app, ["paper", str(tmp_path / "run"), "--outcomes", "needs_met,rejected"])
    assert done.exit_code == 0, done.output
    pack = tmp_path / "run" / "paper" / "tiny-vs-tiny_reject"
    table = pd.read_csv(pack / "table.csv")
    assert table["tiny_ci_low"].isna().all() and (table["pairs"] == 1).all()
    assert "no confidence interval" in (pack / "figures" / "needs_met.caption.txt").read_text()
    assert "Each model was run once" in (pack / "methods.md").read_text()
