"""Replay of a recorded run: the narrative, journeys, the animation and the `orgsim replay` command.

Everything is checked against the tiny scenario, whose whole event log is
worked out by hand in test_exact_log.py; the replay reads only the files
`write_run` leaves behind.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from orgsim.api import measure
from orgsim.cli import app
from orgsim.store.rundir import write_run
from orgsim.workshop import Step, frames, journey, load_run, narrative
from tiny import ROOT, run_tiny


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run directories of the tiny scenario: `tiny/` and `tiny_reject/`."""
    out = tmp_path_factory.mktemp("runs")
    for model in ("tiny", "tiny_reject"):
        result, _ = run_tiny(model)
        write_run(out, result, measure(result))
    return out


def _weeks(run_dir: Path, start: int | None = None, end: int | None = None) -> dict[int, tuple[str, ...]]:
    return {w.week: w.lines for w in narrative(load_run(run_dir), start, end)}


def test_narrative_tells_the_weeks_of_the_hand_worked_log(runs: Path) -> None:
    weeks = _weeks(runs / "tiny")
    assert list(weeks) == [0, 1, 2, 3, 4, 6, 11, 12, 13, 15, 17]   # 10 and 16: work only, nothing to tell
    assert weeks[0] == ("1 new initiative from ICS01",)
    assert weeks[3] == ("1 handoff (ICS01 → HQ); 1 receiver misread the need",
                        "HQ spotted 1 duplicate (initiative 1 waits for 0)")
    assert weeks[4] == ("1 queued for board at HQ",)
    assert weeks[6] == ("board at HQ approved 1", "HQ started 1 build")
    assert weeks[11] == ("1 handoff (HQ → ICS01)", "1 delivered (national, lead time 11 weeks)",
                         "ICS01 started 1 reuse")
    assert weeks[13] == ("1 duplicate avoided (ICS01 reused triage/0)", "ICS01 started 1 build",
                         "1 duplicate built (triage/0 by ICS01)")
    assert weeks[15] == ("ICS01 adopted triage/0",)
    assert weeks[17] == ("1 delivered (local, lead time 5 weeks)",)


def test_running_totals_count_from_week_zero_whatever_the_window(runs: Path) -> None:
    told = narrative(load_run(runs / "tiny"), 12, 13)
    assert [w.week for w in told] == [12, 13]
    assert told[-1].totals.text() == ("so far: 1 in the system, 1 delivered, 1 reused, 0 rejected, "
                                      "1 duplicate built")
    last = narrative(load_run(runs / "tiny"))[-1].totals
    _, metrics = run_tiny("tiny")
    assert (last.arrived, last.delivered, last.reused, last.rejected, last.duplicates_built) == (
        metrics["counts"]["arrived"], metrics["counts"]["delivered"], metrics["counts"]["reused"],
        metrics["counts"]["rejected"], metrics["duplicates_built"])     # no warm-up in the tiny run


def test_narrative_of_deferral_and_rejection(runs: Path) -> None:
    weeks = _weeks(runs / "tiny_reject")
    assert weeks[6] == ("board at HQ deferred 1",)
    assert weeks[10] == ("board at HQ rejected 1", "HQ started 1 assessment")
    assert weeks[18] == ("board at HQ deferred 1",)


def test_interventions_and_unknown_records_have_their_own_lines(runs: Path, tmp_path: Path) -> None:
    events = pd.read_parquet(runs / "tiny" / "events.parquet")
    extra = pd.DataFrame([(6.5, "intervention", -1, "", "board meets fortnightly", 0.0, ""),
                          (6.5, "audit", -1, "", "", 0.0, "")], columns=events.columns)
    copy = tmp_path / "tiny"
    copy.mkdir()
    for f in (runs / "tiny").iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    pd.concat([events, extra], ignore_index=True).sort_values("week", kind="stable").to_parquet(
        copy / "events.parquet", index=False)
    assert _weeks(copy)[6] == ("Intervention: board meets fortnightly", "board at HQ approved 1",
                               "HQ started 1 build", "1 audit record")


