"""Architecture rules, read from the source with `ast` (STYLE.md habits 2, 3, 7 and 10).

Import direction: the engine (engine, mechanisms, domain) never imports the
CLI, plotting, storage or metrics; `orgsim.config` imports no other orgsim
package; only `orgsim.plots` may import matplotlib. Randomness is passed in:
no `random.random()`, no `np.random.<dist>(...)`, no `np.random.seed`, no
generator made at import time or without a seed. No code branches on an
operating model's name. Every name in `orgsim.__all__` resolves. Where results are
computed, no built-in `sum()`: Python 3.12's compensates rounding and 3.11's does not, so
floats are added with `orgsim.domain.sums.left_sum`, the same bits on both.
Each checker is also run on a small bad example, so a checker that can no
longer see a violation fails too.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import orgsim
from tiny import MODELS_DIR, ROOT

PACKAGE = ROOT / "orgsim"
ENGINE = ("orgsim.engine", "orgsim.mechanisms", "orgsim.domain")
NOT_IN_ENGINE = ("orgsim.cli", "orgsim.api", "orgsim.plots", "orgsim.store", "orgsim.metrics",
                 "orgsim.experiments", "orgsim.report", "orgsim.workshop", "orgsim.calibration", "pyabc",
                 "matplotlib", "typer", "rich")
NOT_IN_METRICS = ("orgsim.engine", "orgsim.mechanisms", "orgsim.store", "orgsim.cli", "orgsim.api",
                  "simpy", "mesa", "orgsim.calibration")
# Calibration sits beside experiments: it runs through them, they never import it (an experiment
# reads a calibrated ensemble as a plain Parquet file); only calibration imports pyabc.
NOT_IN_CALIBRATION = ("orgsim.cli", "orgsim.workshop", "orgsim.analysis")
NOT_IN_EXPERIMENTS = ("orgsim.calibration", "pyabc", "orgsim.cli")
NOT_IN_DOMAIN = ("orgsim.engine", "orgsim.mechanisms", "simpy", "mesa")
# The search sits beside `report`: it drives experiments, never the CLI, the report or the workshop;
# nothing below it (engine, metrics, experiments, analysis, config) knows it exists.
NOT_IN_OPTIMISE = ("orgsim.cli", "orgsim.report", "orgsim.workshop", "typer", "rich")
BELOW_OPTIMISE = (*ENGINE, "orgsim.metrics", "orgsim.experiments", "orgsim.analysis", "orgsim.config",
                  "orgsim.store", "orgsim.plots")
SEEDING = {"default_rng", "SeedSequence", "Generator", "BitGenerator", "PCG64", "PCG64DXSM",
           "Philox", "SFC64", "MT19937"}
GENERATORS = {"default_rng", "Generator", "RandomState", "Random"}
# Where a run's records, metrics and summaries are computed (what must be byte-identical).
RESULTS = (*ENGINE, "orgsim.metrics", "orgsim.analysis", "orgsim.experiments", "orgsim.store")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
            for p in sorted(PACKAGE.rglob("*.py"))}


SOURCES = _sources()


def _within(module: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def imports(tree: ast.Module, module: str) -> set[str]:
    """Every module `tree` imports, anywhere in it (also inside functions), as absolute names."""
    package = module.split(".")
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + (1 if _is_package(module) else 0)]
                base = ".".join(anchor + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _is_package(module: str) -> bool:
    return (PACKAGE.parent / module.replace(".", "/") / "__init__.py").exists()


def forbidden_imports(tree: ast.Module, module: str, banned: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imports(tree, module) if _within(name, banned))


STDLIB_OK = ("Random", "SystemRandom")


def _random_aliases(tree: ast.Module) -> tuple[set[str], set[str], set[str], list[str]]:
    """Local names of numpy, numpy.random and random; and bad `from ... import` lines."""
    numpy: set[str] = set()
    np_random: set[str] = set()
    stdlib: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "numpy":
                    numpy.add(a.asname or a.name)
                elif a.name == "numpy.random":
                    (np_random if a.asname else numpy).add(a.asname or "numpy")
                elif a.name == "random":
                    stdlib.add(a.asname or a.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = {a.name: a.asname or a.name for a in node.names}
            if node.module == "numpy" and "random" in names:
                np_random.add(names["random"])
            if node.module == "numpy.random":
                found += [f"from numpy.random import {n}" for n in names if n not in SEEDING]
            if node.module == "random":
                found += [f"from random import {n}" for n in names if n not in STDLIB_OK]
    return numpy, np_random, stdlib, found


def global_randomness(tree: ast.Module) -> list[str]:
    """Uses of the `random` module's functions and of numpy's global generator."""
    numpy, np_random, stdlib, found = _random_aliases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner, attr = node.value, node.attr
        if isinstance(owner, ast.Name) and owner.id in stdlib and attr not in STDLIB_OK:
            found.append(f"random.{attr}")
        elif isinstance(owner, ast.Name) and owner.id in np_random and attr not in SEEDING:
            found.append(f"numpy.random.{attr}")
        elif (isinstance(owner, ast.Attribute) and owner.attr == "random"
              and isinstance(owner.value, ast.Name) and owner.value.id in numpy
              and attr not in SEEDING):
            found.append(f"numpy.random.{attr}")
    return found + generators_outside_runs(tree)


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def generators_outside_runs(tree: ast.Module) -> list[str]:
    """Generators made at import time (shared by every run) or without a seed."""
    found: list[str] = []
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for stmt in tree.body:
        if isinstance(stmt, functions):
            continue
        body = [s for s in stmt.body if not isinstance(s, functions)] \
            if isinstance(stmt, ast.ClassDef) else [stmt]
        found += [f"module-level {_callee(n)}()" for s in body for n in ast.walk(s)
                  if isinstance(n, ast.Call) and _callee(n) in GENERATORS]
    found += [f"unseeded {_callee(n)}()" for n in ast.walk(tree) if isinstance(n, ast.Call)
              and _callee(n) in GENERATORS and not n.args and not n.keywords]
    return found


def builtin_sums(tree: ast.Module) -> list[str]:
    """Calls of the built-in `sum()` (3.12 adds floats differently from 3.11)."""
    return [f"sum() at line {n.lineno}" for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "sum"]


def model_names() -> set[str]:
    """The shipped operating models' names, and the four of MODEL.md §5."""
    names = {"internal_commissioning", "joined_up_planning", "merged_devolved", "pandemic_cells"}
    for path in MODELS_DIR.glob("*.yaml"):
        names.add(yaml.safe_load(path.read_text(encoding="utf-8"))["name"])
    return names


