"""Turns pydantic validation errors into one `file:line: path: message` line."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from orgsim.config.yamlio import ConfigError, Path_, Source


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Follow `loc` through the data, skipping pydantic's own union and tag labels."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
    return tuple(path)


def _fmt(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(ctx.values()))
        return f"must be {bounds[kind]} {limit}, got {_fmt(got)}"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {_fmt(got)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, found {_fmt(got)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_fmt(got)}"
    if kind in ("string_type",):
        return f"expected text, found {_fmt(got)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, found {_fmt(got)}"
    if kind == "list_type":
        return f"expected a list, found {_fmt(got)}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, found {_fmt(got)}"
    if kind == "union_tag_invalid":
        return f"unknown kind {_fmt(ctx.get('tag'))}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"needs a '{ctx.get('discriminator', 'kind').strip(chr(39))}' key"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def from_validation(exc: ValidationError, src: Source) -> ConfigError:
    """The first error of `exc`, located in `src`; the count of the others is appended."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = _data_path(src.data, tuple(first["loc"]))
    message = _message(dict(first))
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return src.error(path, message)
