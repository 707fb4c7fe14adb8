"""Report figures as a reader and a publisher need them.

Every figure is saved as PNG (300 dpi), PDF and SVG with its text kept as text;
no two tick labels overlap; every numeric axis is labelled. Checked on the
shipped comparison (fewer replications) and on the same folder with every
number made a thousand times larger.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from orgsim.experiments.runner import run
from orgsim.report import write_report
from orgsim.report.data import read
from orgsim.report.figures import _drawn
from tiny import ROOT

SHIPPED = ROOT / "experiments" / "compare_operating_models.yaml"
KEYS = {"point", "replication", "seed"}


def _shipped(where: Path, replications: int = 3) -> Path:
    """The shipped comparison with fewer replications, run into `where`."""
    exp = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    exp.update(replications=replications, scenario=str((SHIPPED.parent / exp["scenario"])
                                                       .resolve()))
    path = where / "compare_operating_models.yaml"
    path.write_text(yaml.safe_dump(exp), encoding="utf-8")
    return run(path, out=where / "results", backend="serial")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _shipped(tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="module")
def larger(shipped: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same results with every measured number 1,000 times larger."""
    root = tmp_path_factory.mktemp("larger") / "results"
    shutil.copytree(shipped, root, ignore=shutil.ignore_patterns("plots", "report.html"))
    for name in ("metrics", "timeseries", "handoffs", "waits"):
        frame = pd.read_parquet(root / f"{name}.parquet")
        for col in frame.columns:
            if col not in KEYS and col != "week" and pd.api.types.is_numeric_dtype(frame[col]):
                frame[col] = frame[col] * 1000
        frame.to_parquet(root / f"{name}.parquet", index=False)
    restamp(root)  # the tables were changed on purpose: record their new hashes
    return root


def restamp(root: Path) -> None:
    """Record the current hashes of a results folder's tables in its manifest."""
    from orgsim.experiments.runner import file_sha256

    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables_sha256"] = {name: file_sha256(root / f"{name}.parquet")
                                 for name in manifest.get("tables_sha256", {})}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def figures(root: Path) -> Iterator[tuple[str, Any]]:
    for name, _, _, fig in _drawn(read(root)):
        yield name, rendered(fig)


@pytest.fixture(scope="module")
def drawn(shipped: Path, larger: Path) -> dict[str, list[tuple[str, Any]]]:
    """Every report figure, rendered once per results folder."""
    return {"shipped": list(figures(shipped)), "larger": list(figures(larger))}


def rendered(fig: Any) -> Any:
    """The figure drawn on an Agg canvas, so that text has its final size and place."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def tick_labels(fig: Any, which: str = "xy") -> list[tuple[str, Any]]:
    """(text, window extent) of every visible, non-empty tick label in the figure."""
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in [a for n, a in (("x", ax.xaxis), ("y", ax.yaxis)) if n in which]:
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * abs(high - low)
            for tick in axis.get_major_ticks():
                label = tick.label1
                inside = low - slack <= tick.get_loc() <= high + slack
                if label.get_visible() and label.get_text() and inside:
                    out.append((label.get_text(), label.get_window_extent(renderer)))
    return out


def axis_texts(fig: Any) -> list[tuple[str, Any]]:
    """(text, window extent) of every visible axis label and axes title."""
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes if ax.get_visible()
             for t in (ax.xaxis.label, ax.yaxis.label, ax.title, ax._left_title, ax._right_title)]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts
            if t.get_visible() and t.get_text()]


def _clash(boxes: list[tuple[str, Any]], gap: float) -> list[tuple[str, str]]:
    """Pairs closer side by side than `gap` pixels (overlapping, when gap is 0)."""
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2)
            if min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > 0.5 - gap
            and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > 0.5]


def overlaps(fig: Any, gap_em: float = 0.5) -> list[tuple[str, str]]:
    """Texts that overlap, or that stand in one line so close a reader takes them for one.

    Tick labels and axis labels or titles must not overlap at all; labels of the
    horizontal axes, and axis labels and titles among themselves, must also be at
    least `gap_em` of a 12-point character apart.
    """
    gap = gap_em * 12 / 72 * fig.dpi
    return (_clash(tick_labels(fig) + axis_texts(fig), 0.0) + _clash(tick_labels(fig, "x"), gap)
            + _clash(axis_texts(fig), gap))


NUMBER = re.compile(r"^[−+-]?[\d,.]+\s*[%kM]?$")


def unlabelled_numeric_axes(fig: Any) -> list[str]:
    """Axes whose tick labels are numbers but which say nothing of what or in which unit."""
    out = []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        for which, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            texts = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
            shared = [a for a in fig.axes if a is not ax and a.get_visible()
                      and getattr(a, f"get_shared_{which}_axes")().joined(a, ax)]
            labels = [axis.get_label_text()] + [getattr(a, f"get_{which}label")() for a in shared]
            if texts and all(NUMBER.match(t) for t in texts) and not any(s.strip() for s in labels):
                out.append(f"axes {i} ({ax.get_title()!r}) {which}")
    return out


@pytest.mark.parametrize("which", ["shipped", "larger"])
def test_no_tick_labels_overlap(which: str, drawn: dict[str, list[tuple[str, Any]]]) -> None:
    found = {name: overlaps(fig) for name, fig in drawn[which]}
    assert "headline" in found and len(found) > 8
    assert not {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("which", ["shipped", "larger"])
def test_every_numeric_axis_is_labelled(which: str, drawn: dict[str, list[tuple[str, Any]]]) -> None:
    assert not {name: bad for name, fig in drawn[which] if (bad := unlabelled_numeric_axes(fig))}


def test_overlap_check_sees_overlaps() -> None:
    """The check itself: labels crowded onto a narrow axis are found."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.5, 1))
    ax = fig.subplots()
    ax.set_xlim(0, 1.4e6)
    ax.set_xticks([8e5, 1e6, 1.2e6], ["800,000", "1,000,000", "1,200,000"])
    assert overlaps(rendered(fig))


