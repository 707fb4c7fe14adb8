"""The calibration report: one HTML page, and each figure as PNG, PDF and SVG beside it."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.calibration import convergence as C
from orgsim.calibration import summary as S
from orgsim.report.html import collapsed, figure, frame_table, page, pairs, paragraph
from orgsim.store.atomic import write_atomic, write_text


def words(params: pd.DataFrame) -> str:
    """Plain words on which parameters the data pinned down and which they did not."""
    said = []
    for verdict, meaning in S.MEANINGS.items():
        names = params.loc[params["verdict"] == verdict, "parameter"].tolist()
        if names:
            said.append(f"Parameters {meaning}: {', '.join(names)}.")
    return " ".join(said) + (" A parameter is pinned down when its 90% posterior interval is at most "
                             "half as wide as its prior's, narrowed when at most 80% as wide.")


def _fits(fit: pd.DataFrame) -> str:
    missed = fit.loc[~fit["reproduced"].astype(bool), "target"].tolist()
    if not missed:
        return "Runs drawn from the posterior reproduce every target within its uncertainty."
    return ("Runs drawn from the posterior miss these targets by more than twice their stated "
            f"uncertainty: {', '.join(missed)}. The model cannot match them together with the "
            "others under these priors; widen a prior, add a parameter, or question the observation.")


def held_out(held: pd.DataFrame) -> str:
    """Each published figure kept out of the fit, beside what the calibrated ensemble predicts."""
    if not len(held):
        return paragraph("No published figure was held out of this calibration (`holdout:` in the "
                         "calibration file names some), so it has no out-of-sample check.")
    said = []
    for r in held.itertuples():
        verdict = ("the prediction's 90% interval overlaps the published range" if r.overlaps
                   else "the prediction's 90% interval misses the published range: the calibrated "
                   "model does not reproduce this figure")
        said.append(f"{r.figure}: published {r.observed:,.4g} (range {r.low:,.4g} to {r.high:,.4g}; "
                    f"{r.source}); the calibrated model predicts {r.predicted:,.4g} (90% of the "
                    f"ensemble {r.predicted_low:,.4g} to {r.predicted_high:,.4g}): {verdict}.")
    return (paragraph("Published figures the calibration never saw, predicted by every member of "
                      "its ensemble: an out-of-sample check of the calibrated model.")
            + "".join(paragraph(x) for x in said) + frame_table(held.drop(columns="source")))


def _figures(root: Path) -> list[tuple[str, str, str, Any]]:
    from orgsim.plots import calibration as plots

    cal = json.loads((root / "calibration.json").read_text())
    ensemble = pd.read_parquet(root / "ensemble.parquet")
    params = pd.read_csv(root / "parameters.csv")
    simulated = pd.read_parquet(root / "simulated.parquet")
    observed = simulated[["target", "observed", "sd"]].drop_duplicates("target")
    order = {t: i for i, t in enumerate(cal["targets"])}
    observed = observed.sort_values("target", key=lambda s: s.map(order))
    priors = {n: (p["low"], p["high"], p["distribution"]) for n, p in cal["parameters"].items()}
    verdicts = dict(zip(params["parameter"], params["verdict"]))
    out = [("prior_posterior", "Prior against posterior", "Grey: the prior; blue: the calibrated "
            "ensemble, weighted.", plots.marginals(ensemble, priors, verdicts)[0])]
    if len(priors) > 1:
        out.append(("pairs", "Parameters in pairs", "Posterior members; a slope means two parameters "
                    "trade off (the data fix a combination of them, not each).",
                    plots.pairs(ensemble, list(priors))[0]))
    out.append(("predictive", "Posterior predictive check", "Every target: runs drawn afresh from the "
                "prior and from the posterior, against the observed value and two standard deviations "
                "either side.", plots.predictive(simulated, observed)[0]))
    return out


def _write_bytes(data: bytes, tmp: Path) -> None:
    tmp.write_bytes(data)


def _save(fig: Any, kind: str, tmp: Path) -> None:
    fig.savefig(tmp, format=kind)


def write_report(root: Path) -> Path:
    """Write `report.html` and `plots/<name>.png|pdf|svg` in a calibration's results folder."""
    root = Path(root)
    cal = json.loads((root / "calibration.json").read_text())
    manifest = json.loads((root / "manifest.json").read_text())
    params = pd.read_csv(root / "parameters.csv")
    fit = pd.read_csv(root / "targets.csv")
    populations = pd.read_csv(root / "populations.csv")
    said, warned = convergence(root)
    folder = root / "plots"
    shown = []
    for name, heading, caption, fig in _figures(root):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        write_atomic(folder / f"{name}.png", functools.partial(_write_bytes, buffer.getvalue()))
        for kind in ("pdf", "svg"):
            write_atomic(folder / f"{name}.{kind}", functools.partial(_save, fig, kind))
        shown.append(figure(name, heading, caption + " Also as PDF in plots/.", buffer.getvalue()))
    intro = paragraph(cal.get("description") or "") + pairs([
        ("scenario", cal["scenario"]), ("operating model observed", cal["model"]),
        ("method", f"ABC-SMC (pyabc {manifest.get('pyabc')}), population {cal['method']['population']}"),
        ("simulations", manifest.get("simulations")),
        ("posterior predictive simulations", manifest.get("predictive_simulations")),
        ("wall time (s)", manifest.get("wall_seconds")),
        ("seed", cal["seed"])])
    sources = collapsed("Sources of the priors and targets", frame_table(pd.DataFrame(
        [(n, p["source"]) for n, p in cal["parameters"].items()]
        + [(n, t["source"]) for n, t in cal["targets"].items()], columns=["name", "source"])))
    sections = [
        ("convergence", "Convergence", paragraph(said)
         + (paragraph("Warning: " + warned, "note") if warned else "")
         + frame_table(populations)),
        ("pinned", "What the data pinned down", paragraph(words(params))
         + frame_table(params.drop(columns="source")) + shown[0] + "".join(shown[1:-1])),
        ("fit", "Simulated against observed", paragraph(_fits(fit))
         + frame_table(fit.drop(columns="source")) + shown[-1] + sources),
        ("holdout", "Held out: published figures the fit never saw", held_out(
            pd.read_csv(root / "holdout.csv") if (root / "holdout.csv").exists() else pd.DataFrame())),
        ("use", "Using this calibration", paragraph(
            "scenario_mean.yaml and scenario_mode.yaml extend the calibrated scenario with the "
            "posterior mean and mode, for orgsim run and the workshop; numbers of the operating model "
            "are set in a copy of it that extends the original (operating_models_mean/ and "
            "operating_models_mode/), where these scenarios look their models up. Only parameters "
            "the data pinned down are set: the others keep the original's value, as each file's "
            "header says. An experiment with "
            f"'uncertainties: {{from: {root}/ensemble.parquet}}' draws one parameter set from the "
            "ensemble per replication, so its comparison of operating models carries this "
            "calibration's uncertainty."))]
    path = root / "report.html"
    write_text(path, page(f"Calibration: {cal['name']}", intro, sections))
    return path


def convergence(root: Path) -> tuple[str, str | None]:
    """How far a finished calibration got, in words, and a warning when it is not far enough."""
    progress = C.read(pd.read_csv(root / "populations.csv"),
                      json.loads((root / "calibration.json").read_text()),
                      json.loads((root / "manifest.json").read_text()))
    return C.words(progress), C.warning(progress)
