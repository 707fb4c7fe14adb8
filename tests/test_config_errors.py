"""Every kind of bad configuration gets one `file:line: path: message` line and exit status 2.

Each file in tests/broken is a valid base file (`base.yaml`, `models/base.yaml`)
with one mistake; broken operating models are checked against `base.yaml`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.config.load import PACKAGE_MODELS, load_scenario
from orgsim.config.yamlio import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BROKEN = "tests/broken"
BASE = f"{BROKEN}/base.yaml"
KNOWN = sorted({p.stem for d in (ROOT / BROKEN / "models", PACKAGE_MODELS)
                for p in d.glob("*.yaml")})
NOT_FOUND = (f"no operating model 'nonexistent' in {BROKEN}/models or {PACKAGE_MODELS}; "
             f"known: {', '.join(KNOWN)}")
LINE = re.compile(r"error: (?P<file>[^:]+)(?::(?P<line>\d+))?: (?P<rest>.*)")


def scenario(name: str) -> list[str]:
    return ["validate", f"{BROKEN}/{name}.yaml"]


def model(name: str) -> list[str]:
    return ["validate", f"{BROKEN}/models/{name}.yaml", "--scenario", BASE]


# id: (command line, file named in the message, line, "path: message")
CASES: dict[str, tuple[list[str], str, int | None, str]] = {
    "missing file": (
        scenario("does_not_exist"), f"{BROKEN}/does_not_exist.yaml", None, "file not found"),
    "yaml syntax": (
        scenario("syntax"), f"{BROKEN}/syntax.yaml", 9,
        "YAML syntax error: expected ',' or '}', but got ':' "
        "(while parsing a flow mapping that began on line 8)"),
    "empty file": (
        scenario("empty"), f"{BROKEN}/empty.yaml", 1,
        "file is empty; expected a mapping of settings"),
    "duplicate key": (
        scenario("duplicate_key"), f"{BROKEN}/duplicate_key.yaml", 8,
        "organisations.HQ.kind: duplicate key (first given on line 7)"),
    "wrong type": (
        scenario("wrong_type"), f"{BROKEN}/wrong_type.yaml", 3,
        "horizon_weeks: expected a number, found 'five years'"),
    "unknown key": (
        scenario("unknown_key"), f"{BROKEN}/unknown_key.yaml", 4,
        "warmup_week: unknown key 'warmup_week'; did you mean 'warmup_weeks'? (allowed: name, "
        "description, horizon_weeks, warmup_weeks, seed, sample_every_weeks, organisations, ics, "
        "themes, demand, adoption, operating_models, operating_models_dir, timeline, money, scale, "
        "evidence)"),
    "probability above 1": (
        scenario("probability"), f"{BROKEN}/probability.yaml", 17,
        "themes.triage.p_national: must be <= 1, got 1.5"),
    "warmup not below horizon": (
        scenario("warmup"), f"{BROKEN}/warmup.yaml", 4,
        "warmup_weeks: warmup_weeks (52) must be below horizon_weeks (52)"),
    "triangular low above mode": (
        scenario("triangular"), f"{BROKEN}/triangular.yaml", 23,
        "demand.effort.digital: need low <= mode <= high and low < high, "
        "got low=3.0, mode=2.0, high=4.0"),
    "unknown distribution kind": (
        scenario("unknown_dist"), f"{BROKEN}/unknown_dist.yaml", 22,
        "demand.effort.strategy: unknown kind 'lognorm'; did you mean 'lognormal'? "
        "(allowed: fixed, exponential, lognormal, triangular, uniform)"),
    "unknown national origin": (
        scenario("unknown_origin"), f"{BROKEN}/unknown_origin.yaml", 20,
        "demand.national_origins.HQX: unknown organisation 'HQX'"),
    "scenario runs a broken model": (
        scenario("uses_broken_model"), f"{BROKEN}/models/unknown_forum.yaml", 13,
        "routes[0].steps[1].gate: unknown forum 'bord'"),
    "scenario runs a missing model": (
        scenario("missing_model"), f"{BROKEN}/missing_model.yaml", 24,
        f"operating_models[0]: {NOT_FOUND}"),
    "timeline: reorganisation into an unknown model": (
        scenario("timeline_unknown_model"), f"{BROKEN}/timeline_unknown_model.yaml", 5,
        f"timeline[0].switch_model.to: {NOT_FOUND}"),
    "timeline: week past the horizon": (
        scenario("timeline_past_horizon"), f"{BROKEN}/timeline_past_horizon.yaml", 6,
        "timeline[1].week: week 60 is past the horizon (horizon_weeks: 52); "
        "interventions must come before it"),
    "timeline: staff would go negative": (
        scenario("timeline_negative_staff"), f"{BROKEN}/timeline_negative_staff.yaml", 7,
        "timeline[1].staff.change: HQ has 1 digital staff at week 20; a change of -2 would leave -1"),
    "timeline: unknown forum": (
        scenario("timeline_unknown_forum"), f"{BROKEN}/timeline_unknown_forum.yaml", 5,
        "timeline[0].funding.forum: unknown forum 'bord' in base (the operating model in force "
        "at week 10); it has board"),
    "timeline: two changes in one entry": (
        scenario("timeline_two_changes"), f"{BROKEN}/timeline_two_changes.yaml", 4,
        "timeline[0]: give exactly one of switch_model, demand, funding, staff, cadence, money; "
        "found funding, cadence"),
    "timeline: unknown theme": (
        scenario("timeline_unknown_theme"), f"{BROKEN}/timeline_unknown_theme.yaml", 5,
        "timeline[0].demand.themes[1]: unknown theme 'imaging'; themes are triage"),
    "negative cadence": (
        model("bad_cadence"), f"{BROKEN}/models/bad_cadence.yaml", 4,
        "forums.board.cadence_weeks: must be > 0, got -1"),
    "misspelt key": (
        model("typo_key"), f"{BROKEN}/models/typo_key.yaml", 4,
        "forums.board.cadance_weeks: unknown key 'cadance_weeks'; did you mean 'cadence_weeks'? "
        "(allowed: unit, cadence_weeks, offset_weeks, capacity, p_approve, max_deferrals, source)"),
    "unknown key in a step": (
        model("step_key"), f"{BROKEN}/models/step_key.yaml", 14,
        "routes[0].steps[1].p_approve: unknown key 'p_approve' (allowed: gate)"),
    "misspelt step": (
        model("step_typo"), f"{BROKEN}/models/step_typo.yaml", 13,
        "routes[0].steps[1]: a step needs exactly one of: check, gate, stage, handoff, use; "
        "found 'gaet'; did you mean 'gate'?"),
    "step of two kinds": (
        model("two_kinds"), f"{BROKEN}/models/two_kinds.yaml", 13,
        "routes[0].steps[1]: a step needs exactly one of: check, gate, stage, handoff, use; "
        "found check, gate"),
    "functions not a list": (
        model("functions_type"), f"{BROKEN}/models/functions_type.yaml", 7,
        "segments.build[0].stage.functions: expected a list or 'all', found 'digital'"),
    "no routes": (
        model("no_routes"), f"{BROKEN}/models/no_routes.yaml", 3, "routes: needs at least 1 item"),
    "stage names an unknown unit": (
        model("unknown_unit"), f"{BROKEN}/models/unknown_unit.yaml", 7,
        "segments.build[0].stage.unit: unknown unit 'HQX'"),
    "stage names an unknown function": (
        model("unknown_function"), f"{BROKEN}/models/unknown_function.yaml", 7,
        "segments.build[0].stage.functions[0]: unknown function 'digtal'; "
        "demand.effort has ['digital', 'strategy']"),
    "stage names an unknown service team": (
        model("unknown_team"), f"{BROKEN}/models/unknown_team.yaml", 7,
        "segments.build[0].stage.service_team: unknown service team 'squad'"),
    "stage needs staff the unit lacks": (
        model("understaffed"), f"{BROKEN}/models/understaffed.yaml", 7,
        "segments.build[0].stage: HQ has 3 digital staff; this stage needs 5"),
    "gate names an unknown forum": (
        model("unknown_forum"), f"{BROKEN}/models/unknown_forum.yaml", 13,
        "routes[0].steps[1].gate: unknown forum 'bord'"),
    "unknown segment": (
        model("unknown_segment"), f"{BROKEN}/models/unknown_segment.yaml", 14,
        "routes[0].steps[2].use: unknown segment 'biuld'"),
    "cycle among segments": (
        model("segment_cycle"), f"{BROKEN}/models/segment_cycle.yaml", 10,
        "segments.review[1].use: cycle in segments: build -> review -> build"),
    "cycle in extends": (
        model("extends_a"), f"{BROKEN}/models/extends_b.yaml", 3,
        "extends: cycle in extends: extends_a -> extends_b -> extends_a"),
    "extends a broken model": (
        model("extends_broken"), f"{BROKEN}/models/bad_cadence.yaml", 4,
        "forums.board.cadence_weeks: must be > 0, got -1"),
    "extends a missing model": (
        model("extends_missing"), f"{BROKEN}/models/extends_missing.yaml", 3,
        f"extends: {NOT_FOUND}"),
    "last route has a when": (
        model("last_route_when"), f"{BROKEN}/models/last_route_when.yaml", 17,
        "routes[1].when: the last route must match every initiative (give it no `when`)"),
    "service teams bigger than the unit": (
        model("big_teams"), f"{BROKEN}/models/big_teams.yaml", 6,
        "service_teams.squad.size.digital: 2 teams need 4 digital staff; HQ has 3"),
    "run with an unknown model": (
        ["run", BASE, "--model", "nonexistent", "--out", "results/never"], "--model", None,
        NOT_FOUND),
    "run with a broken model": (
        ["run", BASE, "--model", "bad_cadence", "--out", "results/never"],
        f"{BROKEN}/models/bad_cadence.yaml", 4, "forums.board.cadence_weeks: must be > 0, got -1"),
}


def check(stderr: str, file: str, line: int | None, rest: str) -> None:
    """`stderr` is exactly one line naming `file` (however it was reached), `line` and `rest`."""
    assert "Traceback" not in stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    got = LINE.fullmatch(stderr.rstrip("\n"))
    assert got, stderr
    assert Path(got["file"]).resolve() == (ROOT / file).resolve(), stderr
    assert (int(got["line"]) if got["line"] else None, got["rest"]) == (line, rest)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("args, file, line, rest", CASES.values(), ids=list(CASES))
def test_each_broken_file_gets_one_clear_line(args: list[str], file: str, line: int | None,
                                              rest: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    check(result.stderr, file, line, rest)
    assert not (ROOT / "results" / "never").exists()


@pytest.mark.parametrize("case", ["missing file", "yaml syntax", "cycle among segments",
                                  "run with an unknown model"])
def test_the_real_command_prints_no_traceback(case: str) -> None:
    args, file, line, rest = CASES[case]
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    check(done.stderr, file, line, rest)


def test_the_base_files_are_valid() -> None:
    result = CliRunner().invoke(app, ["validate", BASE])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["validate", f"{BROKEN}/models/base.yaml", "--scenario", BASE])
    assert result.exit_code == 0, result.output


def test_the_api_raises_a_located_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        load_scenario(f"{BROKEN}/probability.yaml")
    err = caught.value
    assert (err.line, err.path) == (17, "themes.triage.p_national")
    assert err.message == "must be <= 1, got 1.5"


def test_every_problem_in_the_file_is_reported_in_file_order(tmp_path: Path) -> None:
    text = (ROOT / BASE).read_text(encoding="utf-8")
    text = text.replace("warmup_weeks: 4", "warmup_weeks: -4")
    text = text.replace("p_national: 0.5", "p_national: 2")
    bad = tmp_path / "two.yaml"
    bad.write_text(text.replace("count: 2", "count: two"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_scenario(bad)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{bad}:5: warmup_weeks: must be >= 0, got -4"  # the first in the file first
    assert len(lines) == 3 and "more problem" not in str(caught.value)
    assert "p_national: must be <= 1, got 2" in lines[1] or "p_national: must be <= 1, got 2" in lines[2]
    assert any("count: expected a whole number, found 'two'" in line for line in lines[1:])
    assert all(line.startswith(f"{bad}:") for line in lines)  # each with its own file and line
    err = caught.value
    assert (err.line, err.path) == (5, "warmup_weeks") and len(err.also) == 2
