"""Where a configured number comes from: its file and line, and the source its YAML gives.

A setting's source is the `source:` field beside it where the schema has one, else the
comment at the end of its line (or of the nearest enclosing key's line), which is how the
shipped files cite documents or say "assumption". A setting the file leaves out is
orgsim's default (docs/configuration.md lists every default).
"""

from __future__ import annotations

import re
from pathlib import Path

from orgsim.config.yamlio import Path_, Source

COMMENT = re.compile(r"""^(?:[^#"']|"[^"]*"|'[^']*')*?\s#\s?(?P<text>.*)$""")
DEFAULT = "orgsim's default (docs/configuration.md)"


def comment(line: str) -> str:
    """The comment at the end of a YAML line ('' when there is none; `#` inside quotes is text)."""
    found = COMMENT.match(line)
    return found.group("text").strip() if found else ""


class Cite:
    """Source notes for the settings of one YAML document (after `extends`)."""

    def __init__(self, src: Source, root: Path) -> None:
        self.src, self.root = src, root
        self._text: dict[str, list[str]] = {}

    def _lines(self, file: str) -> list[str]:
        if file not in self._text:
            try:
                self._text[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except OSError:
                self._text[file] = []
        return self._text[file]

    def where(self, path: Path_) -> str:
        """`configs/nhs_england.yaml:54`, or the default note when the file does not set `path`."""
        if tuple(path) not in self.src.lines:
            return DEFAULT
        return f"{self._shown(self.src.files.get(tuple(path), self.src.file))}:{self.src.lines[tuple(path)]}"

    def file(self) -> str:
        """The document's file, as shown."""
        return self._shown(self.src.file)

    def _shown(self, file: str) -> str:
        p = Path(file).resolve()
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            return p.name

    def note(self, path: Path_, source: str = "") -> str:
        """What the configuration says of `path`'s value, and where it is written."""
        path = tuple(path)
        if path not in self.src.lines:
            return DEFAULT
        said = source or self._comment(path)
        return f"{said} ({self.where(path)})" if said else self.where(path)

    def _comment(self, path: Path_) -> str:
        at = path
        while at:
            if at in self.src.lines:
                lines = self._lines(self.src.files.get(at, self.src.file))
                number = self.src.lines[at]
                if 0 < number <= len(lines) and (text := comment(lines[number - 1])):
                    return text
            at = at[:-1]
        return ""
