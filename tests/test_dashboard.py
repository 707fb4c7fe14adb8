"""The workshop dashboard: levers, running figures, replay, the command, and the page in a real browser.

The browser tests start `orgsim workshop` on a short copy of the shipped
scenario and drive Debian's chromium with Playwright, as a facilitator would:
load, step, play, pause, take a decision (one refused where it is typed, one
applied), move a slider and reset. They save a screenshot to
results/dashboard/screenshot.png. `test_dashboard_room.py` tests what a room
needs: sessions apart, the projector layout, saving and replaying.
"""

from __future__ import annotations

import ast
import math
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_architecture import imports

from orgsim.api import measure
from orgsim.config.load import load_plan
from orgsim.config.plan import ForumPlan, StaffPlan, SwitchPlan
from orgsim.config.yamlio import ConfigError
from orgsim.engine.run import simulate
from orgsim.plots.live import holdings_chart, live_charts, png, queues_chart
from orgsim.store.rundir import write_run
from orgsim.workshop.dashboard import levers as L
from orgsim.workshop.dashboard.decisions import decide, in_force
from orgsim.workshop.dashboard.model import NONE, Outcome, Workshop
from orgsim.workshop.dashboard.params import LEVERS
from orgsim.workshop.dashboard.settings import Settings, baseline, check
from orgsim.workshop.dashboard.summary import figures, holdings, log, queues, series
from scenarios import ROOT, SHIPPED, shipped_copy

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "results" / "dashboard"
HORIZON, WARMUP = 40, 8
A, B = "internal_commissioning", "joined_up_planning"


def short(doc: dict[str, Any]) -> None:
    doc["horizon_weeks"], doc["warmup_weeks"] = HORIZON, WARMUP


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped scenario and operating models, over 40 weeks."""
    return shipped_copy(tmp_path_factory.mktemp("short"), short)


SWITCH_WEEK = 24
SCRIPT: list[dict[str, Any]] = [{"week": SWITCH_WEEK, "label": "Reorganised into joined-up planning",
           "switch_model": {"to": B, "dip": 0.2, "duration_weeks": 8}},
          {"week": 30, "cadence": {"forum": "ics_board", "cadence_weeks": 2}}]


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The short scenario as a workshop script: one operating model, a reorganisation at week 24."""
    def edit(doc: dict[str, Any]) -> None:
        short(doc)
        doc["operating_models"], doc["timeline"] = [A], SCRIPT

    return shipped_copy(tmp_path_factory.mktemp("scripted"), edit)


# -- levers -------------------------------------------------------------------
def test_each_lever_moves_its_number_and_nothing_is_changed_in_place() -> None:
    plan = load_plan(SHIPPED, B)
    forum = next(iter(plan.forums))
    assert L.scale_cadence(plan, 2.0).forums[forum].cadence_weeks == 2 * plan.forums[forum].cadence_weeks
    assert L.scale_overhead(plan, 2.0).units["TD"].overhead == pytest.approx(2 * plan.units["TD"].overhead)
    assert L.scale_overhead(plan, 100.0).units["TD"].overhead == L.MAX_OVERHEAD
    assert L.scale_detection(plan, 0.5).p_detect == {k: p / 2 for k, p in plan.p_detect.items()}
    assert set(L.scale_detection(plan, 10.0).p_detect.values()) == {1.0}
    more = L.scale_staff(plan, 2.0, "digital")
    assert more.units["NHSEI"].teams["digital"] == 2 * plan.units["NHSEI"].teams["digital"]
    assert more.units["NHSEI"].teams["clinical"] == plan.units["NHSEI"].teams["clinical"]
    assert more.teams["factory"].size["digital"] == 2 * plan.teams["factory"].size["digital"]
    assert L.scale_staff(plan, 0.01).headcount() >= 1  # a team that had people keeps one
    demand = L.scale_demand(plan, 2.0).scenario.demand
    assert demand.ics_rate_per_week == 2 * plan.scenario.demand.ics_rate_per_week
    assert demand.national_rate_per_week == 2 * plan.scenario.demand.national_rate_per_week
    assert L.apply(plan, L.Levers()) == plan
    assert plan == load_plan(SHIPPED, B)  # every lever returned a new plan
    with pytest.raises(ValueError, match="cadence"):
        L.scale_cadence(plan, 0.0)


