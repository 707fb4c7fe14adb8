"""`orgsim validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, friendly
from orgsim.config.limits import count


@app.command()
@friendly
def validate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario, operating model, "
                                         "experiment or optimisation YAML file.")],
    scenario: Annotated[Path, typer.Option(metavar="FILE", help="Scenario to check an operating model "
                                           "against.")] = Path("configs/nhs_england.yaml"),
) -> None:
    """Check a configuration file without running it."""
    from orgsim.config.kinds import guess
    from orgsim.config.load import load_operating_model, load_plans, load_scenario
    from orgsim.config.resolve import resolve
    from orgsim.config.yamlio import read_yaml

    kind = guess(read_yaml(file).data)
    if kind == "optimisation":
        from orgsim.optimise import load

        problem = load(file)
        typer.echo(f"ok: {file} (optimisation {problem.opt.name!r} of {problem.name!r}; "
                   f"{count(len(problem.opt.levers), 'lever')}, "
                   f"{count(len(problem.opt.objectives), 'objective')}, "
                   f"at most {count(problem.opt.most_runs, 'run')})")
        return
    if kind == "calibration":
        from orgsim.calibration.load import load_calibration

        cal = load_calibration(file, pilot=False).cal
        typer.echo(f"ok: {file} (calibration {cal.name!r}; {count(len(cal.parameters), 'parameter')}, "
                   f"{count(len(cal.targets), 'target')}, observed under {cal.model!r})")
        return
    if kind == "experiment":
        from orgsim.experiments.levers import describe, notes
        from orgsim.experiments.points import load_experiment

        bases = load_experiment(file)
        exp = bases.exp
        typer.echo(f"ok: {file} (experiment {exp.name!r}; {describe(bases)}, "
                   f"{count(len(exp.models), 'model')}, {count(exp.replications, 'replication')})")
        for note in notes(bases):
            typer.echo(f"note: {note}")
        return
    if kind == "operating model":
        sc, sc_src = load_scenario(scenario)
        om, om_src = load_operating_model(str(file), scenario, sc)
        resolve(sc, om, sc_src, om_src)
        typer.echo(f"ok: {file} (operating model {om.name!r}, checked against {scenario})")
        return
    sc, _ = load_scenario(file)
    if sc.operating_models:
        load_plans(file)  # every model, with the timeline checked against each
    models = ", ".join(sc.operating_models) or "no operating models"
    typer.echo(f"ok: {file} (scenario {sc.name!r}; {models})")


