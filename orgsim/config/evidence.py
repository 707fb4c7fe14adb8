"""Where each number of a configuration comes from: the `evidence:` block and the ledger it makes.

A scenario or operating model file may hold an `evidence:` mapping from a path
(dotted, as experiments address numbers; `*` stands for one key, `**` for any
number of keys) to what the number rests on:

- `observed`: a published figure, taken as it stands (`source` and `locator`);
- `derived`: arithmetic on published figures (`source`, `derivation` in words and
  the `formula` itself, which the loader evaluates and compares with the number);
- `assumption`: a modelling choice no document makes (a `source` may say what
  prompted it);
- `setting`: a choice about the run rather than a claim about the NHS (horizon,
  warm-up, seed, sampling interval); listed, but left out of the shares.

The ledger lists every number that drives a run, defaults included, with the
entry that covers it: the one with most literal keys, then the first written
(an `extends` file's own entries come before its base's). A number no entry
covers is listed as an *unmarked assumption*, never refused: a user's own
scenario needs no evidence to run. A number that no longer equals the value its
`observed` or `derived` entry vouches for is listed as *changed* and counted as
an assumption. An entry that names no number, a source not in docs/sources.md,
or a formula that is not arithmetic is refused at its line; an entry an `extends` base
wrote for numbers the file replaced (a shorter timeline) covers nothing and is let be.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from orgsim.config.common import Strict
from orgsim.config.sources import BY_NAME
from orgsim.config.yamlio import Path_, Source

Kind = Literal["observed", "derived", "assumption", "setting"]
CLAIMS = ("observed", "derived", "assumption")  # the kinds the shares are taken over
DERIVED_TOLERANCE = 0.02  # a derived number may differ from its formula by rounding, up to 2%


class Evidence(Strict):
    """What one number, or every number a pattern matches, rests on."""

    kind: Kind = Field(description="observed, derived (arithmetic on observed figures), assumption "
                       "or setting (a choice about the run, not a claim about the NHS).")
    source: list[str] = Field(default_factory=list, description="Short names of the documents "
                              "(docs/sources.md); one name or a list.")
    locator: str = Field("", description="Where in the source: section, table, paragraph.")
    derivation: str = Field("", description="derived: the arithmetic in words, with each figure's source.")
    formula: str | None = Field(None, description="derived: the arithmetic itself (numbers, + - * / "
                                "and brackets), evaluated and compared with the number.")
    value: float | None = Field(None, description="observed: the value the source gives; a number "
                                "that differs is listed as changed.")
    note: str = Field("", description="Anything a reader should know (why an assumption, its range).")

    @field_validator("source", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        names = [value] if isinstance(value, str) else value
        if isinstance(names, list):
            for name in names:
                if isinstance(name, str) and name not in BY_NAME:
                    raise ValueError(f"unknown source {name!r}: expected a short name listed in "
                                     f"docs/sources.md ({', '.join(sorted(BY_NAME))})")
        return names

    @model_validator(mode="after")
    def _complete(self) -> Evidence:
        if self.kind in ("observed", "derived") and not (self.source and self.locator):
            raise ValueError(f"a {self.kind} number needs its source and locator")
        if self.kind == "derived" and not (self.derivation and self.formula):
            raise ValueError("a derived number needs its derivation in words and its formula")
        if self.formula is not None:
            found = arithmetic(self.formula)
            if self.value is not None and not math.isclose(found, self.value, rel_tol=1e-9):
                raise ValueError(f"value {self.value:g} is not what the formula gives ({found:g})")
        return self

    @property
    def vouched(self) -> float | None:
        """The value this entry vouches for: the formula's result, else `value`."""
        return arithmetic(self.formula) if self.formula is not None else self.value


_OPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def arithmetic(text: str) -> float:
    """The value of `text`: numbers, + - * /, unary minus and brackets; anything else is refused."""
    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        raise ValueError
    try:
        return value(ast.parse(text.replace("_", ""), mode="eval").body)
    except (ValueError, SyntaxError, ZeroDivisionError):
        raise ValueError(f"formula {text!r} is not arithmetic: expected numbers, + - * / and "
                         "brackets") from None