@pytest.fixture(scope="module")
def report(shipped: Path) -> str:
    return write_report(shipped, formats=("png", "pdf", "svg")).read_text(encoding="utf-8")


def test_every_figure_saved_for_print_and_editing(shipped: Path, report: str) -> None:
    names = re.findall(r'<figure id="plot-([^"]+)"', report)
    assert "headline" in names and len(names) > 8
    for name in names:
        base = shipped / "plots" / name
        for fmt in ("png", "pdf", "svg"):
            assert f'href="plots/{name}.{fmt}"' in report
        with Image.open(base.with_suffix(".png")) as image:
            dpi = image.info["dpi"]
        assert round(dpi[0]) == round(dpi[1]) == 300
        svg = base.with_suffix(".svg").read_text(encoding="utf-8")
        assert "<text" in svg and 'id="DejaVuSans' not in svg  # text, not glyph outlines
        pdf = base.with_suffix(".pdf").read_bytes()
        assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType fonts, not outlines


def test_headline_svg_keeps_its_words(shipped: Path, report: str) -> None:
    svg = (shipped / "plots" / "headline.svg").read_text(encoding="utf-8")
    assert "lower is better" in svg and "Internal commissioning" in svg


def test_saving_twice_gives_the_same_bytes(shipped: Path, tmp_path: Path) -> None:
    from orgsim import plots

    saved = []
    for where in ("a", "b"):
        name, _, _, fig = next(_drawn(read(shipped)))
        saved.append({f: p.read_bytes() for f, p in plots.save(fig, tmp_path / where, name).items()})
    assert saved[0] == saved[1]


def _boxes(fig: Any) -> list[tuple[str, Any]]:
    """(text, extent) of every text drawn in the flow picture's axes, boxes included."""
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return [(t.get_text(), (t.get_bbox_patch() or t).get_window_extent(renderer))
            for t in ax.texts if t.get_text()]


def test_flow_pictures_show_every_unit_and_service_team(
        shipped: Path, drawn: dict[str, list[tuple[str, Any]]]) -> None:
    """Every unit that held work, and every service team (pandemic cells included), is a box."""
    inputs = read(shipped)
    waits = inputs.tables["waits"]
    pictures = {name: fig for name, fig in drawn["shipped"] if name.startswith("flows_")}
    assert set(pictures) == {f"flows_{m}" for m in inputs.exp.models}
    for model in inputs.exp.models:
        w = waits[waits["model"] == model]
        units = {"ICSs" if re.fullmatch(r"ICS\d+", u) else u for u in w["unit"]}
        teams = {f"{u}: {t}" for u, t in zip(w["unit"], w["team"]) if t}
        labels = {text.split("\n")[0] for text, _ in _boxes(pictures[f"flows_{model}"])}
        assert units | teams <= labels, model
    cells = waits[(waits["model"] == "pandemic_cells") & (waits["team"] == "cells")]
    assert len(cells) and set(cells["unit"]) == {"NHSEI"}
    assert len(waits[(waits["model"] == "joined_up_planning") & (waits["team"] == "factory")])


WAIT = re.compile(r"^(forum|staff) (<0\.1|\d[\d,]*(\.\d)?) wk$")


@pytest.mark.parametrize("which", ["shipped", "larger"])
def test_flow_numbers_are_readable(which: str, drawn: dict[str, list[tuple[str, Any]]]) -> None:
    """No label or box overlaps another; numbers are short (three figures, waits in weeks)."""
    for name, fig in drawn[which]:
        if not name.startswith("flows_"):
            continue
        boxes = _boxes(fig)
        clash = [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2)
                 if box_a.overlaps(box_b)]
        assert not clash, name
        for text, _ in boxes:
            lines = text.split("\n")
            if len(lines) > 1:
                assert all(WAIT.match(line) for line in lines[1:]), (name, text)
            elif not re.search(r"[A-Za-z]", text):
                assert re.fullmatch(r"[\d,.]+(k|M|bn)?", text) and len(text) <= 5, text


