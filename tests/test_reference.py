"""docs/configuration.md is the generator's output, and the generator covers the whole schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from orgsim.config.operating_model import OperatingModel
from orgsim.config.reference import Found, collect, render
from orgsim.config.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"


def test_the_reference_is_current() -> None:
    assert DOC.exists(), "docs/configuration.md is missing: run `make reference`"
    text, expected = DOC.read_text(encoding="utf-8"), render()
    if text != expected:
        old, new = text.splitlines(), expected.splitlines()
        at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        pytest.fail(f"docs/configuration.md is stale from line {at + 1} (the schema changed): "
                    "run `make reference`", pytrace=False)


def test_every_key_of_every_class_is_listed() -> None:
    text = render()
    found: dict[type, Found] = {}
    for root in (Scenario, OperatingModel):
        collect(root, "", root.__name__, found)
    assert len(found) > 20
    for cls in found:
        section = text.split(f"\n### {cls.__name__}\n", 1)[1].split("\n### ", 1)[0]
        assert issubclass(cls, BaseModel)
        for name, info in cls.model_fields.items():
            assert f"| `{info.alias or name}` |" in section, (cls.__name__, name)


def test_the_module_prints_the_reference() -> None:
    done = subprocess.run([sys.executable, "-m", "orgsim.config.reference"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == render()


def test_the_metrics_reference_is_current() -> None:
    from orgsim.metrics.reference import render as metrics

    doc = ROOT / "docs" / "metrics.md"
    assert doc.exists() and doc.read_text(encoding="utf-8") == metrics(), \
        "docs/metrics.md is stale: run `make reference`"