def test_journey_of_a_detected_duplicate_that_waits_and_reuses(runs: Path) -> None:
    j = journey(load_run(runs / "tiny"), 1)
    assert j.title == "Initiative 1: triage/0 from ICS01"
    assert j.steps == (
        Step(2.0, "ICS01", "raised: national route, 4 person-weeks of work"),
        Step(3.0, "HQ", "handed over by ICS01 (1 week to commission)", (("handoff", 1.0),)),
        Step(3.0, "HQ", "misread the need: 50% of the next stage to redo"),
        Step(3.0, "HQ", "checked portfolio HQ: duplicate found"),
        Step(3.0, "HQ", "duplicate of initiative 0 (triage/0): waits for its outcome"),
        Step(11.0, "ICS01", "reuse started: digital (1 person)", (("duplicate", 8.0),)),
        Step(13.0, "ICS01", "reuse done: digital, 2 person-weeks", (("work", 2.0),)),
        Step(13.0, "ICS01", "reused the product of initiative 0"),
    )
    assert j.outcome == "reused the product of initiative 0 at week 13, 11 weeks after arrival"
    assert j.totals == (("handoff", 1.0), ("duplicate", 8.0), ("work", 2.0))


def test_journey_with_rework_board_build_and_handoff_back(runs: Path) -> None:
    j = journey(load_run(runs / "tiny"), 0)
    assert j.steps == (
        Step(0.0, "ICS01", "raised: national route, 3 person-weeks of work"),
        Step(1.0, "HQ", "handed over by ICS01 (1 week to commission)", (("handoff", 1.0),)),
        Step(1.0, "HQ", "misread the need: 50% of the next stage to redo"),
        Step(1.0, "HQ", "checked portfolio HQ: no duplicate"),
        Step(1.0, "HQ", "assessment started: strategy (1 person)"),
        # 1.5 person-weeks at half pace: 3 weeks, of which 0.5 / 1.5 is the redone share.
        Step(4.0, "HQ", "assessment done: strategy, 1.5 person-weeks", (("work", 2.0), ("rework", 1.0))),
        Step(4.0, "HQ", "of which 0.5 person-weeks redone"),
        Step(4.0, "HQ", "queued for board at HQ"),
        Step(6.0, "HQ", "board at HQ approved it", (("forum", 2.0),)),
        Step(6.0, "ICS01", "released for delivery"),
        Step(6.0, "HQ", "build started: digital (1 person)"),
        Step(10.0, "HQ", "build done: digital, 2 person-weeks", (("work", 4.0),)),
        Step(11.0, "ICS01", "handed over by HQ (1 week to commission)", (("handoff", 1.0),)),
        Step(11.0, "ICS01", "delivered (national)"),
        Step(15.0, "ICS01", "adopted by 1 ICS (week 15)"),
    )
    assert j.outcome == "delivered at week 11: lead time 11 weeks"
    assert j.totals == (("forum", 2.0), ("handoff", 2.0), ("rework", 1.0), ("work", 6.0))


def test_journeys_of_a_rejection_and_of_an_item_still_waiting(runs: Path) -> None:
    run = load_run(runs / "tiny_reject")
    rejected = journey(run, 0)
    assert rejected.steps[-1] == Step(10.0, "HQ", "board at HQ rejected it after 1 deferral",
                                      (("forum", 4.0),))
    assert rejected.outcome == "rejected by board at HQ at week 10, 10 weeks after arrival"
    waiting = journey(run, 1)
    assert waiting.steps[5] == Step(10.0, "HQ", "assessment started: strategy (1 person)",
                                    (("duplicate", 7.0),))           # 0 was rejected at 10
    assert waiting.steps[-1] == Step(20.0, "HQ", "horizon reached, still waiting", (("forum", 2.0),))
    assert waiting.outcome == "still in the system at the horizon (week 20), 18 weeks after arrival"


