"""Saving figures for print and for editing: PNG at 300 dpi, PDF and SVG with text kept as text.

Text stays text (`svg.fonttype: none`, TrueType fonts in the PDF), so a figure
opened in a drawing program can have its labels edited, restyled or translated.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

from orgsim.store.atomic import write_atomic

PRINT_DPI = 300
SCREEN_DPI = 150
FORMATS = ("png", "pdf", "svg")
TEXT_AS_TEXT: dict[Any, Any] = {"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42,
                "svg.hashsalt": "orgsim"}


def save(fig: Any, folder: Path, name: str, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    """Write `<name>.png` (300 dpi), `<name>.pdf` and `<name>.svg` (or `formats`) in `folder`.

    Returns the paths. `svg.hashsalt` is fixed so that the same figure gives the same SVG bytes.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown figure format {unknown[0]!r}; expected one of {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {fmt: folder / f"{name}.{fmt}" for fmt in formats}
    with matplotlib.rc_context(TEXT_AS_TEXT):
        for fmt, path in paths.items():
            write_atomic(path, _saver(fig, fmt))  # a reader never finds half a figure
    return paths


def _saver(fig: Any, fmt: str) -> Callable[[Path], None]:
    def save_to(tmp: Path) -> None:
        fig.savefig(tmp, format=fmt, dpi=PRINT_DPI, metadata=_metadata(fmt))
    return save_to


def png(fig: Any, dpi: int = SCREEN_DPI) -> bytes:
    """The figure as PNG bytes, at screen resolution, for embedding in a page."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _metadata(fmt: str) -> dict[str, Any]:
    """No creation dates, so saving twice gives the same bytes."""
    return {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}.get(fmt, {})
