"""What an audit costs over the clicks themselves.

Runs, alternately and in one process, (a) the full audit of a flow (snapshot + screenshot per step,
heuristics, reports) and (b) a bare Playwright script that does the same clicks with the same browser and
takes one full-page screenshot per step. Both launch the browser, serve the fixture and run the goal path
and the baseline in fresh contexts, so the ratio isolates what consent-audit adds. Target (issue 14): a
median of paired ratios of at most 1.15x. The paired ratio (each audit over the bare run of its round;
the order alternates between rounds) cancels load that other work puts on the machine; the ratio of
medians and the ratio of the fastest runs are printed beside it.

After the timed rounds, one more (untimed) run of each kind measures peak memory: the Python process's
peak RSS (VmHWM, reset before the run) and the peak of the Chromium processes' summed proportional set
size (PSS, from /proc/PID/smaps_rollup, sampled every 20 ms: a page shared by several processes is
counted once in all). The figures are printed as a table and written to benchmarks/results/overhead.json,
with the machine's load average.

``--phases`` instead times the audit's phases (wall clock per audit, summed over its steps) by wrapping
the gatherer's functions, to see where the overhead goes; it changes nothing in the code under test.

    .venv/bin/python benchmarks/overhead.py [FLOW] [--runs N] [--json PATH] [--phases] [--set SETTING=YAML]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.flow.spec import Flow, Locator, Step, load_flow
from auditor.gather.browser import launch, resolve_browser
from auditor.gather.server import serve_folder
from auditor.pipeline import audit


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


# The phases --phases reports: (module, attribute) of the gatherer's and the pipeline's functions.
PHASES = (
    ("auditor.gather.steps", "_find_target"), ("auditor.gather.recorder", "measure_target"),
    ("auditor.gather.recorder", "capture_before_action"), ("auditor.gather.capture", "settle_and_capture"),
    ("auditor.gather.recorder", "take_snapshot"), ("auditor.gather.recorder", "screenshot"),
    ("auditor.gather.recorder", "save_html"), ("auditor.gather.person", "Person.quiet_down"),
    ("auditor.gather.steps", "_act_and_settle"), ("auditor.gather.person", "Person.click"),
    ("auditor.gather.steps", "_settle_after_action"), ("auditor.gather.driver", "_open_start"),
    ("auditor.gather.done", "wait_done"), ("auditor.gather.recorder", "final_evidence"),
    ("auditor.gather.driver", "run_flow"), ("auditor.pipeline", "judge"), ("auditor.pipeline", "write_outputs"),
)


def _timed(fn, label: str, totals: dict[str, list[float]]):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label][0] += time.perf_counter() - started
            totals[label][1] += 1
    return wrapper


def _wrap_phases(totals: dict[str, list[float]]) -> None:
    """Replaces each function in PHASES, in the module that calls it, by a timed wrapper."""
    for module_name, attribute in PHASES:
        module = importlib.import_module(module_name)
        owner, _, name = attribute.rpartition(".")
        holder = getattr(module, owner) if owner else module
        wrapped = _timed(getattr(holder, name), f"{module_name.rsplit('.', 1)[-1]}.{attribute}", totals)
        setattr(holder, name, wrapped)
        for other in list(sys.modules.values()):  # modules that imported the function by name
            if other is not None and other is not module and getattr(other, name, None) is wrapped.__wrapped__:
                setattr(other, name, wrapped)


def phases(flow: Flow, runs: int) -> None:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    _wrap_phases(totals)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):  # the first run warms caches and is not counted
            if i == 1:
                totals.clear()
            started = time.perf_counter()
            audit_run(flow, Path(tmp) / str(i))
            totals["audit (total)"][0] += time.perf_counter() - started
            totals["audit (total)"][1] += 1
    print(f"{'phase':42s} {'ms per audit':>12s} {'calls':>6s}")
    for label, (seconds, calls) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        print(f"{label:42s} {seconds / runs * 1000:12.1f} {calls / runs:6.1f}")


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid]
        found.extend(children)
        frontier.extend(children)
    return found


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each, so the sum is what they use."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return _status_kb(pid, "VmRSS")


def _chromium_kb() -> int:
    total = 0
    for pid in _descendants(os.getpid()):
        try:
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                total += _pss_kb(pid)
        except OSError:
            continue
    return total


def peak_memory(fn, flow: Flow, out: Path) -> dict[str, float]:
    """Peak RSS (MB) of this process (VmHWM, reset first where Linux allows) and peak summed PSS (MB) of
    the Chromium processes while ``fn`` runs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError:
        pass
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _chromium_kb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        fn(flow, out)
    finally:
        done.set()
        sampler.join()
    return {"python_rss_mb": round(_status_kb("self", "VmHWM") / 1024, 1), "chromium_pss_mb": round(peak[0] / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("flow", nargs="?", default=str(ROOT / "fixtures/meta-2024/flow.yaml"))
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (one bare run and one audit each)")
    parser.add_argument("--json", default=str(ROOT / "benchmarks/results/overhead.json"),
                        help="where the figures are written ('' for nowhere)")
    parser.add_argument("--phases", action="store_true", help="time the audit's phases instead")
    parser.add_argument("--set", action="append", default=[], metavar="SETTING=YAML",
                        help="override one of the flow's settings, e.g. --set after_choice=false")
    args = parser.parse_args()
    flow = load_flow(args.flow)
    overrides = {k: yaml.safe_load(v) for k, _, v in (item.partition("=") for item in args.set)}
    if overrides:
        flow.settings = flow.settings.model_copy(update=overrides)
    if args.phases:
        phases(flow, args.runs)
        return
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {"bare": [], "audit": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs + 1):  # the first round warms caches and is not counted
            kinds = (("bare", bare_run), ("audit", audit_run))
            for name, fn in kinds if i % 2 else kinds[::-1]:  # alternating order: a load trend favours neither
                out = Path(tmp) / f"{name}-{i}"
                (out / "screenshots").mkdir(parents=True)
                started = time.perf_counter()
                fn(flow, out)
                if i:
                    times[name].append(time.perf_counter() - started)
        memory = {}
        for name, fn in (("bare", bare_run), ("audit", audit_run)):
            out = Path(tmp) / f"{name}-memory"
            (out / "screenshots").mkdir(parents=True)
            memory[name] = peak_memory(fn, flow, out)
    load_after = os.getloadavg()
    bare, full = statistics.median(times["bare"]), statistics.median(times["audit"])
    ratios = [a / b for a, b in zip(times["audit"], times["bare"])]
    paired = statistics.median(ratios)
    fastest = min(times["audit"]) / min(times["bare"])  # each kind's least disturbed run
    steps = f"{len(flow.path)} goal steps, {len(flow.baseline.path) if flow.baseline else 0} baseline steps"
    print(f"flow: {flow.name} ({steps}), {args.runs} timed rounds, load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after")
    print(f"{'':34s} {'bare Playwright':>16s} {'consent-audit':>14s}")
    print(f"{'median wall time (s)':34s} {bare:16.3f} {full:14.3f}")
    print(f"{'peak RSS, Python process (MB)':34s} {memory['bare']['python_rss_mb']:16.0f} {memory['audit']['python_rss_mb']:14.0f}")
    print(f"{'peak PSS, Chromium, summed (MB)':34s} {memory['bare']['chromium_pss_mb']:16.0f} "
          f"{memory['audit']['chromium_pss_mb']:14.0f}")
    print(f"ratio of medians:        {full / bare:.3f}x")
    print(f"ratio of fastest runs:   {fastest:.3f}x   (least disturbed by other work on the machine)")
    print(f"median of paired ratios: {paired:.3f}x   (target: <= 1.15x; paired ratios "
          f"{', '.join(f'{r:.2f}' for r in ratios)})")
    if args.json:
        figures = {
            "flow": flow.name, "flow_file": str(Path(args.flow).resolve().relative_to(ROOT))
            if Path(args.flow).resolve().is_relative_to(ROOT) else args.flow,
            "goal_steps": len(flow.path), "baseline_steps": len(flow.baseline.path) if flow.baseline else 0,
            "rounds": args.runs, "setting_overrides": overrides, "seconds": {k: [round(t, 4) for t in v] for k, v in times.items()},
            "median_seconds": {"bare": round(bare, 4), "audit": round(full, 4)},
            "ratio_of_medians": round(full / bare, 4), "paired_ratios": [round(r, 4) for r in ratios],
            "median_of_paired_ratios": round(paired, 4), "ratio_of_fastest": round(fastest, 4), "target": 1.15, "peak_memory_mb": memory,
            "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {path}")


if __name__ == "__main__":
    main()