@pytest.mark.parametrize("model", ["tiny", "tiny_reject"])
def test_waits_add_up_to_each_items_time_in_the_system(runs: Path, model: str) -> None:
    run = load_run(runs / model)
    final = run.final()
    for item, arrival in run.items["arrival_week"].items():
        end = final.at[item, "end_week"] if item in final.index else run.horizon
        assert sum(w for _, w in journey(run, item).totals) == pytest.approx(end - arrival)


def test_animation_tables_of_the_tiny_run(runs: Path) -> None:
    f = frames(load_run(runs / "tiny"), step=2.0)
    assert f.tally["week"].tolist() == [2.0 * k for k in range(1, 11)]
    at = f.states.set_index(["week", "node"])
    assert at.loc[(4.0, "HQ"), ["queue", "forum", "work", "duplicate"]].tolist() == [0, 1, 0, 1]
    assert at.loc[(12.0, "ICSs"), ["queue", "work"]].tolist() == [1, 1]   # 2 waits, 1 reuses
    assert f.moves.values.tolist() == [[0, "ICSs", "HQ", 1], [1, "ICSs", "HQ", 1], [5, "HQ", "ICSs", 1]]
    assert f.tally.iloc[-1][["delivered", "reused", "in_system"]].tolist() == [2, 1, 0]


def test_replay_cli_tells_weeks_and_journeys(runs: Path) -> None:
    weeks = CliRunner().invoke(app, ["replay", str(runs / "tiny"), "--from", "11", "--to", "13"])
    assert weeks.exit_code == 0, weeks.output
    assert "Week 11" in weeks.stdout and "Week 13" in weeks.stdout and "Week 15" not in weeks.stdout
    assert "1 duplicate avoided (ICS01 reused triage/0)" in weeks.stdout
    trip = CliRunner().invoke(app, ["replay", str(runs / "tiny"), "--initiative", "1"])
    assert trip.exit_code == 0, trip.output
    assert "Outcome: reused the product of initiative 0 at week 13" in trip.stdout


def test_step_waits_for_enter_between_weeks(runs: Path) -> None:
    args = ["replay", str(runs / "tiny"), "--step"]
    two = CliRunner().invoke(app, args, input="\n\n")        # two presses, then the input ends
    assert two.exit_code == 0, two.output
    assert [w for w in ("Week 0", "Week 1", "Week 2", "Week 3") if w in two.stdout] == [
        "Week 0", "Week 1", "Week 2"]
    assert two.stdout.count("q to stop") == 3
    stop = CliRunner().invoke(app, args, input="q\n")
    assert "Week 0" in stop.stdout and "Week 1" not in stop.stdout


@pytest.mark.parametrize("args, message", [
    (["{runs}"], "holds one run per operating model"),
    (["{runs}/missing"], "no such directory"),
    (["{runs}/tiny", "--initiative", "9"], "no initiative 9 in this run (ids 0 to 2)"),
    (["{runs}/tiny", "--from", "5", "--to", "2"], "--from 5 is after --to 2"),
    (["{runs}/tiny", "--animate", "{runs}/flow.png"], "expected a .gif file"),
])
def test_bad_replays_are_one_line_and_exit_2(runs: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["replay", *(a.format(runs=runs) for a in args)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_animation_is_a_gif_with_a_frame_per_step(runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "flow.gif"
    result = CliRunner().invoke(app, ["replay", str(runs / "tiny"), "--animate", str(out),
                                      "--weeks-per-frame", "2"])
    assert result.exit_code == 0, result.output
    with Image.open(out) as gif:
        assert gif.format == "GIF" and getattr(gif, "n_frames", 1) >= 8 and gif.size == (1200, 675)


def test_the_workshop_reads_files_and_never_simulates() -> None:
    banned = ("orgsim.engine", "orgsim.mechanisms", "orgsim.api", "simpy", "mesa", "matplotlib")
    for path in (ROOT / "orgsim" / "workshop").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not [n for n in names if n.startswith(banned)], path.name
