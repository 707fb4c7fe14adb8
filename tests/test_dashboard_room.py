"""The dashboard in a room: a session per browser page, play that stops with the page, a projector.

Browser tests drive `orgsim workshop` with Debian's chromium, two browser
contexts at once where a room has two tables. The projector test measures the
page by its elements' bounding boxes at 1280 x 720 and writes the screenshots
of both layouts to results/dashboard/.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_dashboard import (
    CHROMIUM,
    SHOTS,
    _first_line,
    _free_port,
    _orgsim,
    choose,
    table,
    wait_for_week,
    week,
)

from orgsim.workshop.dashboard import charts as C
from orgsim.workshop.dashboard.inputs import Rule, check
from orgsim.workshop.dashboard.session import FASTEST, Choice, Session
from orgsim.workshop.dashboard.settings import check as check_settings
from orgsim.workshop.dashboard.summary import log, run_name
from scenarios import ROOT, shipped_copy

LONG = 2000  # weeks: a run that is still playing when its page goes away


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def edit(doc: dict[str, Any]) -> None:
        doc["horizon_weeks"], doc["warmup_weeks"] = LONG, 8

    return shipped_copy(tmp_path_factory.mktemp("long"), edit)


# -- without a browser --------------------------------------------------------
@pytest.mark.parametrize(("text", "rule", "value", "says"), [
    ("abc", Rule(whole=True), None, "'abc' is not a number."),
    ("2.5", Rule(whole=True), None, "Must be a whole number, got 2.5."),
    ("-3", Rule(whole=True), -3, ""),
    ("0", Rule(above=0), None, "Must be more than 0, got 0."),
    ("1.5", Rule(low=0, high=1), None, "Must be at most 1, got 1.5."),
    ("nan", Rule(), None, "'nan' is not a number."),
    ("", Rule(blank=True), None, ""),
    ("", Rule(), None, "Type a number."),
    (" 0.25 ", Rule(low=0, high=1), 0.25, ""),
])
def test_a_typed_number_is_checked_where_it_is_typed(text: str, rule: Rule, value: Any, says: str) -> None:
    assert check(text, rule) == (value, says)


def test_chart_scales_are_round_and_hold_every_value() -> None:
    assert [C.nice_top(v) for v in (0.0, 0.3, 3.0, 17.0, 240.0)] == [1.0, 0.5, 5.0, 20.0, 250.0]
    line = C.Line("A", "#000", [(0.0, float("nan")), (1.0, 3.0), (2.0, 130.0)], marks=[1.0])
    html = C.line_chart("Work", [line], 10.0, 2.0)
    assert ">200<" in html and ">150<" in html  # four round steps, the last above 130
    assert html.count("stroke-dasharray") == 1 and "M100.0 985.0L200.0 350.0" in html


def test_sessions_are_apart_and_play_stops_when_the_page_goes(scenario: Path) -> None:
    settings = check_settings(scenario, None, None)
    open_ = threading.Event()
    open_.set()
    a, b = Session(settings, alive=open_.is_set), Session(settings)
    a.step()
    assert (a.ws.week, b.ws.week) == (1.0, 0.0)
    a.speed = FASTEST
    a.play()
    time.sleep(0.5)
    open_.clear()  # the browser went away
    time.sleep(0.3)
    stopped = a.ws.week
    time.sleep(0.5)
    assert 1 < stopped == a.ws.week < LONG and not a.playing and b.ws.week == 0
    b.speed = FASTEST
    b.play(until=5)
    for _ in range(100):
        if not b.playing:
            break
        time.sleep(0.05)
    assert b.ws.week == 5  # "run to week 5"
    b.choose(model_b=b.pending.model_a)
    assert "same operating model" in b.reset() and b.ws.week == 5  # refused, and the runs are kept
    assert Choice("x", "x").problem() and not Choice("x", "y").problem()


def test_a_run_is_named_after_the_model_in_force(scenario: Path) -> None:
    s = Session(check_settings(scenario, None, None))
    s.step()
    out = s.ws.decide([0], "switch_model", {"to": "merged_devolved", "dip": 0.2, "duration_weeks": 4},
                      "Merge now")
    assert out.applied
    a, b = s.ws.feeds
    assert run_name(a) == "Merged devolved (was Internal commissioning)"
    assert run_name(b) == "Joined up planning"
    now, before = a.in_force().plan, s.ws.feeds[0].plan  # type: ignore[attr-defined]
    assert a.forums == list(now.forums) and a.forums != list(before.forums)
    assert set(a.nodes) - {"ICSs"} == set(now.units) - {u for u in now.units if u.startswith("ICS")}
    assert log(s.ws.feeds) == ["week 1 · A (Merged devolved (was Internal commissioning)): Merge now — "
                               "reorganisation into merged_devolved (productivity -20% for 4 weeks) "
                               "(decided in the room)"]


# -- in a browser -------------------------------------------------------------
@contextlib.contextmanager
def serving_args(args: list[str]) -> Iterator[tuple[str, int]]:
    """`orgsim workshop ARGS`: its address and the server process's id."""
    port = _free_port()
    proc = subprocess.Popen([*_orgsim(), "workshop", *args, "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = _first_line(proc, 120)
        assert line.startswith("workshop: "), (line, proc.poll())
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        yield f"http://127.0.0.1:{port}/", int(children[0])
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


@pytest.fixture(scope="module")
def server(scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    saves = tmp_path_factory.mktemp("saves")
    with serving_args([str(scenario), "--save-dir", str(saves)]) as s:
        yield s


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


def open_page(browser: Any, url: str, width: int = 1600, height: int = 1000, **options: Any) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.locator(".orgsim-week").wait_for()
    return page


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_over(pid: int, seconds: float) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


def set_speed(page: Any, name: str) -> None:
    page.locator(".orgsim-speed").click()
    page.get_by_role("option", name=name).click()


def test_two_tables_at_once_never_see_or_move_each_other(browser: Any, server: tuple[str, int]) -> None:
    url, _ = server
    a, b = open_page(browser, url), open_page(browser, url)
    try:
        for p in (a, b):
            set_speed(p, "20 weeks/s")
        a.locator(".orgsim-until input").fill("30")
        b.locator(".orgsim-until input").fill("12")
        a.locator(".orgsim-go").click()  # both play at the same time
        b.locator(".orgsim-go").click()
        b.locator(".orgsim-week", has_text="Week 12 of").wait_for()
        a.locator(".orgsim-week", has_text="Week 30 of").wait_for()
        time.sleep(1.0)
        assert (week(a), week(b)) == (30, 12)  # each stopped at its own target
        b.get_by_role("button", name="Step").click()
        wait_for_week(b, 13)
        assert week(a) == 30
        panel = a.locator(".orgsim-decide")
        choose(a, "change", "People in a team")
        choose(a, "unit", "NHSX")
        choose(a, "team", "digital")
        panel.get_by_label("Add (+) or remove (-)").fill("-2")
        panel.get_by_label("Label in the log (optional)").fill("Table A cuts")
        a.locator(".orgsim-apply").click()
        a.locator(".orgsim-log", has_text="Table A cuts").wait_for()
        b.get_by_role("button", name="Step").click()
        wait_for_week(b, 14)
        assert "Table A cuts" not in b.locator(".orgsim-log").inner_text()
        assert table(a)["arrived"] != table(b)["arrived"]  # A is 16 weeks further on
        a.reload()  # a refresh opens a session of its own, not another table's ...
        a.locator(".orgsim-week").wait_for()
        assert week(a) == 0 and week(b) == 14
        a.locator(".orgsim-resume", has_text="left a session at week 30").wait_for()  # ... and offers A's
        a.locator(".orgsim-resume-it").click()
        a.locator(".orgsim-week", has_text="Week 30 of").wait_for()
        assert "Table A cuts" in a.locator(".orgsim-log").inner_text()
        assert week(b) == 14 and b.locator(".orgsim-resume").count() == 0
    finally:
        a.context.close()
        b.context.close()


def test_a_closed_page_stops_computing(browser: Any, server: tuple[str, int]) -> None:
    url, pid = server
    page = open_page(browser, url)
    set_speed(page, "as fast as it draws")
    page.locator(".orgsim-end").click()
    wait_for_week(page, 20)
    busy = cpu_over(pid, 2.0)  # playing as fast as it can: as much CPU as the machine gives it
    page.context.close()
    time.sleep(1.5)
    idle = cpu_over(pid, 2.0)
    assert idle < 0.15 and busy > 4 * idle + 0.1, (busy, idle)


def visible_box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= 1280 + 0.5 and box["y"] + box["height"] <= 720 + 0.5, (selector, box)
    return dict(box)


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


def font_px(page: Any, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_the_projector_layout_fits_1280_by_720_and_is_legible(browser: Any, server: tuple[str, int]) -> None:
    url, _ = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(browser, url, color_scheme="dark")  # dark mode is not offered: the page stays light
    page.locator(".orgsim-until input").fill("60")
    page.locator(".orgsim-go").click()
    wait_for_week(page, 60)
    page.locator(".orgsim-play").wait_for()  # play has stopped at the week asked for
    page.screenshot(path=str(SHOTS / "default.png"))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.locator(".orgsim-projector").get_by_text("Projector").click()
    page.locator(".orgsim-root[style*='font-size: 18px']").wait_for()
    page.screenshot(path=str(SHOTS / "projector.png"))
    text = page.locator("body").inner_text()
    for leftover in ("PAGE 0", "Use Threads", "Step:", "runs on Solara", "Render Interval"):
        assert leftover not in text
    colours = page.locator(".orgsim-root").evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colours == ["rgb(26, 26, 26)", "rgb(255, 255, 255)"]
    boxes = {name: visible_box(page, sel) for name, sel in {
        "week": ".orgsim-week", "figures": ".orgsim-figures", "decide": ".orgsim-decide",
        "apply": ".orgsim-apply", "controls": ".orgsim-controls", "wip": ".orgsim-wip",
        "latency": ".orgsim-latency", "delivered": ".orgsim-delivered_quarter",
        "duplication": ".orgsim-duplication"}.items()}
    panels = ["figures", "decide", "wip", "latency", "delivered", "duplication"]
    for i, one in enumerate(panels):
        for other in panels[i + 1:]:
            assert not overlap(boxes[one], boxes[other]), (one, other, boxes[one], boxes[other])
    for chart in ("wip", "latency", "delivered", "duplication"):
        assert boxes[chart]["height"] > 200 and boxes[chart]["width"] > 300
        assert not overlap(boxes[chart], boxes["controls"])
    assert page.locator(".orgsim-summary").evaluate("e => e.scrollHeight <= e.clientHeight")  # not cut off
    body = font_px(page, ".orgsim-root")
    assert body >= 18 and font_px(page, ".orgsim-wip .orgsim-plot") >= body
    assert font_px(page, ".orgsim-chart-title") >= body
    page.locator(".orgsim-enlarge").first.click()  # a chart full screen
    zoom = page.locator(".orgsim-zoom").bounding_box()
    assert zoom == {"x": 0, "y": 0, "width": 1280, "height": 720}
    assert page.locator(".orgsim-zoom .orgsim-wip").bounding_box()["height"] > 500
    page.locator(".orgsim-close").click()
    page.locator(".orgsim-zoom").wait_for(state="detached")
    page.context.close()


def test_a_bad_number_cannot_be_applied_and_says_why(browser: Any, server: tuple[str, int]) -> None:
    url, _ = server
    page = open_page(browser, url)
    panel = page.locator(".orgsim-decide")
    choose(page, "change", "People in a team")
    field = panel.get_by_label("Add (+) or remove (-)")
    for typed, says in (("abc", "'abc' is not a number."), ("2.5", "Must be a whole number, got 2.5.")):
        field.fill(typed)
        panel.get_by_text(says).wait_for()
        assert page.locator(".orgsim-apply").is_disabled()
    field.fill("3")
    panel.get_by_text("Must be a whole number").wait_for(state="detached")
    page.locator(".orgsim-apply:not([disabled])").wait_for()
    page.locator(".orgsim-until input").fill("99999")
    page.get_by_text(f"Must be at most {LONG}, got 99999.").wait_for()
    assert page.locator(".orgsim-go").is_disabled()
    choose(page, "model-b", "internal_commissioning")
    page.locator(".orgsim-choices", has_text="same operating model").wait_for()
    page.context.close()


def test_charts_and_figures_download(browser: Any, server: tuple[str, int], tmp_path: Path) -> None:
    url, _ = server
    page = open_page(browser, url)
    page.get_by_role("button", name="Step").click()
    wait_for_week(page, 1)
    for name, start in (("Charts (PNG)", b"\x89PNG"), ("Figures (CSV)", b"run,model,week,wip")):
        with page.expect_download() as got:
            page.locator(".orgsim-downloads").get_by_text(name).click()
        path = tmp_path / got.value.suggested_filename
        got.value.save_as(path)
        assert path.read_bytes().startswith(start), name
    page.context.close()


# -- save and replay ----------------------------------------------------------
def test_a_saved_session_plays_again_exactly(tmp_path: Path) -> None:
    from test_dashboard import SCRIPT

    from orgsim.config.load import load_plan
    from orgsim.engine.run import simulate
    from orgsim.workshop.dashboard.save import save

    def edit(doc: dict[str, Any]) -> None:
        doc["horizon_weeks"], doc["warmup_weeks"] = 60, 8
        doc["operating_models"], doc["timeline"] = ["internal_commissioning"], SCRIPT

    scripted = shipped_copy(tmp_path / "in", edit)
    s = Session(check_settings(scripted, None, None, save_dir=tmp_path / "out"))
    for now in range(1, 41):
        s.step()
        if now == 10:
            cut = {"unit": "NHSD", "team": "digital", "change": -10}
            assert s.ws.decide([0, 1], "staff", cut, "Cut").applied
        if now == 24:  # the same week as the script's reorganisation: the decision acts first
            assert s.ws.decide([0], "cadence", {"forum": "ics_board", "cadence_weeks": 8}).applied
            assert s.ws.decide([1], "switch_model", {"to": "merged_devolved"}).applied
    assert s.unsaved() == 4  # Reset would drop them: the page asks first
    assert s.save().startswith(f"Saved in {tmp_path / 'out'}") and s.unsaved() == 0
    saved = save(s.ws, tmp_path / "out", "t")
    assert [p.name for p in saved.scenarios] == ["A.yaml", "B.yaml"]
    a = yaml_load(saved.scenarios[0])
    assert [e["week"] for e in a["timeline"]] == [10, 24, 24, 30] and a["timeline"][0]["label"] == "Cut"
    for path, feed in zip(saved.scenarios, s.ws.live()):
        again = simulate(load_plan(path, yaml_load(path)["operating_models"][0]))
        live = feed.model.records()
        assert [r for r in again.records if r[0] < 40] == live  # the same bytes up to the week reached
    replay = check_settings(scripted, None, None, [saved.runs])
    assert [Path(d).name for d in replay.run_dirs] == ["A", "B"]
    done = subprocess.run([*_orgsim(), "run", str(saved.scenarios[1]), "--out", str(tmp_path / "rerun")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def yaml_load(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_replay_jumps_to_a_week_and_back(browser: Any, tmp_path: Path, scenario: Path) -> None:
    from orgsim.api import measure
    from orgsim.config.load import load_plan
    from orgsim.engine.run import simulate
    from orgsim.store.rundir import write_run

    short = shipped_copy(tmp_path / "in", lambda d: d.update(horizon_weeks=60, warmup_weeks=8))
    result = simulate(load_plan(short, "joined_up_planning"))
    write_run(tmp_path / "rec", result, measure(result))
    with serving_args(["--run-dir", str(tmp_path / "rec")]) as (url, _):
        page = open_page(browser, url)
        assert page.locator(".orgsim-decide").inner_text().startswith("Decide now")
        assert page.locator(".orgsim-choices").inner_text().startswith("Charts (PNG)")  # no empty levers card
        field = page.locator(".orgsim-until input")
        for target in ("45", "12"):
            field.fill(target)
            page.locator(".orgsim-go").click()
            page.locator(".orgsim-week", has_text=f"Week {target} of 60").wait_for()
        page.context.close()


def test_a_host_others_can_reach_gets_a_warning(scenario: Path) -> None:
    from orgsim.workshop.dashboard.server import loopback

    assert loopback("127.0.0.1") and loopback("::1") and loopback("localhost") and not loopback("0.0.0.0")
    proc = subprocess.Popen([*_orgsim(), "workshop", str(scenario), "--host", "0.0.0.0", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert _first_line(proc, 120).startswith("workshop: http://0.0.0.0:")  # it serves, having warned
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert line.startswith("warning: --host 0.0.0.0") and "no login" in line


def test_save_session_in_the_page(browser: Any, server: tuple[str, int]) -> None:
    url, _ = server
    page = open_page(browser, url)
    page.get_by_role("button", name="Step").click()
    wait_for_week(page, 1)
    page.locator(".orgsim-save").click()
    said = page.locator(".orgsim-saved")
    said.wait_for(timeout=120_000)
    folder = Path(said.inner_text().split("Saved in ", 1)[1].split(":", 1)[0])
    assert sorted(p.name for p in folder.iterdir()) == ["A.yaml", "B.yaml", "runs"]
    page.context.close()


# -- a band over seeds --------------------------------------------------------
def test_the_band_is_other_seeds_figured_as_the_page_figures_a_run(tmp_path: Path) -> None:
    from orgsim.workshop.dashboard.band import band, band_seeds, until, weekly

    short = shipped_copy(tmp_path, lambda d: d.update(horizon_weeks=40, warmup_weeks=8))
    s = Session(check_settings(short, None, None))
    while s.ws.running:
        s.step()
    feed = s.ws.live()[0]
    assert feed.seed is not None
    assert weekly(feed.plan, feed.seed) == feed.tracker.rows  # the same figures as the page's own
    seeds = band_seeds(feed.seed, 4)
    assert seeds == band_seeds(feed.seed, 4) and len(set(seeds) | {feed.seed}) == 5
    runs = [weekly(feed.plan, x) for x in seeds]
    b = band(runs)
    wip = [[r["wip"] for r in rows] for rows in runs]
    for i, (week_, low, high) in enumerate(b["wip"]):
        column = sorted(w[i] for w in wip)
        assert column[0] <= low <= high <= column[-1] and week_ == i + 1
    assert [p[0] for p in until(b, 12)["latency"]] == list(range(1, 13))


def test_the_band_is_drawn_in_the_page(browser: Any, tmp_path: Path) -> None:
    short = shipped_copy(tmp_path, lambda d: d.update(horizon_weeks=40, warmup_weeks=8))
    with serving_args([str(short)]) as (url, _):
        page = open_page(browser, url)
        page.locator(".orgsim-band-choice").get_by_text("Band over").click()
        page.locator(".orgsim-band-key").wait_for(timeout=120_000)
        page.locator(".orgsim-until input").fill("20")
        page.locator(".orgsim-go").click()
        wait_for_week(page, 20)
        assert page.locator(".orgsim-wip .orgsim-band").count() == 2  # one band a run
        page.context.close()


# -- processes a page starts end with it ----------------------------------------
def descendants(pid: int) -> list[int]:
    """Every process under `pid` (children, their children, ...), from /proc."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except FileNotFoundError:
                continue
            out += kids
            todo += kids
    return out


def rss_mb(pids: list[int]) -> float:
    """Resident memory of `pids` together, in MB (a process gone counts nothing)."""
    total = 0.0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
        total += int(line.split()[1]) / 1024
    return total


def until_true(check: Any, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return bool(check())


def test_the_band_workers_end_when_done_on_reset_and_on_close(tmp_path: Path) -> None:
    me = os.getpid()
    before = set(descendants(me))
    short = shipped_copy(tmp_path / "short", lambda d: d.update(horizon_weeks=30, warmup_weeks=4))
    s = Session(check_settings(short, None, None))
    s.show_band(True)
    assert len(set(descendants(me)) - before) == 1  # one worker computes the band
    assert until_true(lambda: s.bands() and all(b is not None for b in s.bands()), 120)
    assert until_true(lambda: not set(descendants(me)) - before, 10)  # done: its worker has ended
    s.close()
    long = Session(check_settings(shipped_copy(tmp_path / "long", lambda d: d.update(
        horizon_weeks=LONG, warmup_weeks=8)), None, None))
    long.show_band(True)  # seed runs of 2,000 weeks: still under way below
    first = set(descendants(me)) - before
    time.sleep(1.0)
    long.reset()  # a new band for the new runs; the old one's worker ends at once
    assert until_true(lambda: len(set(descendants(me)) - before) == 1, 10)
    second = set(descendants(me)) - before
    assert first and second and not first & second
    long.close()  # the page has gone: nothing it started is left, mid-run or not
    assert until_true(lambda: not set(descendants(me)) - before, 10)
    assert rss_mb(list(first | second)) == 0.0


def test_a_closed_or_reset_page_leaves_no_band_process(browser: Any, scenario: Path) -> None:
    with serving_args([str(scenario)]) as (url, pid):
        start = descendants(pid)
        page = open_page(browser, url)
        page.locator(".orgsim-band-choice").get_by_text("Band over").click()
        page.locator(".orgsim-band-status").wait_for()  # seed runs of 2,000 weeks under way
        workers = set(descendants(pid)) - set(start)
        assert len(workers) == 1 and rss_mb(list(workers)) > 50
        page.locator(".orgsim-reset").click()
        assert until_true(lambda: not workers & set(descendants(pid)), 15)  # the old band's worker
        assert until_true(lambda: len(set(descendants(pid)) - set(start)) == 1, 15)  # the new one's
        again = set(descendants(pid)) - set(start)
        for _ in range(3):  # pages opened and closed in turn do not pile up workers
            other = open_page(browser, url)
            other.locator(".orgsim-band-choice").get_by_text("Band over").click()
            other.locator(".orgsim-band-status").wait_for()
            other.context.close()
        page.context.close()
        assert until_true(lambda: set(descendants(pid)) <= set(start), 30), descendants(pid)
        assert rss_mb(list(again)) == 0.0


def test_two_saves_in_the_same_second_keep_both(tmp_path: Path) -> None:
    from orgsim.workshop.dashboard.save import save

    short = shipped_copy(tmp_path / "in", lambda d: d.update(horizon_weeks=30, warmup_weeks=4))
    a, b = (Session(check_settings(short, None, None, save_dir=tmp_path / "out")) for _ in range(2))
    for s in (a, b):
        s.step()
    assert a.ws.decide([0], "cadence", {"forum": "nhsei_board", "cadence_weeks": 2}, "A's").applied
    first = save(a.ws, tmp_path / "out", "20250101-120000")
    second = save(b.ws, tmp_path / "out", "20250101-120000")  # the same second
    assert first.folder != second.folder and second.folder.name == "session-20250101-120000-2"
    assert "A's" in (first.folder / "A.yaml").read_text(encoding="utf-8")  # not written over
    assert "A's" not in (second.folder / "A.yaml").read_text(encoding="utf-8")
    for saved in (first, second):
        assert sorted(p.name for p in saved.folder.iterdir()) == ["A.yaml", "B.yaml", "runs"]
    done: list[Path] = []  # two tables pressing Save at once, in two threads
    threads = [threading.Thread(target=lambda s=s: done.append(save(s.ws, tmp_path / "at", "t").folder))
               for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(done)) == 2 and {p.name for p in done} == {"session-t", "session-t-2"}


@pytest.mark.parametrize(("change", "fields", "says"), [
    ("cadence", {"forum": "nhsei_board", "cadence_weeks": 1e-9},
     "Weeks between meetings: must be between 0.2 and 52"),
    ("switch_model", {"to": "merged_devolved", "dip": 0.2, "duration_weeks": 1e9},
     "Weeks the dip lasts: must be between 0 and 104"),
    ("switch_model", {"to": "merged_devolved", "dip": 1.0, "duration_weeks": 4},
     "Productivity dip: must be between 0 and 0.9"),
    ("funding", {"forum": "nhsei_board", "capacity": 10**6}, "Items decided per meeting: must be between"),
    ("staff", {"unit": "NHSD", "team": "digital", "change": 10**6}, "People added or removed: must be"),
    ("cadence", {"forum": "nhsei_board", "cadence_weeks": float("nan")},
     "Weeks between meetings: expected a finite number"),
])
def test_a_decision_out_of_a_sensible_range_is_refused_with_a_reason(scenario: Path, change: str,
                                                                      fields: dict[str, Any],
                                                                      says: str) -> None:
    from orgsim.workshop.dashboard.decide import RULES

    s = Session(check_settings(scenario, None, None))
    s.step()
    out = s.ws.decide([0], change, fields)
    assert not out.applied and says in out.message, out.message
    assert not s.ws.live()[0].entries  # nothing was applied
    assert check("0.00000001", RULES["cadence"])[1] == "Must be at least 0.2, got 0.00000001."
    assert check("1e9", RULES["duration"])[1] == "Must be at most 104, got 1e9."
    assert check("52", RULES["cadence"]) == (52.0, "")


def test_ctrl_c_stops_the_server_even_inside_its_wait() -> None:
    """The handler may run while the main thread holds the stop event's lock (inside `stop.wait`).

    Setting the event there, in the same thread, waited for that lock forever: Ctrl-C left
    `orgsim workshop` running (seen once in a full test run). Here a thread plays the main
    thread: it holds the lock, as `Event.wait` does, and the handler runs in it.
    """
    import threading

    from orgsim.workshop.dashboard.server import asker

    stop = threading.Event()
    handler = asker(stop)

    def main_thread() -> None:
        with stop._cond:  # type: ignore[attr-defined]  # what Event.wait holds at moments
            handler(signal.SIGINT, None)

    t = threading.Thread(target=main_thread, daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "the handler waited for the lock its own thread holds"
    assert stop.wait(5)
