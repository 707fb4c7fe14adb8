"""The STRESS-ABS reporting checklist (monks-2019), each item answered or pointed to where it is."""

from __future__ import annotations

from typing import Any

from orgsim.config.plan import Plan
from orgsim.describe.odd import table


def _assumptions(notes: list[str]) -> str:
    said = [n for n in notes if "assumption" in n.lower()]
    return f"{len(said)} of the {len(notes)} settings listed with a source column above say \"assumption\""


def checklist(sc: Any, plans: list[Plan], notes: list[str], versions: dict[str, str],
              identity: str, licence: str | None) -> str:
    models = ", ".join(f"`{p.model}`" for p in plans)
    software = ", ".join(f"{k} {v}" for k, v in versions.items() if k not in ("orgsim", "python"))
    items = [
        ("1.1 Purpose of the model", "ODD 1 (purpose and patterns)."),
        ("1.2 Model outputs", "ODD 7 (outcomes): every outcome's definition and unit is in "
         "docs/metrics.md; runs write metrics.json, experiments metrics.parquet and summary/."),
        ("1.3 Experimentation aims", f"Compare {models} on the outcomes of 1.2; each experiment "
         "file (experiments/) states its models, uncertain parameters, design and replications, "
         "and its report opens on the verdict."),
        ("2.1 Base model overview diagram", "The report of any run or experiment (`orgsim report`) "
         "draws the flow of work between organisations and each organisation structure; ODD 3 "
         "lists every route."),
        ("2.2 Base model logic", "ODD 3 (process overview and scheduling)."),
        ("2.3 Scenario logic", "Each operating model is a scenario of the same base model: ODD 2 "
         "(units under each model) and ODD 7 (its forums, handoffs, portfolios, overheads, teams)"
         + ("; the scenario's timeline in ODD 3." if sc.timeline else ".")),
        ("2.4 Algorithms", "ODD 3 and 7: Poisson arrivals, first-come first-served pools, forums "
         "meeting on a cadence, Bernoulli approvals, rework and detection; statistics are t "
         "intervals and paired differences (orgsim.analysis)."),
        ("2.5 Components", "Agents (organisation units) and the initiatives they handle: ODD 2; "
         "environment: none spatial, units relate through routes and portfolios (ODD 2 Scales); "
         "interactions: ODD 4 (Interaction)."),
        ("3.1 Data sources", "The source column of every table here; each short name (for example "
         "wade-gery-2021) is listed with title, author, date and address in docs/sources.md."),
        ("3.2 Pre-processing", "None: numbers are written in the YAML files. Defaults marked "
         "\"calibrated\" come from the shipped calibration (configs/calibration/)."),
        ("3.3 Input parameters", "ODD 2 and 7, every value with its source; every key with its "
         "default in docs/configuration.md."),
        ("3.4 Assumptions", f"Stated beside each value: {_assumptions(notes)}; the sensitivity "
         "experiments vary many of them."),
        ("4.1 Initialisation", f"ODD 5: runs start empty; a warm-up of {sc.warmup_weeks:g} weeks "
         "is excluded from per-item outcomes."),
        ("4.2 Run length", f"{sc.horizon_weeks:g} weeks per run (ODD 2 Scales); an experiment may "
         "override the horizon and warm-up, and sets the number of replications."),
        ("4.3 Estimation approach", "Replications with seeds spawned from the experiment's root "
         "seed; means with 95% t intervals, and paired differences between models run on the "
         "same seeds (common random numbers): `orgsim summarise`, and `orgsim paper` writes the "
         "methods paragraph for a given pair."),
        ("5.1 Software or programming language",
         f"orgsim {identity} on Python {versions.get('python', '?')}, with {software}."),
        ("5.2 Random sampling", "ODD 4 (Stochasticity): one numpy.random.SeedSequence per run, "
         "spawned into named streams; demand from its own stream."),
        ("5.3 Model execution", "Discrete-event simulation: SimPy owns the clock, Mesa holds the "
         "agents; runs execute serially, on a process pool or on Dask, with identical results "
         "whichever backend."),
        ("5.4 System specification", "Each results folder's manifest.json records the software "
         "versions, orgsim's source commit and whether it had uncommitted changes, and the "
         "command line; the hardware is not recorded."),
        ("6.1 Computer model sharing statement", "How to cite: CITATION.cff at the root of "
         "orgsim's source. " + (f"Licence: {licence}." if licence else
                                "The project states no licence.")),
    ]
    return ("## STRESS-ABS checklist\n\nThe reporting guideline for agent-based simulation "
            "studies of monks-2019, item by item: where this description, or orgsim, answers "
            "it.\n\n" + table(["item", "answered"], [list(i) for i in items]))
