"""What an audit costs over the clicks themselves.

Runs, alternately and in one process, (a) the full audit of a flow (snapshot + screenshot per step,
heuristics, reports) and (b) a bare Playwright script that does the same clicks with the same browser and
takes one full-page screenshot per step, then prints the medians and their ratio. Both launch the
browser, serve the fixture and run the goal path and the baseline in fresh contexts, so the ratio isolates
what consent-audit adds. Target (issue 14): a median of paired ratios of at most 1.15x.

    .venv/bin/python benchmarks/overhead.py [FLOW] [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.flow.spec import Flow, Locator, Step, load_flow  # noqa: E402
from auditor.gather.browser import launch, resolve_browser  # noqa: E402
from auditor.gather.server import serve_folder  # noqa: E402
from auditor.pipeline import audit  # noqa: E402


def _bare_locator(page, loc: Locator):
    if loc.text is not None:
        return page.get_by_text(loc.text, exact=True)
    if loc.role is not None:
        return page.get_by_role(loc.role, name=loc.name, exact=True)
    if loc.label is not None:
        return page.get_by_label(loc.label, exact=True)
    if loc.placeholder is not None:
        return page.get_by_placeholder(loc.placeholder, exact=True)
    if loc.testid is not None:
        return page.get_by_test_id(loc.testid)
    return page.locator(loc.css)


def _bare_path(browser, flow: Flow, start: str, steps: list[Step], out: Path, kind: str) -> None:
    context = browser.new_context(viewport=flow.settings.viewport)
    page = context.new_page()
    page.goto(start)
    for n, step in enumerate(steps, start=1):
        page.screenshot(path=str(out / f"{kind}-{n}.png"), full_page=True)
        target = _bare_locator(page, step.locator) if step.locator is not None else None
        if step.action == "click":
            target.click()
        elif step.action == "fill":
            target.fill(step.args.value)
        elif step.action in ("check", "uncheck"):
            getattr(target, step.action)()
        elif step.action == "select":
            target.select_option(label=step.args.value)
        elif step.action == "press":
            (target.press if target else page.keyboard.press)(step.args.key)
        page.wait_for_load_state("load")
    page.screenshot(path=str(out / f"{kind}-final.png"), full_page=True)
    context.close()


def bare_run(flow: Flow, out: Path) -> None:
    with serve_folder(Path(flow.base_dir)) as base, sync_playwright() as pw:
        browser = launch(pw, resolve_browser(None, pw))
        _bare_path(browser, flow, urljoin(base, flow.start), flow.path, out, "goal")
        if flow.baseline is not None:
            _bare_path(browser, flow, urljoin(base, flow.baseline.start or flow.start), flow.baseline.path, out,
                       "baseline")
        browser.close()


def audit_run(flow: Flow, out: Path) -> None:
    result = audit(flow, out)
    assert result.report.status == "complete", result.report.reason


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("flow", nargs="?", default=str(ROOT / "fixtures/meta-2024/flow.yaml"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    flow = load_flow(args.flow)
    times: dict[str, list[float]] = {"bare": [], "audit": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs + 1):  # the first round warms caches and is not counted
            for name, fn in (("bare", bare_run), ("audit", audit_run)):
                out = Path(tmp) / f"{name}-{i}"
                (out / "screenshots").mkdir(parents=True)
                started = time.perf_counter()
                fn(flow, out)
                if i:
                    times[name].append(time.perf_counter() - started)
    bare, full = statistics.median(times["bare"]), statistics.median(times["audit"])
    ratios = [a / b for a, b in zip(times["audit"], times["bare"])]
    print(f"flow: {flow.name} ({len(flow.path)} goal steps, "
          f"{len(flow.baseline.path) if flow.baseline else 0} baseline steps), {args.runs} runs each")
    print(f"bare Playwright (same clicks, one screenshot per step): median {bare:.3f} s")
    print(f"consent-audit audit (snapshots, heuristics, reports):  median {full:.3f} s")
    print(f"ratio of medians: {full / bare:.2f}x   median of paired ratios: {statistics.median(ratios):.2f}x"
          f"   (target: median of paired ratios <= 1.15x)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this Python process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
