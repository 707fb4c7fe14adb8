"""Small HTML building blocks: escaped tables, key-value lists, figures and the page itself."""

from __future__ import annotations

import base64
import math
from collections.abc import Container, Iterable, Sequence
from html import escape
from typing import Any

import numpy as np

CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 1150px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.9em; margin-bottom: 0.2em; } h3 { margin-top: 1.6em; }
footer { margin-top: 3em; padding-top: 0.6em; border-top: 1px solid #ddd; color: #666; font-size: 0.85em; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.2em; }
table { border-collapse: collapse; margin: 0.8em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.marked td { font-weight: 600; } td.whole { white-space: nowrap; }
figure { margin: 1.2em 0 2em; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; margin-top: 0.3em; }
nav ul { columns: 2; }
.note { background: #f3f3f3; border-left: 4px solid #555; padding: 0.5em 1em; }
details { margin: 0.6em 0 1.2em; } summary { cursor: pointer; text-decoration: underline; }
.muted { color: #666; }
"""


def fmt(value: Any) -> str:
    """Numbers to three or four significant figures; everything else as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.0f}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return np.format_float_positional(value, precision=4, unique=True, fractional=False, trim="-")
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    return str(value)


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _head(header: Sequence[str], groups: Sequence[tuple[str, int]] | None) -> str:
    """The header row, or two rows when `groups` ((label, columns) in order; an empty label
    leaves its columns ungrouped, each header spanning both rows) gather columns under a label."""
    if not groups:
        return "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"
    top, below, i = [], [], 0
    for label, span in groups:
        names = header[i:i + span]
        i += span
        if label:
            top.append(f'<th colspan="{span}">{escape(label)}</th>')
            below += [f"<th>{escape(h)}</th>" for h in names]
        else:
            top += [f'<th rowspan="2">{escape(h)}</th>' for h in names]
    return f"<tr>{''.join(top)}</tr><tr>{''.join(below)}</tr>"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], numeric: bool = True,
          right: Container[int] = (), marked: Container[int] = (),
          groups: Sequence[tuple[str, int]] | None = None, whole: Container[int] = ()) -> str:
    """An HTML table; numbers are formatted and right-aligned, text is escaped.

    `right`: columns right-aligned as numbers even when their cells are text (a number with
    its interval); `marked`: rows set in bold (today's setting); `groups`: see `_head`;
    `whole`: text columns never broken across lines (a model's name).
    """
    head = _head(header, groups)
    body = []
    for i, row in enumerate(rows):
        cells = [f'<td class="num">{escape(fmt(v))}</td>' if (numeric and _numeric(v)) or j in right
                 else f'<td class="whole">{escape(fmt(v))}</td>' if j in whole
                 else f"<td>{escape(fmt(v))}</td>" for j, v in enumerate(row)]
        body.append(('<tr class="marked">' if i in marked else "<tr>") + "".join(cells) + "</tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def frame_table(frame: Any, limit: int = 60) -> str:
    """A DataFrame as a table, with at most `limit` rows (a note says how many were left out)."""
    shown = frame.head(limit)
    out = table([str(c) for c in shown.columns], shown.itertuples(index=False))
    if len(frame) > limit:
        out += paragraph(f"First {limit} of {len(frame)} rows.", "muted")
    return out


def pairs(items: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of names and values."""
    empty_head = "<thead><tr><th></th><th></th></tr></thead>"
    return table(["", ""], items, numeric=False).replace(empty_head, "")


def paragraph(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{escape(text)}</p>' if cls else f"<p>{escape(text)}</p>"


def section(anchor: str, heading: str, *parts: str, level: int = 2) -> str:
    head = f"<h{level}>{escape(heading)}</h{level}>"
    return f'<section id="{escape(anchor)}">{head}{"".join(parts)}</section>'


def collapsed(summary: str, *parts: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>{''.join(parts)}</details>"


FILES = {"png": "PNG (300 dpi)", "pdf": "PDF", "svg": "SVG"}


def files(formats: Sequence[str]) -> str:
    """`PNG (300 dpi), PDF and SVG`: the saved formats in words (PDF and SVG keep text as text)."""
    names = [FILES.get(f, f.upper()) for f in formats]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def figure(name: str, heading: str, caption: str, png: bytes,
           formats: Sequence[str] = ("png", "pdf", "svg")) -> str:
    """An embedded PNG (base64), so the page needs no other file; the saved files linked."""
    data = base64.b64encode(png).decode("ascii")
    links = ", ".join(f'<a href="plots/{escape(name)}.{fmt}">{FILES.get(fmt, fmt.upper())}</a>'
                      for fmt in formats)
    editable = " (text editable)" if set(formats) & {"pdf", "svg"} else ""
    return (f'<figure id="plot-{escape(name)}"><h3>{escape(heading)}</h3>'
            f'<img alt="{escape(heading)}" src="data:image/png;base64,{data}">'
            f'<figcaption>{escape(caption)} Files: {links}{editable}.</figcaption></figure>')


def page(title: str, intro: str, sections: list[tuple[str, str, str]], footer: str = "",
         lead: int = 0) -> str:
    """The whole document: title, introduction, contents, (anchor, heading, html) sections and a
    footer line (plain text).

    The first `lead` sections come before the contents, on the first screen.
    """
    toc = "".join(f'<li><a href="#{escape(a)}">{escape(h)}</a></li>' for a, h, _ in sections)
    first = "".join(section(a, h, content) for a, h, content in sections[:lead])
    body = "".join(section(a, h, content) for a, h, content in sections[lead:])
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(title)}</h1>{intro}{first}<nav><h2>Contents</h2><ul>{toc}</ul></nav>"
            f"{body}{f'<footer>{escape(footer)}</footer>' if footer else ''}</body></html>\n")
