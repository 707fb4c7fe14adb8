"""A small experiment's report: self-contained, every plot embedded and saved, sources cited."""

from __future__ import annotations

import ast
import json
import re
import shutil
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.experiments.runner import experiment_sha256, run
from orgsim.experiments.spec import Experiment
from orgsim.report import write_report
from tiny import ROOT, SCENARIO

MODELS = ["internal_commissioning", "joined_up_planning"]
PLOTS = ["headline", "distributions", "over_time", "time_goes", "utilisation",
         "paired_differences", "sensitivity",
         "robustness", *(f"{kind}_{m}" for kind in ("flows", "structure") for m in MODELS)]
EXPERIMENT = f"""
name: report_test
description: A short Morris screen for the report.
scenario: {SCENARIO}
models: {MODELS}
uncertainties:
  models.joined_up_planning.planning_overhead.TD:
    {{low: 0.0, high: 0.4, source: "overhead range for the report test"}}
  demand.ics_rate_per_week: {{low: 0.03, high: 0.09, source: "demand range for the report test"}}
design: {{kind: morris, samples: 2, levels: 4}}
replications: 2
horizon_weeks: 40
warmup_weeks: 10
seed: 3
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("report")
    (where / "experiment.yaml").write_text(EXPERIMENT, encoding="utf-8")
    return run(where / "experiment.yaml", out=where / "results", backend="serial")


@pytest.fixture(scope="module")
def html(results: Path) -> str:
    path = write_report(results)
    assert path == results / "report.html"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PLOTS)
def test_every_plot_is_embedded_and_saved(results: Path, html: str, name: str) -> None:
    embedded = rf'<figure id="plot-{name}"><h3>[^<]*</h3><img [^>]*src="data:image/png;base64,'
    assert re.search(embedded, html)
    assert (results / "plots" / f"{name}.png").stat().st_size > 1000
    for suffix in (".pdf", ".svg"):  # only when asked (`orgsim report --formats png,pdf,svg`)
        assert not (results / "plots" / f"{name}{suffix}").exists()
    assert f'href="plots/{name}.png"' in html and f'href="plots/{name}.svg"' not in html


def test_self_contained(html: str) -> None:
    assert not re.search(r"https?://", html)
    assert not re.search(r'<(script|link)\b', html)
    assert not re.search(r'src="(?!data:)', html)


def test_design_tables_and_sources(results: Path, html: str) -> None:
    manifest = json.loads((results / "manifest.json").read_text())
    for seed in manifest["replication_seeds"]:
        assert str(seed) in html
    for text in ("report_test", "A short Morris screen", "morris", "Headline outcomes",
                 "Paired differences", "Sensitivity", "Robustness", "Assumptions and sources",
                 "overhead range for the report test", "demand range for the report test",
                 "healthcareitnews-2020: four specialities prioritised",
                 "assumption: the NHSEI board that approves the business case meets monthly",
                 "wade-gery-2021, Rec. 5 and 6: Transformation Directorate"):
        assert text.replace("'", "&#x27;") in html, text


def test_sources_by_short_name_resolved_in_the_report(html: str) -> None:
    """Each cited document is named with its title, and docs/sources.md is pointed to."""
    from orgsim.config.sources import BY_NAME

    sources = html[html.index('<section id="sources">'):]
    assert "docs/sources.md" in sources
    for short in ("wade-gery-2021", "healthcareitnews-2020"):
        assert f"<td>{short}</td><td>{BY_NAME[short].title}</td>" in sources.replace("&#x27;", "'")
    assert "not in docs/sources.md" not in sources


def test_missing_configuration_is_reported_not_fatal(results: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(results, moved, ignore=shutil.ignore_patterns("plots", "report.html"))
    exp = json.loads((moved / "experiment.json").read_text())
    exp["scenario"] = str(tmp_path / "gone.yaml")
    (moved / "experiment.json").write_text(json.dumps(exp))

    manifest = json.loads((moved / "manifest.json").read_text())  # changed on purpose: restamp
    manifest["config_sha256"]["experiment"] = experiment_sha256(Experiment.model_validate(exp))
    (moved / "manifest.json").write_text(json.dumps(manifest))
    manifest = json.loads((moved / "manifest.json").read_text())  # as if run from that scenario
    manifest["config_sha256"]["experiment"] = experiment_sha256(Experiment.model_validate(exp))
    (moved / "manifest.json").write_text(json.dumps(manifest))
    out = CliRunner().invoke(app, ["report", str(moved)])
    assert out.exit_code == 0, out.output
    text = (moved / "report.html").read_text(encoding="utf-8")
    assert "no longer exists" in text and 'id="plot-headline"' in text
    assert not list((moved / "plots").glob("structure_*"))


def test_only_plots_import_matplotlib() -> None:
    offenders = []
    for path in (ROOT / "orgsim").rglob("*.py"):
        module = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            uses = any(n.split(".")[0] == "matplotlib" for n in names)
            if uses and not module.startswith("orgsim.plots"):
                offenders.append(module)
    assert not offenders


def test_the_report_opens_on_its_verdict_and_defines_every_outcome(html: str) -> None:
    """The first section is the verdict in words; every outcome shown has its definition."""
    from orgsim.metrics.table import DEFINITIONS

    sections = re.findall(r'<section id="([^"]+)"', html)
    assert sections[0] == "verdict" and sections.index("design") > sections.index("headline")
    assert "is best," in html or "no clear winner" in html
    assert escape(DEFINITIONS["needs_met"]) in html
    assert escape(DEFINITIONS["lead_time_forum_wait"]) in html
    assert not re.search(r"\d\.\d+e[+-]\d", html), "a number in exponent form"
    assert 'id="plot-time_goes"' in html and 'id="plot-utilisation"' in html


def _absolute_paths(text: str) -> list[str]:
    """Machine paths: the project's, the temporary folders', any home or root directory."""
    roots = [str(ROOT), "/tmp/", "/home/", "/root/", "/work/", "/Users/", "C:\\"]
    return [r for r in roots if r in text]


def test_no_absolute_machine_paths(results: Path, html: str) -> None:
    assert not _absolute_paths(html), "the report shows a machine path"
    for table in (results / "summary").glob("*.csv"):
        assert not _absolute_paths(table.read_text(encoding="utf-8")), table.name
    assert "experiment.yaml" in html  # the files are still named, relative to the results


def test_missing_configuration_named_without_machine_path(results: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(results, moved, ignore=shutil.ignore_patterns("plots", "report.html"))
    exp = json.loads((moved / "experiment.json").read_text())
    exp["scenario"] = str(tmp_path / "gone.yaml")
    (moved / "experiment.json").write_text(json.dumps(exp))

    manifest = json.loads((moved / "manifest.json").read_text())  # changed on purpose: restamp
    manifest["config_sha256"]["experiment"] = experiment_sha256(Experiment.model_validate(exp))
    (moved / "manifest.json").write_text(json.dumps(manifest))
    text = write_report(moved).read_text(encoding="utf-8")
    assert "../gone.yaml" in text and not _absolute_paths(text)
