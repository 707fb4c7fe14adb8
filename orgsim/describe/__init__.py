"""A model description written from the code's configuration: the ODD protocol and STRESS-ABS.

`describe(scenario, models)` returns Markdown: the ODD protocol (grimm-2020: purpose and
patterns; entities, state variables and scales; process overview and scheduling; design
concepts; initialisation; input data; submodels) for a scenario under its operating models,
every number read from the resolved configuration with the source its YAML gives, then the
STRESS-ABS checklist (monks-2019) pointing to where each item is answered.
"""

from __future__ import annotations

import re
from pathlib import Path

from orgsim.describe.cite import Cite

__all__ = ["describe"]


def _project(path: Path) -> Path:
    """The folder of the project holding `path` (pyproject.toml or .git), else its own folder."""
    path = path.resolve()
    return next((p for p in path.parents if (p / "pyproject.toml").exists() or (p / ".git").exists()),
                path.parent)


def _licence(root: Path) -> str | None:
    for name in ("LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"):
        if (root / name).is_file():
            first = (root / name).read_text(encoding="utf-8", errors="replace").strip().splitlines()
            return first[0].strip() if first else name
    return None


def describe(scenario: str | Path, models: list[str] | None = None) -> str:
    """The ODD protocol and STRESS-ABS checklist of `scenario` under `models` (default: its list)."""
    from orgsim.config.load import load_operating_model, load_plans, load_scenario
    from orgsim.describe import odd, stress, submodels
    from orgsim.store.provenance import PACKAGE_DIR, identity, versions

    path = Path(scenario)
    sc, sc_src = load_scenario(path)
    plans = load_plans(path, models)  # every file checked; unknown names get "did you mean"
    root = _project(path)
    cite = Cite(sc_src, root)
    model_cites = {}
    for plan in plans:
        ref = plan.source_files[-1] if plan.source_files else plan.model
        model_cites[plan.model] = Cite(load_operating_model(ref, path, sc)[1], root)
    body = [f"# {sc.name}: model description (ODD protocol)\n",
            f"Written by `orgsim describe` (orgsim {identity()}) from `{cite.file()}` "
            "and the operating model files it names. It follows the ODD protocol as updated by "
            "grimm-2020. Every number is the configured value; beside it, in brackets or in the "
            "source column, is the source the configuration gives and the file and line it is "
            "written at. Edit the files, not this text, and run `orgsim describe` again.\n",
            odd.purpose(sc, plans, cite), odd.entities(sc, plans, cite, model_cites),
            odd.process(sc, plans, cite, model_cites), odd.design_concepts(sc),
            submodels.initialisation(sc, plans, cite), submodels.input_data(sc),
            submodels.submodels(sc, plans, cite, model_cites)]
    text = "\n".join(body)
    notes = re.findall(r"\| ([^|\n]*\(\S+\.ya?ml:\d+\)) \|", text)
    body.append(stress.checklist(sc, plans, notes, versions(), str(identity()),
                                 _licence(PACKAGE_DIR.parent)))
    return "\n".join(body)