def test_levers_reach_the_runs_at_reset(scenario: Path) -> None:
    settings = check(scenario, [A, B], None)
    base, busier = Workshop(settings), Workshop(settings, demand=2.0, cadence=0.5)
    for ws in (base, busier):
        while ws.running:
            ws.step()
    assert busier.levers == L.Levers(cadence=0.5, demand=2.0)
    assert len(busier.feeds[0].tracker.arrival) > 1.5 * len(base.feeds[0].tracker.arrival)
    faster = busier.feeds[0].model.world.plan.forums  # type: ignore[attr-defined]
    for name, f in base.feeds[0].model.world.plan.forums.items():  # type: ignore[attr-defined]
        assert faster[name].cadence_weeks == f.cadence_weeks / 2


# -- running figures ----------------------------------------------------------
def test_models_side_by_side_get_the_same_initiatives(scenario: Path) -> None:
    ws = Workshop(check(scenario, [A, B], 7))
    first, second = (f.model.initiatives for f in ws.feeds)  # type: ignore[attr-defined]
    assert first == second and len(first) > 20
    assert [f.name for f in Workshop(check(scenario, [A], 7)).feeds] == [A]
    assert [f.name for f in Workshop(check(scenario, [A, B], 7), model_b=NONE).feeds] == [A]


def test_running_figures_reach_the_final_metrics_at_the_horizon(scenario: Path) -> None:
    ws = Workshop(check(scenario, [A, B], None))
    while ws.running:
        ws.step()
    assert ws.week == HORIZON
    for feed in ws.feeds:
        m, t = measure(simulate(load_plan(scenario, feed.name))), feed.tracker
        assert t.latency() == pytest.approx(m["decision_latency"]["mean"])
        assert t.duplication() == pytest.approx(m["duplication_rate"])
        assert t.needs_met() == pytest.approx(m["needs_met"])
        assert t.wip() == pytest.approx(m["wip"])
        assert t.duplicates_built() == m["duplicates_built"]
        assert t.counts["delivered"] >= m["counts"]["delivered"]  # counts run from week 0
        assert len(t.rows) == HORIZON and sum(sum(h.values()) for h in t.holdings().values()) == t.in_system
        assert queues(feed).sum() == sum(h["forum"] for h in t.holdings().values())


def test_the_panels_draw_what_the_runs_hold(scenario: Path) -> None:
    ws = Workshop(check(scenario, [A, B], None))
    for _ in range(20):
        ws.step()
    fig, axes = live_charts(series(ws.feeds), {A: "C0", B: "C1"}, WARMUP, HORIZON)
    assert axes.shape == (2, 2) and len(axes[0, 0].lines) == 2
    fig, axes = holdings_chart({f.name: holdings(f) for f in ws.feeds}, ws.week)
    assert len(axes) == 2 and axes[0].get_title("left").startswith("Internal commissioning: ")
    assert png(queues_chart({f.name: queues(f) for f in ws.feeds}, ws.week)[0]).startswith(b"\x89PNG")
    for path in (ROOT / "orgsim" / "plots").glob("*.py"):  # plots stay free of the dashboard's stack
        names = imports(ast.parse(path.read_text(encoding="utf-8")), f"orgsim.plots.{path.stem}")
        assert not {n for n in names if n.split(".")[0] in ("mesa", "solara")}, path


def test_figures_before_the_warmup_ends_say_there_is_nothing_yet(scenario: Path) -> None:
    ws = Workshop(check(scenario, [A, B], None))
    ws.step()
    table = figures(ws.feeds)
    assert table.loc["decision latency (weeks)"].tolist() == ["–", "–"]
    assert math.isnan(ws.feeds[0].tracker.needs_met())


