"""The public documents the configuration cites, by short name; generates docs/sources.md.

The entries live in `sources.yaml` beside this module. A `source:` field or
comment cites a document as `short-name, locator`, for example
`wade-gery-2021, Rec. 6`; every short name resolves here, so a reader of a
report or a configuration can look the document up. Run
`python -m orgsim.config.sources > docs/sources.md` after changing an entry
(`make reference` does it; a test checks the file is current).

Fields are given as each document states them; where a document does not state
one, the entry says "not stated" rather than guessing. What the model takes is
summarised in our words: nothing here is quoted from the documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

FILE = Path(__file__).with_name("sources.yaml")
# A short name such as `wade-gery-2021`, but not a part of a web address.
SHORT_NAME = re.compile(r"(?<![\w/.-])[a-z][a-z]*(?:-[a-z]+)*-(?:19|20)\d\d(?![\w/-])")


@dataclass(frozen=True)
class Source:
    short: str
    title: str
    author: str
    publisher: str
    date: str
    address: str
    kind: str
    notes: str
    locators: str
    takes: tuple[tuple[str, str], ...]  # (locator, what the model takes from it)


def _load() -> tuple[Source, ...]:
    entries = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return tuple(Source(**{k: v for k, v in e.items() if k != "takes"},
                        takes=tuple((t.get("where", ""), t["what"]) for t in e["takes"]))
                 for e in entries)


SOURCES = _load()
BY_NAME = {s.short: s for s in SOURCES}


def cited(text: str) -> list[str]:
    """Every short name cited in `text` (any `name-YYYY` token), in order, known or not."""
    return list(dict.fromkeys(SHORT_NAME.findall(text)))


def markdown() -> str:
    """docs/sources.md."""
    out = ["# Sources", "",
           "Configurations, reports and the code cite documents by a short name and a locator, "
           "for example `wade-gery-2021, Rec. 6`. Each short name is listed below with the "
           "document's title, author, publisher, date and public address, as the document "
           "itself states them (\"not stated\" where it does not), and what the model takes "
           "from it. Everything under \"what the model takes\" is a summary in our words. A "
           "`source:` that begins with \"assumption\" is a modelling choice no document makes; "
           "the sensitivity experiments vary many of them.", "",
           "Generated from `orgsim/config/sources.yaml` (`make reference`); do not edit by hand.",
           ""]
    out += [f"- [`{s.short}`](#{s.short}): {s.title}" for s in SOURCES]
    for s in SOURCES:
        out += ["", f"## {s.short}", "", "| field | value |", "| --- | --- |",
                f"| title | {s.title} |", f"| author | {s.author} |",
                f"| publisher | {s.publisher} |", f"| date | {s.date} |",
                f"| public address | {s.address} |", f"| kind | {s.kind} |", "",
                s.notes, "", f"Locators: {s.locators}", "", "What the model takes from it:", ""]
        out += [f"- {f'**{where}**: ' if where else ''}{what}." for where, what in s.takes]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
