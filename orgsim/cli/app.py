"""The `orgsim` Typer app and what every command shares: one-line errors with exit status 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from orgsim.config.kinds import Kind
from orgsim.config.yamlio import ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Simulate how the centre of the NHS organises transformation work.")
F = TypeVar("F", bound=Callable[..., Any])


def _help_without_types() -> None:
    """Help names each argument's value (FILE, FOLDER) as options do, not its Python type (`<path>`)."""
    from typer.core import TyperArgument

    typed = TyperArgument.display_type_rich

    def shown(self: TyperArgument, ctx: Any) -> str | None:
        return None if self.metavar else typed(self, ctx)

    TyperArgument.display_type_rich = shown  # type: ignore[method-assign,assignment]


_help_without_types()


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def check_backend(backend: str, workers: int) -> None:
    """The options every command that runs simulations on the backends takes."""
    if backend not in ("serial", "processes", "dask"):
        fail(f"--backend: expected serial, processes or dask, found {backend!r}")
    if workers < 1:
        fail(f"--workers: must be >= 1, got {workers}")


def friendly(fn: F) -> F:
    """Bad input becomes one line on stderr and exit status 2, never a traceback; Ctrl-C one line, 130.

    (A command that keeps what it finished says more about it: `orgsim.cli.interrupt`.) Every
    file a command writes is written whole or not at all, so an interrupted one leaves no
    half-written file behind.
    """
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            typer.echo("interrupted: what was written is whole; run the command again to finish", err=True)
            raise typer.Exit(130) from None
    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        from orgsim.store.provenance import identity

        typer.echo(f"orgsim {identity()}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print orgsim's version and source commit, and exit.")] = False) -> None:
    """Simulate how the centre of the NHS organises transformation work."""


def expect(file: Path, wanted: Kind) -> None:
    """Refuse, before anything starts, a file of another kind than the command takes."""
    from orgsim.config.kinds import wrong_kind
    from orgsim.config.yamlio import read_yaml

    problem = wrong_kind(read_yaml(file).data, wanted, str(file))
    if problem:
        fail(f"{file}: {problem}")


