"""Sources a user can look up: every citation resolves in docs/sources.md, nothing points outside.

Configurations, experiments, the package, the README and docs cite documents by
short name and locator (`wade-gery-2021, Rec. 6`). A reader of the package has
no way to open the project's internal notes or source files, so no shipped file
may refer to them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from orgsim.config.sources import BY_NAME, SOURCES, cited, markdown
from tiny import ROOT

SHIPPED = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")),
           *(p for d in ("configs", "experiments", "orgsim") for p in sorted((ROOT / d).rglob("*"))
             if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".md", ".txt", ".toml"})]
OUTSIDE = re.compile(r"MODEL\.md|seeds/|\.\./shared|/shared/|\bseed 00\d\b"
                     r"|(?<![\w,.$#-])00[0-4](?![\w.])")


def test_docs_sources_is_generated() -> None:
    doc = ROOT / "docs" / "sources.md"
    assert doc.exists() and doc.read_text(encoding="utf-8") == markdown(), \
        "docs/sources.md is stale: run `make reference`"


def test_every_source_is_described() -> None:
    for s in SOURCES:
        for value in (s.title, s.author, s.publisher, s.date, s.address):
            assert value.strip(), s.short
        assert s.takes and all(what for _, what in s.takes), s.short
        assert cited(s.short) == [s.short], f"{s.short} does not look like a short name"


def test_shipped_files_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in SHIPPED}
    assert {"README.md", "configs/nhs_england.yaml", "docs/sources.md",
            "experiments/sensitivity.yaml", "orgsim/cli/run.py"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_reference_outside_the_package(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in OUTSIDE.finditer(text)]
    assert not found, f"{path.name}: lines and text {found}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_cited_short_name_resolves(path: Path) -> None:
    unknown = [n for n in cited(path.read_text(encoding="utf-8")) if n not in BY_NAME]
    assert not unknown, f"{path.name} cites {unknown}, not in docs/sources.md"


def _sources(node: Any, where: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [*((f"{where}.source", node["source"]) for _ in [0] if "source" in node),
                *(x for k, v in node.items() for x in _sources(v, f"{where}.{k}"))]
    if isinstance(node, list):
        return [x for i, v in enumerate(node) for x in _sources(v, f"{where}.{i}")]
    return []


CONFIGS = sorted((ROOT / "configs").rglob("*.yaml")) + sorted((ROOT / "experiments").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_source_field_cites_or_says_assumption(path: Path) -> None:
    fields = _sources(yaml.safe_load(path.read_text(encoding="utf-8")))
    bad = [(w, s) for w, s in fields if not str(s).startswith("assumption")
           and not any(n in BY_NAME for n in cited(str(s)))]
    assert not bad


def test_scan_sees_what_it_forbids() -> None:
    for text in ("see MODEL.md §5.1", "../shared/seeds/002.txt", "(002, Rec 6)", "seed 003"):
        assert OUTSIDE.search(text), text
    for text in ("1,000 runs", "seed: 20211123", "0.001", "ICS001"):
        assert not OUTSIDE.search(text), text
    assert cited("wade-gery-2021, Rec. 6; nobody-1999") == ["wade-gery-2021", "nobody-1999"]
    address = "digital.nhs.uk/x/annual-report-and-accounts-2019-20/our-workforce-demographics-2018"
    assert cited(f"{address} (nhsd-workforce-2018)") == ["nhsd-workforce-2018"]  # not the address