def named_models(tree: ast.Module, names: set[str]) -> list[str]:
    """String constants (docstrings included) that mention an operating model by name."""
    texts = [node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return sorted({n for text in texts for n in names if n in text})


def violations(rule: str, sources: dict[str, ast.Module]) -> Iterator[tuple[str, list[str]]]:
    """(module, forbidden imports) for each module `rule` applies to."""
    for module, tree in sources.items():
        if rule == "engine" and _within(module, ENGINE):
            yield module, forbidden_imports(tree, module, NOT_IN_ENGINE)
        elif rule == "config" and _within(module, "orgsim.config"):
            yield module, sorted(n for n in imports(tree, module)
                                 if _within(n, "orgsim") and not _within(n, "orgsim.config"))
        elif rule == "matplotlib" and not _within(module, "orgsim.plots"):
            yield module, forbidden_imports(tree, module, ("matplotlib",))
        elif rule == "metrics" and _within(module, "orgsim.metrics"):
            yield module, forbidden_imports(tree, module, NOT_IN_METRICS)
        elif rule == "domain" and _within(module, "orgsim.domain"):
            yield module, forbidden_imports(tree, module, NOT_IN_DOMAIN)
        elif rule == "optimise" and _within(module, "orgsim.optimise"):
            yield module, forbidden_imports(tree, module, NOT_IN_OPTIMISE)
        elif rule == "below_optimise" and _within(module, BELOW_OPTIMISE):
            yield module, forbidden_imports(tree, module, ("orgsim.optimise",))
        elif rule == "calibration" and _within(module, "orgsim.calibration"):
            yield module, forbidden_imports(tree, module, NOT_IN_CALIBRATION)
        elif rule == "experiments" and _within(module, "orgsim.experiments"):
            yield module, forbidden_imports(tree, module, NOT_IN_EXPERIMENTS)
        elif rule == "pyabc" and not _within(module, "orgsim.calibration"):
            yield module, forbidden_imports(tree, module, ("pyabc",))


@pytest.mark.parametrize("rule", ["engine", "config", "matplotlib", "metrics", "domain", "optimise",
                                  "below_optimise", "calibration", "experiments", "pyabc"])
def test_import_direction(rule: str) -> None:
    """engine: no CLI, plots, storage or metrics; config: no other orgsim package;
    matplotlib: plots only; metrics: records only; domain: no simpy, mesa or mechanisms;
    optimise: no CLI, report or workshop, and nothing it builds on imports it;
    calibration: no CLI, workshop or analysis; experiments: never calibration; pyabc: calibration only."""
    checked = list(violations(rule, SOURCES))
    assert checked, f"rule {rule!r} matched no module"
    bad = {m: names for m, names in checked if names}
    assert not bad, f"forbidden imports ({rule}): {bad}"


def test_no_global_randomness() -> None:
    bad = {m: found for m, tree in SOURCES.items() if (found := global_randomness(tree))}
    assert not bad, f"randomness must come from passed-in numpy Generators: {bad}"


def test_no_builtin_sum_where_results_are_computed() -> None:
    checked = {m: builtin_sums(tree) for m, tree in SOURCES.items() if _within(m, RESULTS)}
    assert checked, "no module matched"
    bad = {m: found for m, found in checked.items() if found}
    assert not bad, f"add floats with orgsim.domain.sums.left_sum (same bits on Python 3.11 and 3.12): {bad}"


def test_no_code_names_an_operating_model() -> None:
    names = model_names()
    bad = {m: found for m, tree in SOURCES.items() if (found := named_models(tree, names))}
    assert not bad, f"operating models are data (YAML), never branches in code: {bad}"


def test_public_api_resolves() -> None:
    assert "simulate" in orgsim.__all__ and "load_plan" in orgsim.__all__
    for name in orgsim.__all__:
        assert getattr(orgsim, name) is not None, name
    for module in ("orgsim.api", "orgsim.metrics", "orgsim.store"):
        mod = importlib.import_module(module)
        for name in getattr(mod, "__all__", []):
            assert hasattr(mod, name), f"{module}.__all__ names missing {name!r}"


BAD_ENGINE = """
from orgsim.store.rundir import write_run
def f():
    import matplotlib.pyplot as plt
    from ..metrics import core
"""

BAD_RANDOM = """
import random, numpy as np
from numpy import random as npr
import numpy.random
from numpy.random import normal
x = random.random() + np.random.normal() + npr.poisson(1.0) + numpy.random.rand()
np.random.seed(1)
def ok(seed):
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    return rng.random() + random.Random(seed).random()
"""

BAD_GENERATORS = """
import numpy as np
RNG = np.random.default_rng(1)
class Team:
    rng = np.random.default_rng(2)
    def work(self):
        return np.random.default_rng().random()
"""


def test_checkers_see_violations() -> None:
    """The checkers above report each kind of violation they exist for."""
    tree = ast.parse(BAD_ENGINE)
    assert forbidden_imports(tree, "orgsim.engine.model", NOT_IN_ENGINE) == [
        "matplotlib.pyplot", "orgsim.metrics", "orgsim.metrics.core", "orgsim.store.rundir",
        "orgsim.store.rundir.write_run"]
    config = ast.parse("from orgsim.engine.run import simulate\nimport orgsim\n")
    assert dict(violations("config", {"orgsim.config.x": config})) == {
        "orgsim.config.x": ["orgsim", "orgsim.engine.run", "orgsim.engine.run.simulate"]}
    search = ast.parse("from orgsim.report import write_report\nfrom orgsim.optimise import load\n")
    assert dict(violations("optimise", {"orgsim.optimise.x": search})) == {
        "orgsim.optimise.x": ["orgsim.report", "orgsim.report.write_report"]}
    assert dict(violations("below_optimise", {"orgsim.experiments.x": search})) == {
        "orgsim.experiments.x": ["orgsim.optimise", "orgsim.optimise.load"]}
    assert sorted(set(global_randomness(ast.parse(BAD_RANDOM)))) == [
        "from numpy.random import normal", "numpy.random.normal", "numpy.random.poisson",
        "numpy.random.rand", "numpy.random.seed", "random.random"]
    assert generators_outside_runs(ast.parse(BAD_GENERATORS)) == [
        "module-level default_rng()", "module-level default_rng()", "unseeded default_rng()"]
    assert builtin_sums(ast.parse("x = sum([0.1, 0.2])\ny = np.sum(x) + xs.sum() + left_sum(x)\n")) == [
        "sum() at line 1"]
    branch = ast.parse('def route(m):\n    return 1 if m.name == "joined_up_planning" else 2\n')
    assert named_models(branch, model_names()) == ["joined_up_planning"]
