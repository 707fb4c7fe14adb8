"""How long the workshop dashboard takes to play a whole run, drawing every week, in a real browser.

    python benchmarks/dashboard.py [--scenario FILE] [--width W --height H] [--json] [--check]

Starts `orgsim workshop` on the scenario (default: the shipped one, its first
two operating models), opens the page in Debian's chromium at a projector's
1280 x 720, sets the pace to "as fast as it draws" and presses "Run to the
end". The clock runs from the click until the browser shows the last week. A
watcher in the page notes every week the browser showed, so the figure counts
only a play that drew every week: `drawn` must equal the horizon.

The target: the default scenario's horizon in at most 20 seconds (`--check`
exits with status 1 when it is missed or a week was not drawn).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TARGET_SECONDS = 20.0
WATCH = """() => {
  window.orgsimWeeks = new Set();
  const note = () => { const m = /Week (\\d+)/.exec(document.querySelector('.orgsim-week').innerText);
                       if (m) window.orgsimWeeks.add(+m[1]); };
  new MutationObserver(note).observe(document.querySelector('.orgsim-week'),
                                     {subtree: true, childList: true, characterData: true});
  note();
}"""


def serve(scenario: Path) -> tuple[subprocess.Popen[str], str]:
    orgsim = Path(sys.executable).with_name("orgsim")
    proc = subprocess.Popen([str(orgsim), "workshop", str(scenario), "--port", "0"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("workshop: "):
        proc.kill()
        raise SystemExit(f"the dashboard did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
    return proc, line.split()[1]


def measure(url: str, width: int, height: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox",
                                                                     "--disable-gpu"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(300_000)
        page.goto(url)
        page.locator(".orgsim-week").wait_for()
        horizon = int(page.locator(".orgsim-week").inner_text().split()[-1])
        page.locator(".orgsim-speed").click()
        page.get_by_role("option", name="as fast as it draws").click()
        page.evaluate(WATCH)
        start = time.perf_counter()
        page.locator(".orgsim-end").click()
        page.wait_for_function(f"() => window.orgsimWeeks.has({horizon})", polling="raf")
        seconds = time.perf_counter() - start
        drawn = page.evaluate("() => window.orgsimWeeks.size") - 1  # week 0 was shown before the click
        browser.close()
    return {"horizon": horizon, "seconds": round(seconds, 2), "drawn": drawn,
            "weeks_per_second": round(horizon / seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "configs" / "nhs_england.yaml")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    proc, url = serve(args.scenario)
    try:
        figures = measure(url, args.width, args.height)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{figures['horizon']} weeks drawn in {figures['seconds']} s "
              f"({figures['weeks_per_second']} weeks/s; {figures['drawn']} weeks seen in the browser; "
              f"target <= {TARGET_SECONDS:g} s)")
    ok = figures["seconds"] <= TARGET_SECONDS and figures["drawn"] >= figures["horizon"]
    if args.check and not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