def test_a_replay_shows_what_the_live_run_showed(scenario: Path, tmp_path: Path) -> None:
    result = simulate(load_plan(scenario, B))
    run_dir = write_run(tmp_path, result, measure(result))
    live, replay = Workshop(check(scenario, [B], None)), Workshop(check(scenario, None, None, [tmp_path]))
    assert replay.settings.run_dirs == (str(run_dir),)
    for _ in range(HORIZON // 2):
        live.step()
        replay.step()
    assert figures(replay.feeds).equals(figures(live.feeds))
    assert replay.feeds[0].tracker.rows == live.feeds[0].tracker.rows


# -- decisions during play ----------------------------------------------------
def _load(scenario: Path) -> Any:
    return lambda name: replace(load_plan(scenario, name), timeline=())


def test_a_decision_is_the_plan_object_its_timeline_entry_would_be(scripted: Path) -> None:
    plan, load = load_plan(scripted, A), _load(scripted)
    switch = decide("switch_model", SCRIPT[0]["switch_model"], SWITCH_WEEK, in_force(plan, []), load,
                    SCRIPT[0]["label"])
    assert switch == plan.timeline[0]  # the same checks, the same object, the same label
    cadence = decide("cadence", SCRIPT[1]["cadence"], 30, in_force(plan, plan.timeline[:1]), load)
    assert isinstance(cadence, ForumPlan) and cadence == plan.timeline[1]
    assert cadence.label == "ics_board meets every 2 weeks"
    now = in_force(plan, [])
    assert decide("funding", {"forum": "ics_board", "p_approve": 0.5}, 3, now, load, " Cut ") == \
        ForumPlan(3, "Cut", "ics_board", p_approve=0.5)
    assert decide("staff", {"unit": "NHSX", "team": "digital", "change": -5}, 3, now, load) == \
        StaffPlan(3, "NHSX digital -5", "NHSX", "digital", -5)
    after = in_force(plan, plan.timeline[:1])  # a service team's place is a team's WIP limit of slots
    team = replace(after.plan.teams["factory"], wip_limit=3)
    wider = replace(after, plan=replace(after.plan, teams={**after.plan.teams, "factory": team}))
    added = decide("staff", {"unit": "TD", "team": "factory", "change": 2}, 30, wider, load)
    assert isinstance(added, StaffPlan) and added.slots == 6
    assert wider.headcounts()[("TD", "factory")] == 11


@pytest.mark.parametrize(("change", "fields", "says"), [
    ("cadence", {"forum": "business_planning", "cadence_weeks": 2},
     "unknown forum 'business_planning' in internal_commissioning (the operating model in force at week 5)"),
    ("cadence", {"forum": "ics_board", "cadence_weeks": 0}, "weeks between meetings: must be > 0"),
    ("cadence", {"forum": "ics_board", "cadence_weeks": 4.33}, "nothing changes"),
    ("funding", {"forum": "ics_board", "p_approve": 1.5}, "approval probability: must be <= 1, got 1.5"),
    ("funding", {"forum": "ics_board"}, "nothing changes"),
    ("staff", {"unit": "TD", "team": "digital", "change": 1}, "unknown unit 'TD'"),
    ("staff", {"unit": "NHSX", "team": "factory", "change": 1}, "has no function or service team 'factory'"),
    ("staff", {"unit": "NHSX", "team": "digital", "change": -16}, "a change of -16 would leave -1"),
    ("staff", {"unit": "NHSX", "team": "digital", "change": 0}, "nothing changes"),
    ("switch_model", {"to": A}, "already the operating model in force"),
    ("switch_model", {"to": "nosuch"}, "no operating model 'nosuch'"),
    ("switch_model", {"to": B, "dip": 2}, "productivity dip: must be <= 1"),
    ("demand", {"factor": 2.0}, "demand cannot change during play"),
])
def test_a_bad_decision_gets_a_message_never_an_exception(scenario: Path, change: str,
                                                          fields: dict[str, Any], says: str) -> None:
    out = decide(change, fields, 5, in_force(load_plan(scenario, A), []), _load(scenario))
    assert isinstance(out, str) and says.lower() in out.lower(), out


def test_decisions_are_checked_against_what_is_in_force_now(scenario: Path) -> None:
    plan, load = load_plan(scenario, A), _load(scenario)
    cut = StaffPlan(3, "cut", "NHSX", "digital", -10)
    out = decide("staff", {"unit": "NHSX", "team": "digital", "change": -6}, 4, in_force(plan, [cut]), load)
    assert out == "NHSX has 5 digital staff at week 4; a change of -6 would leave -1."
    switch = decide("switch_model", {"to": B}, 5, in_force(plan, [cut]), load)
    assert isinstance(switch, SwitchPlan) and switch.plan.model == B
    after = in_force(plan, [cut, switch])
    assert after.plan.model == B and after.since == ()
    assert "Unknown forum 'nhsei_board' in joined_up_planning" in str(
        decide("cadence", {"forum": "nhsei_board", "cadence_weeks": 2}, 6, after, load))
    assert "past the horizon" in str(decide("cadence", {"forum": "ics_board", "cadence_weeks": 2}, HORIZON,
                                            after, load))


def test_a_scripted_scenario_is_shown_beside_itself_without_the_script(scripted: Path,
                                                                      scenario: Path) -> None:
    settings = check(scripted, None, None)
    assert settings.models == (A, baseline(A)) == (A, "internal_commissioning, no interventions")
    assert baseline(B) in settings.baselines
    assert check(scripted, [B], None).models == (B, baseline(B))
    assert not check(scenario, None, None).baselines  # no script: nothing to leave out
    ws = Workshop(settings, staff=2.0)
    assert [f.name for f in ws.feeds] == [A, baseline(A)]
    assert list(figures(ws.feeds).columns) == ["Internal commissioning",
                                               "Internal commissioning, no interventions"]
    switch = ws.live()[0].plan.timeline[0]  # the levers reach the model a scripted reorganisation brings in
    assert isinstance(switch, SwitchPlan)
    assert switch.plan.headcount() > 1.8 * load_plan(scripted, B).headcount()


def test_a_live_decision_is_logged_and_parts_the_runs_from_its_week(scripted: Path, tmp_path: Path) -> None:
    ws = Workshop(check(scripted, None, None))
    for _ in range(10):
        ws.step()
    refused = ws.decide([0, 1], "cadence", {"forum": "business_planning", "cadence_weeks": 2})
    assert not refused.applied and refused.message.startswith("Not applied (Internal commissioning): Unknown")
    done = ws.decide([0], "switch_model", {"to": "merged_devolved", "dip": 0.3, "duration_weeks": 4},
                     "Merged early")
    did = "reorganisation into merged_devolved (productivity -30% for 4 weeks)"
    assert done == Outcome(True, f"Applied at week 10 to Internal commissioning: Merged early — {did}")
    a = "A (Merged devolved (was Internal commissioning))"  # the run is named after the model in force
    assert log(ws.feeds) == [f"week 10 · {a}: Merged early — {did} (decided in the room)"]
    while ws.running:
        ws.step()
    a = "A (Joined up planning (was Internal commissioning))"
    assert log(ws.feeds) == [f"week 10 · {a}: Merged early — {did} (decided in the room)",
                             f"week {SWITCH_WEEK} · {a}: {SCRIPT[0]['label']}",
                             f"week 30 · {a}: ics_board meets every 2 weeks"]
    after = ws.live()[0].in_force()  # the script's changes are in force after the live ones
    assert after.plan.model == B and [iv.label for iv in after.since] == ["ics_board meets every 2 weeks"]
    with_, without = (f.tracker.rows for f in ws.feeds)
    assert with_[:10] == without[:10] and with_[10:] != without[10:]
    first, second = (f.model.records() for f in ws.live())  # type: ignore[attr-defined]
    assert [r for r in first if r[0] < 10] == [r for r in second if r[0] < 10]
    both = Workshop(check(scripted, None, None))  # the same decision in both runs keeps them together ...
    for _ in range(5):
        both.step()
    assert both.decide([0, 1], "staff", {"unit": "NHSD", "team": "digital", "change": -20}).applied
    assert log(both.feeds) == ["week 5 · both runs: NHSD digital -20 (decided in the room)"]
    for _ in range(SWITCH_WEEK - 5):
        both.step()
    assert both.feeds[0].tracker.rows == both.feeds[1].tracker.rows  # ... until the script acts
    marks = {f.name: [w for w, _ in f.tracker.notes] for f in both.feeds}
    _, axes = live_charts(series(both.feeds), {A: "C0", baseline(A): "C1"}, WARMUP, HORIZON, marks)
    assert len(axes[0, 0].lines) == 2 + 1  # the runs, and one grey line for the decision both took
    result = simulate(load_plan(scripted, A))
    write_run(tmp_path, result, measure(result))
    replay = Workshop(check(scripted, None, None, [tmp_path]))
    assert not replay.decide([0], "staff", {"unit": "NHSD", "team": "digital", "change": 1}).applied


def test_a_decision_the_scripted_reorganisation_will_undo_says_so(scripted: Path) -> None:
    ws = Workshop(check(scripted, None, None))
    for _ in range(SWITCH_WEEK - 1):
        ws.step()
    early = ws.decide([0], "staff", {"unit": "NHSD", "team": "digital", "change": -5})
    assert early == Outcome(True, f"Applied at week {SWITCH_WEEK - 1} to Internal commissioning: "
                                  "NHSD digital -5")
    ws.step()  # now at the week of the scripted reorganisation, which acts in the next step
    both = ws.decide([0, 1], "staff", {"unit": "NHSD", "team": "digital", "change": -5})
    assert both.applied and both.message == (
        f"Applied at week {SWITCH_WEEK} to both runs: NHSD digital -5. It will not last in Internal "
        f"commissioning: the scenario reorganises it this week ({SCRIPT[0]['label']}), rebuilding "
        "the organisation from the scenario")  # the run without the script keeps it
    ws.step()
    assert [iv.label for iv in ws.live()[0].in_force().since] == []  # undone, as it said


# -- settings and the command -------------------------------------------------
def test_bad_input_is_refused_before_any_server_starts(scenario: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        check(tmp_path / "nosuch.yaml", None, None)
    with pytest.raises(ConfigError, match="no operating model 'nosuch'"):
        check(scenario, ["nosuch"], None)
    with pytest.raises(ConfigError, match="at most 2"):
        check(scenario, [A, B, A], None)
    with pytest.raises(ConfigError, match="no events.parquet"):
        check(scenario, None, None, [tmp_path])


def test_the_controls_are_the_workshop_model_arguments(scenario: Path) -> None:
    import inspect

    settings = check(scenario, None, None)
    assert settings.models == (A, B)  # the scenario's first two
    assert Settings.from_env(settings.to_env()) == settings
    assert set(LEVERS) <= set(inspect.signature(Workshop.__init__).parameters)
    assert set(LEVERS) <= set(inspect.signature(L.Levers).parameters)


def test_workshop_with_a_bad_scenario_exits_2_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "scenario.yaml"
    bad.write_text("name: x\nhorizon_weeks: -1\n", encoding="utf-8")
    for path, says in ((tmp_path / "nosuch.yaml", "nosuch.yaml: file not found"), (bad, str(bad))):
        done = subprocess.run([*_orgsim(), "workshop", str(path), "--port", "0"], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("error: ") and says in done.stderr
        assert "Traceback" not in done.stderr + done.stdout and done.stdout == ""


# -- in a browser -------------------------------------------------------------
def _orgsim() -> list[str]:
    script = Path(sys.executable).with_name("orgsim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "orgsim.cli"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _first_line(proc: subprocess.Popen[str], seconds: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=lambda: lines.put(proc.stdout.readline() if proc.stdout else ""),
                     daemon=True).start()
    try:
        return lines.get(timeout=seconds)
    except queue.Empty:
        return ""


@pytest.fixture(scope="module")
def server(scenario: Path) -> Iterator[str]:
    """`orgsim workshop` on the short scenario; stopped with Ctrl-C (SIGINT) afterwards."""
    port = _free_port()
    proc = subprocess.Popen([*_orgsim(), "workshop", str(scenario), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        line = _first_line(proc, 120)
        url = f"http://127.0.0.1:{port}/"
        assert line.startswith(f"workshop: {url}"), (line, proc.poll())
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    assert proc.returncode == 0 and "workshop stopped" in out, err
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server)
    page.locator(".orgsim-week").wait_for()
    yield page
    context.close()


def week(page: Any) -> int:
    text = page.locator(".orgsim-week").inner_text()
    found = re.fullmatch(r"Week (\d+) of (\d+)", text.strip())
    assert found, text
    return int(found[1])


def table(page: Any) -> dict[str, list[str]]:
    """The figures table, row name -> cells, read in one go (play may replace it meanwhile)."""
    page.locator("table.orgsim-figures").wait_for()
    cells = page.eval_on_selector("table.orgsim-figures", "t => Array.from(t.rows).map("
                                  "r => Array.from(r.cells).map(c => c.innerText))")
    return {c[0].strip(): [x.strip() for x in c[1:]] for c in cells}


def wait_for_week(page: Any, at_least: int) -> None:
    page.wait_for_function(
        f"() => (/Week (\\d+)/.exec(document.querySelector('.orgsim-week').innerText) || [0, 0])[1]"
        f" >= {at_least}")


def choose(page: Any, menu: str, option: str) -> None:
    """Pick `option` in a menu; a click that lands while another menu is still closing is tried again."""
    from playwright.sync_api import TimeoutError as Timeout

    for _ in range(3):
        page.locator(f".orgsim-choose-{menu}").click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            return
        except Timeout:
            page.keyboard.press("Escape")
    page.get_by_role("option", name=option, exact=True).click()


def decide_cadence(page: Any, weeks: str, name: str = "", pick: bool = True) -> None:
    """In "Decide now": both runs' ICS boards to meet every `weeks` weeks, called `name` in the log."""
    panel = page.locator(".orgsim-decide")
    if pick:
        choose(page, "apply", "A and B")
        choose(page, "change", "Forum cadence")
        choose(page, "forum", "ICS board")
    panel.get_by_label("Weeks between meetings").fill(weeks)
    if name:
        panel.get_by_label("Label in the log (optional)").fill(name)


def test_the_page_steps_plays_and_compares_two_models(page: Any) -> None:
    assert week(page) == 0
    assert list(table(page)[""]) == ["■ A: Internal commissioning", "■ B: Joined up planning"]
    charts = page.locator(".orgsim-wip").inner_html()
    page.get_by_role("button", name="Step").click()
    wait_for_week(page, 1)
    page.locator(".orgsim-play").click()
    wait_for_week(page, 16)
    page.locator(".orgsim-pause").click()
    page.locator(".orgsim-play").wait_for()
    assert week(page) >= 16
    assert page.locator(".orgsim-wip").inner_html() != charts
    figures = table(page)
    assert figures["arrived"][0] == figures["arrived"][1]  # the same initiatives ...
    assert any(a != b for a, b in list(figures.values())[1:])  # ... handled differently
    decide_cadence(page, "0")  # refused where it is typed: Apply cannot be pressed
    page.locator(".orgsim-decide", has_text="Must be at least 0.2, got 0.").wait_for()
    assert page.locator(".orgsim-apply").is_disabled()
    decide_cadence(page, "2", "ICS boards meet fortnightly", pick=False)
    page.locator(".orgsim-apply").click()
    decided = page.locator(".orgsim-decided", has_text="to both runs")
    decided.wait_for()
    found = re.search(r"Applied at week (\d+) to both runs", decided.inner_text())
    assert found, decided.inner_text()
    now = int(found[1])
    assert now == week(page) >= 16
    page.locator(".orgsim-log", has_text=f"week {now} · both runs: ICS boards meet fortnightly — "
                                         "ics_board meets every 2 weeks (decided in the room)").wait_for()
    page.get_by_role("button", name="Step").click()
    wait_for_week(page, now + 1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "screenshot.png"), full_page=True)


def test_a_slider_shows_its_value_and_changes_the_model_after_reset(page: Any) -> None:
    slider = page.locator(".orgsim-lever-demand").locator("[role=slider]")
    slider.focus()
    for _ in range(4):  # steps of 0.25: from 1 to 2
        slider.press("ArrowRight")
    page.locator(".orgsim-lever-demand", has_text="Demand × 2").wait_for()
    page.locator(".orgsim-pending", has_text="takes effect on Reset").wait_for()
    assert "Levers: as configured" in page.locator(".orgsim-summary").inner_text()
    page.locator(".orgsim-reset").click()
    page.get_by_text("Levers: demand ×2").wait_for()
    page.locator(".orgsim-pending").wait_for(state="detached")
    assert week(page) == 0
