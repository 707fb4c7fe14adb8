"""Turns pydantic validation errors into one `file:line: path: message` line.

Pydantic reports where a problem is as a `loc` through the schema, which also
holds union labels (the `kind` of a distribution, the mechanism of a step). The
schema is walked beside the data, so that the reported path is the one written
in the file and an unknown key can be answered with the keys allowed there.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

from orgsim.config.operating_model import STEP_KINDS, OperatingModel
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import ConfigError, Path_, Source

ROOTS: dict[str, type[BaseModel]] = {"Scenario": Scenario, "OperatingModel": OperatingModel}
_BOUNDS = {"greater_than": ">", "greater_than_equal": ">=",
           "less_than": "<", "less_than_equal": "<="}
_EXPECTED = {
    "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "text", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "list_type": "a list",
    "finite_number": "a finite number",
}


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _alternatives(tp: Any) -> list[tuple[str | None, Any]]:
    """The members of a union with their tags (or `tp` alone), `Annotated` stripped."""
    tag = None
    while get_origin(tp) is Annotated:
        tp, *meta = get_args(tp)
        tag = next((m.tag for m in meta if isinstance(m, Tag)), tag)
    if get_origin(tp) in (Union, types.UnionType):
        return [alt for member in get_args(tp) for alt in _alternatives(member)]
    return [] if tp is None or tp is type(None) else [(tag, tp)]


def _tagged(tp: Any, part: Any) -> Any:
    """The union member labelled `part` (a `Tag` or a literal `kind`), if `part` is a label."""
    members = _alternatives(tp)
    for tag, alt in members if len(members) > 1 else []:
        kind = alt.model_fields.get("kind") if _is_model(alt) else None
        kinds = get_args(kind.annotation) if kind and get_origin(kind.annotation) is Literal else ()
        if part == tag or part in kinds:
            return alt
    return None


def _child(tp: Any, part: Any) -> Any:
    """The schema type of key or index `part` inside `tp`, or None."""
    for _, alt in _alternatives(tp):
        if _is_model(alt):
            for name, field in alt.model_fields.items():
                if part in (name, field.alias):
                    return field.annotation
        elif get_origin(alt) is dict:
            return get_args(alt)[1]
        elif get_origin(alt) is list and isinstance(part, int):
            return get_args(alt)[0]
    return None


def _locate(root: type[BaseModel] | None, data: Any,
            loc: tuple[Any, ...]) -> tuple[Path_, Any, tuple[Any, ...]]:
    """Follow `loc` through schema and data.

    Returns the path written in the file, the schema type holding the last part
    of `loc`, and `loc` without union labels (what the problem is about).
    """
    path: list[str | int] = []
    key: list[Any] = []
    tp: Any = root
    holder: Any = None
    node = data
    for part in loc:
        holder = tp
        member = _tagged(tp, part)
        if member is not None:
            tp = member
            continue
        tp = _child(tp, part)
        in_data = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node))
        if in_data:
            path.append(part)
            node = node[part]
        if in_data or tp is not None or root is None:
            key.append(part)
    return tuple(path), holder, tuple(key)


def _focus(path: Path_, err: dict[str, Any], data: Any) -> Path_:
    """A model check whose message starts with one of its keys points at that key."""
    if err["type"] != "value_error":
        return path
    node = data
    for part in path:
        node = node[part]
    first = re.match(r"[A-Za-z_]\w*", str((err.get("ctx") or {}).get("error", "")))
    if isinstance(node, dict) and first and first.group() in node:
        return path + (first.group(),)
    return path


def _fmt(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _best(word: Any, options: Iterable[str]) -> str | None:
    """The option closest to `word`, if any is close."""
    best = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return best[0] if best else None


def _closest(word: Any, options: Iterable[str]) -> str:
    best = _best(word, options)
    return f"; did you mean {best!r}?" if best else ""


def _allowed(holder: Any) -> list[str]:
    """The keys of the mapping described by `holder` (a model, or a union holding one)."""
    models = [alt for _, alt in _alternatives(holder) if _is_model(alt)]
    return [field.alias or name for name, field in models[0].model_fields.items()] if models else []


def _unknown_key(key: Any, holder: Any) -> str:
    allowed = _allowed(holder)
    listed = f" (allowed: {', '.join(allowed)})" if allowed else ""
    return f"unknown key {_fmt(key)}{_closest(key, allowed)}{listed}"


def _step_kind(got: Any) -> str:
    needs = "a step needs exactly one of: " + ", ".join(STEP_KINDS)
    if not isinstance(got, dict):
        return f"{needs}; found {_fmt(got)}"
    present = [k for k in got if k in STEP_KINDS]
    if present:
        return f"{needs}; found {', '.join(present)}"
    hint = next((h for h in (_closest(k, STEP_KINDS) for k in got) if h), "")
    return f"{needs}; found {', '.join(_fmt(k) for k in got) or 'an empty mapping'}{hint}"


def _message(err: dict[str, Any], holder: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind in _BOUNDS:
        return f"must be {_BOUNDS[kind]} {_num(next(iter(ctx.values())))}, got {_fmt(got)}"
    if kind == "missing":
        return f"required key {_fmt(err['loc'][-1])} is missing"
    if kind == "extra_forbidden":
        return _unknown_key(err["loc"][-1], holder)
    if kind == "step_kind":
        return _step_kind(got)
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"expected {ctx.get('expected')}, found {_fmt(got)}{_closest(got, options)}"
    if kind == "union_tag_invalid":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        return (f"unknown kind {_fmt(ctx.get('tag'))}{_closest(ctx.get('tag'), options)} "
                f"(allowed: {', '.join(options)})")
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator', 'kind')} key"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, found {_fmt(got)}"
    return str(err["msg"])


def _combine(messages: list[str]) -> str:
    """Messages from the members of one union, e.g. `expected a list or 'all', found 5`."""
    matches = [re.fullmatch(r"expected (.*), found (.*)", m) for m in messages]
    found = {m.group(2) for m in matches if m}
    if len(messages) > 1 and all(matches) and len(found) == 1:
        return f"expected {' or '.join(m.group(1) for m in matches if m)}, found {found.pop()}"
    return messages[0]


def from_validation(exc: ValidationError, src: Source, schema: type[BaseModel] | None = None) -> ConfigError:
    """The problem of `exc` that comes first in the file, the others in file order (`also`).

    A missing key that an unknown key beside it was probably meant to be is not
    a problem of its own: the unknown key's message already says so. `schema` is the
    model validated, for models other than a scenario's or an operating model's.
    """
    root = schema or ROOTS.get(exc.title)
    located: list[tuple[Path_, Any, tuple[Any, ...], dict[str, Any]]] = []
    for err in (dict(e) for e in exc.errors(include_url=False)):
        loc: tuple[Any, ...] = tuple(err["loc"])  # type: ignore[arg-type]
        path, holder, key = _locate(root, src.data, loc)
        located.append((_focus(path, err, src.data), holder, key, err))
    typos = {key[:-1] + (_best(key[-1], _allowed(holder)),)
             for _, holder, key, err in located if err["type"] == "extra_forbidden" and key}
    problems: dict[tuple[Any, ...], list[tuple[Path_, str]]] = {}
    for path, holder, key, err in located:
        if err["type"] != "missing" or key not in typos:
            message = _message(err, holder)
            if path and message.startswith(f"{path[-1]}: "):  # said once, as the path
                message = message[len(f"{path[-1]}: "):]
            problems.setdefault(key, []).append((path, message))
    ordered = sorted(problems.values(), key=lambda found: src.line_of(found[0][0]) or 0)
    errors = [src.error(found[0][0], _combine([m for _, m in found])) for found in ordered]
    first = errors[0]
    first.also = tuple(errors[1:])
    return first


def number_type(root: type[BaseModel], keys: tuple[str, ...]) -> type | None:
    """`int` or `float`: the type the schema gives the number at `keys` (list indices as digits),
    or None when the schema does not say (a key it does not know)."""
    tp: Any = root
    for key in keys:
        part: Any = int(key) if key.isdigit() else key
        found = None
        for _, alt in _alternatives(tp):  # a union of steps or interventions: the member with `key`
            found = _child(alt, part)
            if found is not None:
                break
        if found is None:
            return None
        tp = found
    kinds = {alt for _, alt in _alternatives(tp)}
    if kinds & {int} and not kinds & {float}:
        return int
    return float if kinds & {float, int} else None
