"""What the 95% intervals of a report cover, in plain words (with or without levers)."""

from __future__ import annotations


def intervals(scenarios: int, replications: int, uncertain: bool | None = None,
              levers: bool = True) -> str:
    """What the 95% intervals of the report cover, in plain words.

    `uncertain`: whether uncertain numbers were varied (default: when there are several
    scenarios); with one scenario that means each replication drew them from an ensemble.
    `levers`: whether runs are grouped by lever setting (else by model alone).
    """
    uncertain = scenarios > 1 if uncertain is None else uncertain
    each, every = ("setting", "every setting and model") if levers else ("model", "every model")
    if scenarios * replications < 2:
        per = f"{each} and model" if levers else each
        return (f"One run per {per}: there are no intervals, and any difference may be chance. "
                "Run replications before acting on it.")
    if uncertain and scenarios <= 1:
        return (f"The 95% intervals cover {replications} replications of each {each}, each drawing "
                "its uncertain numbers from the calibrated ensemble: run-to-run randomness and the "
                "calibration's uncertainty, not uncertainty in the assumptions held fixed.")
    if not uncertain:
        return (f"The 95% intervals cover run-to-run randomness only: {replications} replications "
                f"of each {each} under the stated assumptions, {every} seeing the same demand. "
                "They do not cover uncertainty in the assumptions themselves; vary those as "
                "uncertainties to include it.")
    return (f"The 95% intervals pool {replications} replications over {scenarios} scenarios of the "
            "uncertain numbers (listed under the assumptions): they cover run-to-run randomness "
            "and those numbers over their stated ranges, not uncertainty in the assumptions held "
            "fixed.")


__all__ = ["intervals"]
