"""Drawing a report's figures: in parallel, in the formats asked for, reusing unchanged ones.

A figure is declared (`Declared`: name, heading, caption, the plot function and the data
it is drawn from) in `orgsim.report.figures`; nothing is drawn until `draw_all`. Each
declared figure gets a key, a hash of its plot function, its data and the code that
draws it (orgsim's source and matplotlib's version). A figure whose key is the one kept
beside its files (`plots/.cache/NAME.key`) is not drawn again: a second report of the same
results, or the report after a resumed experiment that changed nothing, reuses it. The
others are drawn by a pool of forked workers (`orgsim.experiments.backends`), each saving
the figure's files and sending back the screen-resolution PNG the page embeds.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from orgsim.experiments.progress import Progress, Silent
from orgsim.store.atomic import write_bytes, write_text

CACHE = ".cache"  # under plots/: NAME.key (the figure's key) and NAME.png (the embedded picture)
DEFAULT_FORMATS = ("png",)


@dataclass(frozen=True, eq=False)
class Declared:
    """A figure of the report, not yet drawn: `plot(*args, **kwargs)` returns (fig, ax).

    `drawn` holds a figure drawn already instead (no `plot`): it is saved, never reused.
    """

    name: str
    heading: str
    caption: str
    plot: Callable[..., Any] | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    drawn: Any = None

    def figure(self) -> Any:
        return self.drawn if self.plot is None else self.plot(*self.args, **self.kwargs)[0]


def declare(name: str, heading: str, caption: str, plot: Callable[..., Any], *args: Any,
            **kwargs: Any) -> Declared:
    """A figure `name` drawn by `plot(*args, **kwargs)` when the report is written."""
    return Declared(name, heading, caption, plot, args, kwargs)


def declared(item: Declared | tuple[str, str, str, Any]) -> Declared:
    """`item` as a `Declared`: a (name, heading, caption, drawn figure) tuple is accepted too."""
    return item if isinstance(item, Declared) else Declared(*item[:3], drawn=item[3])


@dataclass(frozen=True)
class Plot:
    name: str
    heading: str
    caption: str
    png: bytes
    formats: tuple[str, ...] = DEFAULT_FORMATS


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of orgsim's source and matplotlib's version: what draws a figure from its data."""
    from importlib.metadata import version

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(version("matplotlib").encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(d: Declared) -> str | None:
    """The figure's key, or None when it cannot have one (drawn already; data that won't pickle).

    The plot function is pickled with its data: a module-level function pickles by name, a
    partial with its arguments, while a lambda or closure (whose data a key could not see)
    does not pickle at all, so such a figure is always drawn.
    """
    if d.plot is None:
        return None
    try:
        data = pickle.dumps((d.name, d.plot, d.args, sorted(d.kwargs.items())), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(code_version().encode() + data).hexdigest()


def _cached(folder: Path, name: str, k: str | None, formats: Sequence[str]) -> bytes | None:
    """The embedded picture of a figure drawn before from the same key, with every file asked for."""
    if k is None:
        return None
    try:
        if (folder / CACHE / f"{name}.key").read_text(encoding="utf-8") != k:
            return None
        if not all((folder / f"{name}.{fmt}").exists() for fmt in formats):
            return None
        return (folder / CACHE / f"{name}.png").read_bytes()
    except OSError:
        return None


# What the workers draw: set before the pool forks, so the data is inherited, never pickled.
_JOBS: list[tuple[Declared, str | None]] = []
_WHERE: list[Any] = []  # [folder, formats]


def _render(index: int) -> tuple[int, bytes]:
    """Draw job `index`, save its files, keep its key; returns the picture to embed."""
    from orgsim.plots.export import FORMATS, png, save

    d, k = _JOBS[index]
    folder, formats = _WHERE
    (folder / CACHE / f"{d.name}.key").unlink(missing_ok=True)  # until every file is new
    fig = d.figure()
    save(fig, folder, d.name, formats)
    for fmt in FORMATS:
        if fmt not in formats:  # an older drawing's file would not match this one
            (folder / f"{d.name}.{fmt}").unlink(missing_ok=True)
    screen = png(fig)
    if k is not None:
        write_bytes(folder / CACHE / f"{d.name}.png", screen)
        write_text(folder / CACHE / f"{d.name}.key", k)
    return index, screen


def draw_all(figures: Iterable[Declared | tuple[str, str, str, Any]], folder: Path,
             formats: Sequence[str] = DEFAULT_FORMATS, workers: int = 2,
             progress: Progress | None = None) -> list[Plot]:
    """Draw and save every figure not drawn before from the same data, `workers` at a time."""
    from orgsim.experiments.backends import outputs

    items = [declared(f) for f in figures]
    keys = [key(d) for d in items]
    formats = tuple(formats)
    screens = {i: png for i, (d, k) in enumerate(zip(items, keys))
               if (png := _cached(folder, d.name, k, formats)) is not None}
    todo = [i for i in range(len(items)) if i not in screens]
    progress = progress or Silent()
    progress.start(len(items), len(screens))
    _JOBS[:], _WHERE[:] = list(zip(items, keys)), [Path(folder), formats]
    try:
        backend = "processes" if workers > 1 and len(todo) > 1 else "serial"
        for index, screen in outputs(todo, backend, workers, fn=_render):  # type: ignore[arg-type]
            screens[index] = screen
            progress.advance()
    finally:
        _JOBS.clear()
        _WHERE.clear()
    return [Plot(d.name, d.heading, d.caption, screens[i], formats) for i, d in enumerate(items)]
