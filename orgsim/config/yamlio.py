"""YAML reading that remembers where every value came from.

Validation errors must name the file and line of the bad value, so the loader
composes the YAML node tree itself and records the line of every path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class ConfigError(Exception):
    """A problem in a configuration file, reported as `file:line: path: message`.

    `also` holds the file's other problems found with it (in file order): each is told on a
    line of its own after the first, so a file with several problems shows all of them.
    """

    def __init__(self, file: str | Path, line: int | None, path: str, message: str,
                 also: tuple[ConfigError, ...] = ()) -> None:
        self.file = str(file)
        self.line = line
        self.path = path
        self.message = message
        self.also = also
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        first = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return "\n".join([first, *(str(other) for other in self.also)])


@dataclass
class Source:
    """A parsed YAML document together with the line of every path in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    files: dict[Path_, str] = field(default_factory=dict)  # paths from a base file (`extends`)

    def _nearest(self, path: Path_) -> Path_:
        """`path`, or its nearest ancestor that has a line."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return path

    def line_of(self, path: Path_) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one."""
        return self.lines.get(self._nearest(path), 1)

    def error(self, path: Path_, message: str) -> ConfigError:
        file = self.files.get(self._nearest(path), self.file)
        return ConfigError(file, self.line_of(path), dotted(path), message)


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _construct(node: yaml.Node, path: Path_, src: Source, file: str) -> Any:
    src.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader.construct_scalar(_LOADER, key_node)  # type: ignore[arg-type]
            if key in out:
                raise ConfigError(file, key_node.start_mark.line + 1, dotted(path + (key,)),
                                  f"duplicate key (first given on line {src.lines[path + (key,)]})")
            out[key] = _construct(value_node, path + (key,), src, file)
            src.lines[path + (key,)] = key_node.start_mark.line + 1  # the key's line, not the value's
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path + (i,), src, file) for i, v in enumerate(node.value)]
    return _LOADER.construct_object(node, deep=True)


_LOADER = yaml.SafeLoader("")


def read_yaml(file: str | Path) -> Source:
    """Parse `file` into a `Source`; every failure becomes a `ConfigError`."""
    name = str(file)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(name, None, "", "file not found") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ConfigError(name, None, "", f"cannot read file ({exc.__class__.__name__})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        began = exc.context_mark.line + 1 if exc.context and exc.context_mark else None
        context = f" ({exc.context} that began on line {began})" if began and began != line else ""
        raise ConfigError(name, line, "", f"YAML syntax error: {exc.problem}{context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, None, "", f"YAML error: {exc}") from None
    src = Source(file=name, data=None)
    if node is None:
        raise ConfigError(name, 1, "", "file is empty; expected a mapping of settings")
    try:
        src.data = _construct(node, (), src, name)
    except yaml.YAMLError as exc:
        raise ConfigError(name, None, "", f"YAML error: {exc}") from None
    if not isinstance(src.data, dict):
        raise ConfigError(name, 1, "", f"expected a mapping of settings, found {type(src.data).__name__}")
    _finite(src.data, (), src)
    return src


def _finite(data: Any, path: Path_, src: Source) -> None:
    """No NaN or infinity anywhere: no setting means "not a number" or "without end"."""
    if isinstance(data, float) and not math.isfinite(data):
        raise src.error(path, f"expected a finite number, found {data}")
    if isinstance(data, dict):
        for key, value in data.items():
            _finite(value, path + (key,), src)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _finite(value, path + (i,), src)