def _drawn_colours(fig: Any) -> set[tuple[float, float, float]]:
    """Every colour on the page, as seen on white: alpha blended, invisible marks left out."""
    from matplotlib.collections import Collection
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.markers import MarkerStyle
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    def seen(c: Any) -> list[tuple[float, float, float]]:
        rgba = [to_rgba(x) for x in (c if len(getattr(c, "shape", ())) == 2 else [c])]
        return [tuple(round(1 - a + a * v, 3) for v in (r, g, b))  # type: ignore[misc]
                for r, g, b, a in rgba if a > 0.02]

    out: set[tuple[float, float, float]] = set()
    for art in fig.findobj(lambda a: hasattr(a, "get_visible")):
        ax = art.axes if hasattr(art.axes, "get_visible") else None
        if not art.get_visible() or (ax is not None and not ax.get_visible()):
            continue
        if isinstance(art, Patch) and art.get_figure() is not None:
            out.update(seen(art.get_facecolor()))
            if art.get_linewidth() > 0:
                out.update(seen(art.get_edgecolor()))
        elif isinstance(art, Line2D) and np.size(art.get_xdata()):
            if art.get_linestyle() not in ("None", "") and art.get_linewidth() > 0:
                out.update(seen(art.get_color()))
            if art.get_marker() not in (None, "None", ""):
                out.update(seen(art.get_markeredgecolor()))
                if MarkerStyle(art.get_marker()).is_filled():
                    out.update(seen(art.get_markerfacecolor()))
        elif isinstance(art, Collection) and np.size(art.get_offsets()) + len(art.get_paths()):
            out.update(seen(art.get_facecolor()) + seen(art.get_edgecolor()))
        elif isinstance(art, Text) and art.get_text():
            out.update(seen(art.get_color()))
    return out


def _grey(c: tuple[float, float, float]) -> bool:
    return max(c) - min(c) < 0.02


def _tint_of(c: tuple[float, float, float], base: tuple[float, float, float]) -> bool:
    """c = white + t (base - white) for one t in (0, 1]: the base colour, lightened."""
    ts = [(1 - x) / (1 - b) for x, b in zip(c, base) if 1 - b > 0.05]
    return bool(ts) and max(ts) - min(ts) < 0.03 and 0.05 < ts[0] <= 1.01 and all(
        abs(1 - x) < 0.02 for x, b in zip(c, base) if 1 - b <= 0.05)


def test_colour_means_an_operating_model_and_nothing_else(
        shipped: Path, drawn: dict[str, list[tuple[str, Any]]]) -> None:
    """A colour names one model in every figure; anything that is not a model is grey."""
    from matplotlib.colors import to_rgb

    from orgsim import plots

    inputs = read(shipped)
    palette = {m: to_rgb(c) for m, c in plots.model_colours(inputs.exp.models).items()}
    assert len(set(palette.values())) == len(palette) and not any(map(_grey, palette.values()))
    for name, fig in drawn["shipped"]:
        own = [m for m in palette if name.endswith(f"_{m}")]
        allowed = {m: c for m, c in palette.items() if not own or m in own}
        for colour in _drawn_colours(fig):
            if _grey(colour):
                continue
            owners = [m for m, base in palette.items() if _tint_of(colour, base)]
            assert owners and set(owners) <= set(allowed), (name, colour, owners)


def test_sensitivity_bars_are_not_model_colours() -> None:
    from orgsim import plots

    table = pd.DataFrame({"outcome": ["lead_time_mean"] * 2, "uncertainty": ["a.b", "c.d"],
                          "mu_star": [2.0, 1.0], "mu_star_conf": [0.5, 0.2], "sigma": [1.0, 0.5]})
    fig = rendered(plots.sensitivity(table)[0])
    assert all(_grey(c) for c in _drawn_colours(fig))
    sobol = pd.DataFrame({"outcome": ["lead_time_mean"] * 2, "uncertainty": ["a.b", "c.d"],
                          "S1": [0.5, 0.1], "ST": [0.6, 0.2], "S1_conf": [0.1, 0.1],
                          "ST_conf": [0.1, 0.1]})
    assert all(_grey(c) for c in _drawn_colours(rendered(plots.sensitivity(sobol)[0])))


def test_tint_check() -> None:
    blue = (0.0, 0.447, 0.698)
    light = (1 - 0.35 * (1 - blue[0]), 1 - 0.35 * (1 - blue[1]), 1 - 0.35 * (1 - blue[2]))
    assert _tint_of(blue, blue) and _tint_of(light, blue)
    assert not _tint_of((0.902, 0.624, 0.0), blue) and not _tint_of((0.3, 0.45, 0.69), blue)


def test_page_styles_use_no_model_colour(report: str) -> None:
    """The page's own styling (notes, links to details) stays clear of the models' colours."""
    from orgsim.plots.style import PALETTE

    style = report[report.index("<style>"):report.index("</style>")].lower()
    assert not [c for c in PALETTE if c.lower() in style]
