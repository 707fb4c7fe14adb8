"""Drawing a report's figures: formats on request, in parallel, unchanged figures reused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.experiments.runner import run
from orgsim.report import write_report
from orgsim.report.drawing import CACHE, Declared, declare, key
from tiny import SCENARIO

EXPERIMENT = f"""
name: drawing_test
scenario: {SCENARIO}
models: [internal_commissioning, joined_up_planning]
replications: 2
horizon_weeks: 30
warmup_weeks: 5
seed: 4
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("drawing")
    (where / "experiment.yaml").write_text(EXPERIMENT, encoding="utf-8")
    root = run(where / "experiment.yaml", out=where / "results", backend="serial")
    write_report(root, workers=1)  # the serial drawing every other report here is compared with
    return root


def _copy(results: Path, where: Path, plots: bool = False) -> Path:
    ignore = None if plots else shutil.ignore_patterns("plots", "report.html")
    return Path(shutil.copytree(results, where / "results", ignore=ignore))


def _stamps(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / "plots").glob("*.png")}


def _drawn_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in [root / "report.html", *(root / "plots").glob("*.png")]}


def test_parallel_drawing_gives_the_serial_bytes_and_a_second_report_draws_nothing(
        results: Path, tmp_path: Path) -> None:
    """Two forked workers draw exactly what one process draws; a second report reuses every
    figure (no file rewritten) and gives the same page."""
    copy = _copy(results, tmp_path)
    write_report(copy, workers=2)
    parallel, stamps = _drawn_files(copy), _stamps(copy)
    write_report(copy, workers=2)
    assert _stamps(copy) == stamps and _drawn_files(copy) == parallel
    shutil.rmtree(copy / "plots")
    write_report(copy, workers=1)
    assert len(parallel) > 8 and _drawn_files(copy) == parallel


def test_a_changed_table_redraws_only_the_figures_drawn_from_it(results: Path,
                                                                 tmp_path: Path) -> None:
    """Waits feed the flow pictures alone: halving them redraws those and nothing else."""
    copy = _copy(results, tmp_path, plots=True)
    waits = pd.read_parquet(copy / "waits.parquet")
    waits.assign(mean_wait=waits["mean_wait"] / 2).to_parquet(copy / "waits.parquet", index=False)
    before = _stamps(copy)
    write_report(copy)
    after = _stamps(copy)
    redrawn = {n for n in before if after[n] != before[n]}
    assert redrawn == {n for n in before if n.startswith("flows_")} and redrawn


def test_formats_beyond_png_only_when_asked(results: Path, tmp_path: Path) -> None:
    copy = _copy(results, tmp_path, plots=True)
    done = CliRunner().invoke(app, ["report", str(copy), "--formats", "pdf,svg", "-q"])
    assert done.exit_code == 0, done.output
    html = (copy / "report.html").read_text(encoding="utf-8")
    for fmt in ("png", "pdf", "svg"):
        assert (copy / "plots" / f"headline.{fmt}").stat().st_size > 1000
        assert f'href="plots/headline.{fmt}"' in html
    assert "as PNG (300 dpi), PDF and SVG." in html and "(text editable)" in html
    plain = (results / "report.html").read_text(encoding="utf-8")  # the default: PNG alone
    assert "as PNG (300 dpi)." in plain and 'href="plots/headline.pdf"' not in plain
    assert "(text editable)" not in plain


def test_a_redrawn_figure_keeps_no_file_of_an_older_drawing(results: Path, tmp_path: Path) -> None:
    """SVGs of a figure drawn from other data would not match it: they go when it is redrawn."""
    copy = _copy(results, tmp_path, plots=True)
    write_report(copy, formats=("png", "svg"))
    assert (copy / "plots" / "flows_joined_up_planning.svg").exists()
    waits = pd.read_parquet(copy / "waits.parquet")
    waits.assign(mean_wait=waits["mean_wait"] + 1).to_parquet(copy / "waits.parquet", index=False)
    write_report(copy)
    assert not (copy / "plots" / "flows_joined_up_planning.svg").exists()
    assert (copy / "plots" / "headline.svg").exists()  # unchanged figure: its files stay


def test_bad_formats_and_workers_get_one_line(results: Path) -> None:
    for args, expected in ((["--formats", "png,jpeg"], "--formats: expected a comma-separated "
                            "list of png, pdf, svg, found 'jpeg'"),
                           (["--workers", "0"], "--workers: must be >= 1, got 0")):
        done = CliRunner().invoke(app, ["report", str(results), *args])
        assert done.exit_code == 2 and expected in done.output, done.output
        assert "Traceback" not in done.output


def test_progress_line_on_stderr_and_quiet(results: Path, tmp_path: Path) -> None:
    copy = _copy(results, tmp_path)
    loud = CliRunner().invoke(app, ["report", str(copy)])
    assert loud.exit_code == 0, loud.output
    assert "figures" in loud.stderr and "figures" not in loud.stdout
    assert loud.stdout.strip() == f"report: {copy / 'report.html'}"
    quiet = CliRunner().invoke(app, ["report", str(copy), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def _plot(frame: pd.DataFrame) -> tuple[object, object]:
    return frame, None


def test_key_follows_the_data_and_refuses_what_it_cannot_see() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    one = key(declare("x", "X", "", _plot, frame))
    assert one is not None and one == key(declare("x", "X", "", _plot, frame.copy()))
    assert one != key(declare("x", "X", "", _plot, frame.assign(a=[1.0, 2.5])))
    assert one != key(declare("y", "X", "", _plot, frame))
    assert key(declare("x", "X", "", lambda: _plot(frame))) is None  # a closure hides its data
    assert key(Declared("x", "X", "", drawn=object())) is None


def test_cache_lives_beside_the_plots(results: Path) -> None:
    cache = results / "plots" / CACHE
    assert (cache / "headline.key").exists() and (cache / "headline.png").exists()


def test_reading_and_reporting_import_neither_mesa_nor_scipy_stats() -> None:
    """A report never simulates: the engine (Mesa, over a second) and scipy.stats stay unloaded."""
    import subprocess
    import sys

    code = ("import sys; import orgsim.cli.report, orgsim.report, orgsim.report.data, "
            "orgsim.experiments.runner, orgsim.analysis; "
            "print(sorted(m for m in ('mesa', 'scipy.stats', 'orgsim.engine.run') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