@dataclass(frozen=True)
class Row:
    """One number of a configuration and what it rests on."""

    document: str  # "scenario" or the operating model's name
    path: str
    value: float
    kind: str  # observed, derived, assumption, setting, or unmarked
    source: str
    locator: str
    derivation: str
    note: str
    where: str  # file:line, or "default" for a number the file does not write
    changed: str = ""  # why the number no longer matches its evidence

    @property
    def counted(self) -> str:
        """The kind the shares count it as: unmarked and changed numbers are assumptions."""
        return "assumption" if self.kind == "unmarked" or self.changed else self.kind


def numbers(data: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], float]]:
    """Every number in a dumped configuration, by path (list positions as digits)."""
    if isinstance(data, dict):
        return [n for k, v in data.items() if not (not path and k == "evidence")
                for n in numbers(v, path + (str(k),))]
    if isinstance(data, list):
        return [n for i, v in enumerate(data) for n in numbers(v, path + (str(i),))]
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return [(path, float(data))]
    return []


def matches(pattern: str, path: tuple[str, ...]) -> bool:
    """Whether a dotted `pattern` (`*` one key, `**` any number of keys) names `path`."""
    def walk(p: tuple[str, ...], q: tuple[str, ...]) -> bool:
        if not p:
            return not q
        if p[0] == "**":
            return any(walk(p[1:], q[i:]) for i in range(len(q) + 1))
        return bool(q) and (p[0] == "*" or p[0] == q[0]) and walk(p[1:], q[1:])
    return walk(tuple(pattern.split(".")), path)


def _literal(pattern: str) -> int:
    return sum(1 for part in pattern.split(".") if part not in ("*", "**"))


def covering(evidence: dict[str, Evidence], path: tuple[str, ...]) -> tuple[str, Evidence] | None:
    """The entry that covers `path`: most literal keys, then first written."""
    found = [(k, e) for k, e in evidence.items() if matches(k, path)]
    if not found:
        return None
    best = max(_literal(k) for k, _ in found)
    return next((k, e) for k, e in found if _literal(k) == best)


def dumped(config: Any) -> Any:
    """A validated scenario or operating model as plain data, defaults included."""
    return config.model_dump(mode="python", by_alias=True, exclude={"evidence"})


def check(config: Any, src: Source) -> None:
    """Every evidence entry names at least one number of `config` (else an error at its line)."""
    paths = [p for p, _ in numbers(dumped(config))]
    for key in config.evidence:
        if not any(matches(key, p) for p in paths):
            if ("evidence", key) in src.files:  # a base's entry for numbers this file replaced, e.g. a
                continue                        # shorter timeline: nothing to mend here, none to cover
            raise src.error(("evidence", key), "no number at this path; expected the dotted path of a "
                            f"number in this file (`*` for one key, `**` for any){_nearest(key, paths)}")


def _nearest(key: str, paths: list[tuple[str, ...]]) -> str:
    near = difflib.get_close_matches(key, [".".join(p) for p in paths], n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def _line(src: Source | None, path: tuple[str, ...]) -> str:
    if src is None:
        return "default"
    raw: Path_ = tuple(int(k) if k.isdigit() else k for k in path)
    if raw not in src.lines:
        return "default"
    return f"{src.files.get(raw, src.file)}:{src.lines[raw]}"


def rows(document: str, config: Any, src: Source | None) -> list[Row]:
    """The ledger of one scenario or operating model: every number, with its evidence."""
    out = []
    for path, value in numbers(dumped(config)):
        hit = covering(config.evidence, path)
        dotted = ".".join(path)
        if hit is None:
            out.append(Row(document, dotted, value, "unmarked", "", "", "", "", _line(src, path)))
            continue
        _, e = hit
        out.append(Row(document, dotted, value, e.kind, ", ".join(e.source), e.locator, e.derivation,
                       e.note, _line(src, path), _changed(e, value)))
    return out


def _changed(e: Evidence, value: float) -> str:
    vouched = e.vouched
    if vouched is None or e.kind not in ("observed", "derived"):
        return ""
    tolerance = DERIVED_TOLERANCE if e.kind == "derived" else 1e-9
    if math.isclose(value, vouched, rel_tol=tolerance):
        return ""
    return f"the evidence gives {vouched:.4g}, the file {value:g}"


def shares(ledger: Iterable[Row]) -> dict[str, float]:
    """Share of the numbers (settings left out) counted as observed, derived and assumption."""
    counted = [r.counted for r in ledger if r.kind != "setting"]
    n = len(counted)
    return {k: (counted.count(k) / n if n else math.nan) for k in CLAIMS}
