"""Money in the workshop: the cost panel, and waiting for money on the page, in frames and in the replay.

The cost panel's figures are the run's cost outcomes so far; at the horizon they
must equal those of `orgsim.api.measure` on the same run. Waiting for money is
counted three ways (the dashboard's tracker, the replay's totals, the frames of
the animation) and the three must agree.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from test_dashboard_room import browser, open_page, serving_args  # noqa: F401  (fixture)

from orgsim.api import measure
from orgsim.config.load import load_plan
from orgsim.config.yamlio import ConfigError
from orgsim.engine.run import simulate
from orgsim.metrics.table import flat
from orgsim.plots.animation import flow_animation
from orgsim.store.rundir import write_run
from orgsim.workshop.dashboard import components as P
from orgsim.workshop.dashboard.costs import EVERY, FIGURES
from orgsim.workshop.dashboard.decide import Menus
from orgsim.workshop.dashboard.model import Workshop
from orgsim.workshop.dashboard.settings import check
from orgsim.workshop.dashboard.summary import holdings
from orgsim.workshop.frames import frames
from orgsim.workshop.replay import narrative
from orgsim.workshop.rundata import load_run
from orgsim.workshop.waits import segments
from scenarios import ROOT, shipped_copy

A, B = "internal_commissioning", "joined_up_planning"
HORIZON, WARMUP = 120, 52  # one financial year ends inside the measured window (week 104)


@pytest.fixture(scope="module")
def money(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """funding_devolved over 120 weeks, both shipped operating models."""
    path = tmp_path_factory.mktemp("money") / "short.yaml"
    path.write_text(f"extends: {ROOT / 'configs' / 'scenarios' / 'funding_devolved.yaml'}\n"
                    f"name: funding_short\nhorizon_weeks: {HORIZON}\nwarmup_weeks: {WARMUP}\n"
                    f"operating_models_dir: {ROOT / 'configs' / 'operating_models'}\n"
                    f"operating_models: [{A}, {B}]\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def recorded(money: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The money scenario's run of internal commissioning, as `orgsim run` writes it."""
    result = simulate(load_plan(money, A))
    return write_run(tmp_path_factory.mktemp("rec"), result, measure(result))


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped scenario (no money) over 40 weeks."""
    return shipped_copy(tmp_path_factory.mktemp("plain"),
                        lambda d: d.update(horizon_weeks=40, warmup_weeks=8))


def play(ws: Workshop) -> list[list[float]]:
    """Play to the end as the page does (costs drawn each week, not fresh); when each run is measured."""
    measured: list[list[float]] = [[] for _ in ws.feeds]
    while ws.running:
        ws.step()
        P.costs_html(ws, fresh=False)
        for i, f in enumerate(ws.feeds):
            if not measured[i] or measured[i][-1] != f.spend.week:
                measured[i].append(f.spend.week)
    return measured


def test_the_cost_panel_reaches_the_runs_cost_outcomes_at_the_horizon(money: Path) -> None:
    ws = Workshop(check(money, None, None))
    ws.step()
    html = P.costs_html(ws)
    assert all(f.spend.figures == {} for f in ws.feeds) and "–" in html  # in the warm-up: nothing yet
    measured = play(ws)
    assert ws.week == HORIZON
    for feed, weeks in zip(ws.feeds, measured):
        final = flat(measure(simulate(load_plan(money, feed.name))))
        for name, _, _ in FIGURES:
            assert feed.spend.figures[name] == pytest.approx(final[name], rel=1e-12, nan_ok=True), name
        assert sum(feed.spend.by_node.values()) == pytest.approx(final["staff_cost_per_year"])
        assert final["staff_cost_per_year"] > 0 and final["cost_per_need_met"] > 0
        steps = np.diff(weeks[:-1])  # during play every EVERY weeks; the last week measured anyway
        assert len(steps) and (steps == EVERY).all() and weeks[-1] == HORIZON
    html = P.costs_html(ws)
    assert "What it costs so far" in html and "staff cost (£m a year)" in html and "ICSs" in html


def test_a_pause_measures_the_costs_of_the_week_shown(money: Path) -> None:
    ws = Workshop(check(money, [A], None))
    for _ in range(WARMUP + 6):
        ws.step()
        P.costs_html(ws, fresh=False)
    feed = ws.feeds[0]
    assert feed.spend.week < ws.week  # play left it a few weeks behind
    P.costs_html(ws, fresh=True)
    assert feed.spend.week == ws.week and feed.spend.figures["staff_cost_per_year"] > 0


def test_waiting_for_money_is_counted_alike_by_the_page_the_replay_and_the_frames(recorded: Path) -> None:
    run = load_run(recorded)
    ws = Workshop(check(ROOT / "configs" / "nhs_england.yaml", None, None, [recorded]))
    feed = ws.feeds[0]
    told = {w.week: w.totals for w in narrative(run)}
    seg = segments(run)
    money = seg[seg["cause"] == "funding"]
    edges = set(money["start"]) | set(money["end"])
    f = frames(run, step=1.0)
    held = f.states.groupby("week")["funding"].sum()
    compared = 0
    while ws.running:
        ws.step()
        w = int(ws.week)
        now = feed.tracker.waiting_for_money()
        if w - 1 in told:
            assert told[w - 1].waiting_for_money == now, w
        if float(w) not in edges:  # a frame counts a record made exactly at its moment
            assert held[float(w)] == now, w
            compared += 1
    assert compared > HORIZON * 0.8 and held.max() > 10  # money was waited for, and compared often


def test_a_recording_keeps_its_prices_and_a_replay_shows_its_costs(recorded: Path, money: Path) -> None:
    prices = json.loads((recorded / "prices.json").read_text(encoding="utf-8"))
    items = len(load_run(recorded).items)
    assert len(prices["non_staff"]) == items and prices["rates"]["NHSEI"] > 0
    replay = Workshop(check(money, None, None, [recorded]))
    while replay.running:
        replay.step()
    P.costs_html(replay)
    final = flat(json.loads((recorded / "metrics.json").read_text(encoding="utf-8")))
    for name, _, _ in FIGURES:
        assert replay.feeds[0].spend.figures[name] == pytest.approx(final[name], nan_ok=True), name


def test_a_recording_without_prices_says_why_it_has_no_costs(recorded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in recorded.iterdir():
        if path.name != "prices.json":
            (copy / path.name).write_bytes(path.read_bytes())
    ws = Workshop(check(ROOT / "configs" / "nhs_england.yaml", None, None, [copy]))
    for _ in range(WARMUP + 2):
        ws.step()
    html = P.costs_html(ws)
    assert "has no prices.json" in html and "waiting for money now" in html
    (copy / "prices.json").write_text('{"rates": [1, 2]}', encoding="utf-8")
    with pytest.raises(ConfigError, match="prices.json"):
        load_run(copy)


def test_a_run_without_money_shows_no_money(plain: Path, tmp_path: Path) -> None:
    ws = Workshop(check(plain, None, None))
    for _ in range(20):
        ws.step()
    assert "waiting for money" not in P.organisations_html(ws)
    assert "funding" not in holdings(ws.feeds[0]).columns
    assert "No money in this scenario" in P.costs_html(ws)
    result = simulate(load_plan(plain, A))
    run_dir = write_run(tmp_path, result, measure(result))
    assert not (run_dir / "prices.json").exists()
    f = frames(load_run(run_dir), step=10.0)
    assert "funding" not in f.states.columns
    fig, anim = flow_animation(f.states, f.moves, f.tally, "plain", 10.0)
    anim.save(tmp_path / "flow.gif", writer="pillow", fps=4, dpi=30)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "waiting for staff", "at a forum", "in work", "waiting for a duplicate's original"]


def test_the_animation_and_the_page_show_waiting_for_money(recorded: Path, money: Path,
                                                           tmp_path: Path) -> None:
    f = frames(load_run(recorded), step=10.0)
    assert f.states["funding"].sum() > 0
    fig, anim = flow_animation(f.states, f.moves, f.tally, "money", 10.0)
    assert "waiting for money" in [t.get_text() for t in fig.legends[0].get_texts()]
    anim.save(tmp_path / "flow.gif", writer="pillow", fps=4, dpi=30)
    ws = Workshop(check(money, None, None))
    for _ in range(WARMUP + 20):
        ws.step()
    assert "waiting for money" in P.organisations_html(ws)
    assert any(h["funding"] > 0 for f_ in ws.feeds for h in f_.tracker.holdings().values())


def test_the_replay_tells_money_in_words(recorded: Path) -> None:
    weeks = narrative(load_run(recorded))
    lines = [line for w in weeks for line in w.lines]
    assert not [line for line in lines if line.endswith("record") or line.endswith("records")]
    assert any("for money, £" in line for line in lines)
    assert any(" funded, £" in line for line in lines)
    assert any("in new envelopes" in line for line in lines)
    assert any("unspent" in line for line in lines)  # the year ending at week 104
    assert all("waiting for money" in w.totals.text() for w in weeks)


def test_the_page_shows_the_cost_panel(browser: Any, money: Path) -> None:  # noqa: F811
    with serving_args([str(money)]) as (url, _):
        page = open_page(browser, url)
        field = page.locator(".orgsim-until input")
        field.fill(str(WARMUP + 12))
        page.locator(".orgsim-go").click()
        page.locator(".orgsim-week", has_text=f"Week {WARMUP + 12} of {HORIZON}").wait_for()
        page.locator(".orgsim-cost-table").wait_for()
        text = page.locator(".orgsim-costs").inner_text()
        assert "staff cost (£m a year)" in text
        cost = next(line for line in text.splitlines() if line.startswith("staff cost"))
        assert not math.isnan(float(cost.split("\t")[1].replace(",", "")))
        assert "waiting for money" in page.locator(".orgsim-organisations").inner_text()
        page.context.close()


# -- the room's money decisions -----------------------------------------------
def _bids_after(ws: Workshop, week: float) -> Counter[str]:
    return Counter(r.what for r in ws.feeds[0].model.records() if r.kind == "bid" and r.week >= week)


def test_the_room_moves_money_and_the_run_follows(money: Path) -> None:
    runs = []
    for decide in (False, True):
        ws = Workshop(check(money, [A], None))
        for now in range(1, WARMUP):
            ws.step()
            if now == 10 and decide:
                moved = {"stream": "frontline_capital", "pay_from": "national_programmes"}
                out = ws.decide([0], "money", moved, "One pot for capital")
                assert out.applied and "frontline_capital: paid from national_programmes" in out.message
        runs.append(_bids_after(ws, 11))
    before, after = runs
    assert before["capital_bids"] > 0 and after["capital_bids"] == 0  # no more bids to the capital round
    assert after["national_programmes"] - before["national_programmes"] == before["capital_bids"]


@pytest.mark.parametrize(("fields", "says"), [
    ({"stream": "nope", "envelope": 5}, "Unknown funding stream 'nope'; streams are national_programmes"),
    ({"stream": "ics_digital", "envelope": -5}, "Annual envelope: must be >= 0"),
    ({"stream": "ics_digital", "envelope": 1e12}, "Annual envelope: must be between 0 and 1e+11"),
    ({"stream": "ics_digital"}, "Nothing changes: give a new envelope, a stream to pay from instead"),
    ({"stream": "ics_digital", "envelope": 7_500_000}, "Nothing changes: ics_digital already has that"),
])
def test_a_money_decision_that_cannot_be_made_says_why(money: Path, fields: dict[str, Any],
                                                       says: str) -> None:
    ws = Workshop(check(money, [A], None))
    ws.step()
    out = ws.decide([0], "money", fields)
    assert not out.applied and says in out.message, out.message


def test_money_is_offered_only_where_there_is_money(money: Path, plain: Path) -> None:
    with_money, without = Workshop(check(money, [A], None)), Workshop(check(plain, [A], None))
    assert "money" in Menus([f.in_force() for f in with_money.live()], [A], "ICS").changes
    assert "money" not in Menus([f.in_force() for f in without.live()], [A], "ICS").changes
    out = without.decide([0], "money", {"stream": "ics_digital", "envelope": 5})
    assert not out.applied and "This scenario has no money" in out.message
    held = Menus([f.in_force() for f in with_money.live()], [A], "ICS").held("ics_digital")
    assert held.startswith("now: £7,500,000 a year (each ICS's envelope, revenue); a new envelope starts")


def test_a_saved_session_with_a_money_decision_plays_again_exactly(money: Path, tmp_path: Path) -> None:
    from orgsim.workshop.dashboard.save import save
    from orgsim.workshop.dashboard.session import Session

    s = Session(check(money, [A], None, save_dir=tmp_path / "out"))
    for now in range(1, 31):
        s.step()
        if now == 12:
            less = {"stream": "ics_digital", "envelope": 2e6}
            assert s.ws.decide([0], "money", less, "Less local money").applied
    saved = save(s.ws, tmp_path / "out", "t")
    doc = yaml.safe_load(saved.scenarios[0].read_text(encoding="utf-8"))
    weeks = [e["week"] for e in doc["timeline"]]  # the scripted money changes (from `extends`) kept
    assert weeks == [12, 52, 52, 52, 104, 104] and doc["timeline"][0]["label"] == "Less local money"
    assert doc["timeline"][0]["money"] == {"stream": "ics_digital", "envelope": 2e6}
    assert doc["evidence"]["timeline.0.money.envelope"]["kind"] == "setting"  # the room's, not a claim
    assert doc["evidence"]["timeline.1.week"]["kind"] == "derived"  # a scripted week keeps its evidence
    assert doc["evidence"]["timeline.4.week"]["kind"] == "assumption"  # ... at its new place
    again = simulate(load_plan(saved.scenarios[0], doc["operating_models"][0]))
    assert [r for r in again.records if r[0] < 30] == s.ws.live()[0].model.records()


def test_the_page_takes_a_money_decision(browser: Any, money: Path) -> None:  # noqa: F811
    from test_dashboard import choose

    with serving_args([str(money), "--model", A]) as (url, _):
        page = open_page(browser, url)
        choose(page, "change", "Money")
        choose(page, "stream", "ics_digital")
        field = page.locator(".orgsim-decide").get_by_label("New envelope, £ a year")
        field.fill("2000000")
        page.locator(".orgsim-apply").click()
        said = page.locator(".orgsim-decided")
        said.wait_for()
        assert "ics_digital: envelope £2,000,000 a year" in said.inner_text()
        page.context.close()
