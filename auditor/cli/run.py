"""The commands that run an audit: audit a flow file, explore a URL, rescore a saved trace."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from auditor.cli.common import (
    AllowHeuristicErrors,
    BadInput,
    Exit,
    FailOn,
    Formats,
    MaxFriction,
    NoStore,
    Quiet,
    Store,
    app,
    console,
    default_run_dir,
    err,
    gate,
    guard,
    outcome,
    print_outputs,
    with_settings,
)


@app.command()
@guard
def audit(
    flow_file: Path = typer.Argument(..., help="the flow file (YAML)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="run folder (default reports/<flow>/)"),
    browser: Optional[str] = typer.Option(None, "--browser", help="Chromium executable (or CONSENT_AUDIT_CHROMIUM)"),
    max_friction: MaxFriction = None,
    fail_on: FailOn = None,
    no_baseline: bool = typer.Option(False, "--no-baseline", help="skip the opposite choice"),
    quiet: Quiet = False,
    formats: Formats = None,
    playwright_trace: bool = typer.Option(False, "--playwright-trace",
                                          help="record a Playwright trace per path (<path>.trace.zip)"),
    video: bool = typer.Option(False, "--video", help="record a video per path (video/<path>-NN.webm)"),
    har: bool = typer.Option(False, "--har", help="record the network traffic per path (har/<path>.har)"),
    store: Store = None,
    no_store: NoStore = False,
    allow_heuristic_errors: AllowHeuristicErrors = False,
    storage_state: Optional[Path] = typer.Option(None, "--storage-state", help="start every path signed in with "
                                                 "this Playwright storage-state JSON (never copied into the run)"),
    devices: Optional[list[str]] = typer.Option(None, "--device", help="emulate a Playwright device ('iPhone 13'); "
                                                "repeat to compare devices side by side ('desktop' = no device)"),
    proxy: Optional[str] = typer.Option(None, "--proxy", help="browse through this proxy (scheme://host:port; "
                                        "credentials as {env.NAME})"),
    region: Optional[str] = typer.Option(None, "--region", help="browse from a region named in "
                                         "[tool.consent-audit.regions]"),
) -> None:
    """Audit a scripted opt-out flow in a real browser and print the numbered breakdown."""
    from auditor.evidence.run_folder import EvidenceOptions, prepare_run_dir
    from auditor.pipeline import OutputOptions
    from auditor.pipeline import audit as run_audit
    from auditor.report.terminal import render_terminal

    settings, max_friction, fail_on, formats = with_settings(max_friction, fail_on, formats)
    flow = _situated_flow(flow_file, storage_state, devices, proxy, region).with_project_suppressions(
        settings.suppressions)
    run_dir = out or default_run_dir(flow_file)
    prepare_run_dir(run_dir)
    evidence = EvidenceOptions(playwright_trace=playwright_trace, video=video, har=har)
    outputs = OutputOptions(formats=tuple(formats or ()), fail_on=fail_on, max_friction=max_friction,
                            store=None if no_store else (store or settings.store or ""), flow_file=flow_file)
    if devices and len(dict.fromkeys(devices)) > 1:
        raise typer.Exit(int(_audit_devices(flow, devices, run_dir, browser, evidence, outputs, quiet, max_friction,
                                            fail_on, allow_heuristic_errors)))
    with console.status(f"Auditing {escape(flow.name)} in Chromium..."):
        try:
            result = run_audit(flow, run_dir, browser=browser, include_baseline=not no_baseline, evidence=evidence,
                               outputs=outputs)
        except Exception as exc:
            if video and "ffmpeg" in str(exc):
                raise BadInput("--video needs Playwright's ffmpeg, which is not installed "
                               "('playwright install ffmpeg'); run without --video") from None
            raise
    if quiet:
        console.print(f"{escape(result.report.headline)}\nFriction {result.report.friction}/100", highlight=False)
    else:
        render_terminal(result.report, console)
    print_outputs(result.outputs, run_dir)
    verdict = outcome(result.report, result.trace)
    raise typer.Exit(int(verdict if verdict is not None
                         else gate(result.report, max_friction, fail_on, allow_heuristic_errors)))


def _situated_flow(flow_file: Path, storage_state: Optional[Path], devices: Optional[list[str]],
                   proxy: Optional[str], region: Optional[str]):
    """The flow file with the command line's situation over its settings (docs/situations.md). A bad
    storage-state path, proxy URL or region name is bad input before any browser starts."""
    from pydantic import ValidationError

    from auditor.flow.spec import load_flow
    from auditor.gather.context import proxy_url
    from auditor.pipeline import DESKTOP

    flow = load_flow(flow_file)
    if storage_state is not None and not storage_state.is_file():
        raise BadInput(f"--storage-state {storage_state}: no such file (a Playwright storage-state JSON)")
    one_device = devices[0] if devices and len(dict.fromkeys(devices)) == 1 else None
    if one_device is not None and one_device.lower() == DESKTOP:
        one_device = None
    try:
        flow = flow.with_situation(storage_state=storage_state, device=one_device, proxy=proxy, region=region)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise BadInput(f"--proxy {proxy}: {problem}" if proxy else problem) from None
    proxy_url(flow)  # an unknown region is bad input now, not a failed path later
    return flow


def _audit_devices(flow, devices: list[str], run_dir: Path, browser, evidence, outputs, quiet: bool,
                   max_friction, fail_on, allow_heuristic_errors: bool) -> Exit:
    """--device given twice or more: one audit per device, compared in devices.md; gated on the worst."""
    import json

    from auditor.pipeline import audit_devices
    from auditor.report.terminal import render_terminal

    with console.status(f"Auditing {escape(flow.name)} on {len(devices)} devices in Chromium..."):
        results, files = audit_devices(flow, devices, run_dir, browser=browser, evidence=evidence, outputs=outputs)
    for name, result in results.items():
        if quiet:
            console.print(f"{escape(name)}: {escape(result.report.headline)} Friction {result.report.friction}/100",
                          highlight=False)
        else:
            render_terminal(result.report, console)
        print_outputs(result.outputs, result.run_dir)
    sentence = json.loads(files["devices-json"].read_text(encoding="utf-8")).get("sentence", "")
    console.print(escape(sentence), highlight=False, soft_wrap=True)
    console.print(f"Comparison: {escape(str(files['devices-md']))}", highlight=False, soft_wrap=True)
    verdicts = [outcome(r.report, r.trace) or gate(r.report, max_friction, fail_on, allow_heuristic_errors)
                for r in results.values()]
    return max(verdicts, key=_severity_of_exit)


def _severity_of_exit(code: Exit) -> int:
    """Worst first: internal, bad input, incomplete, gate, done."""
    return (Exit.DONE, Exit.GATE, Exit.INCOMPLETE, Exit.BAD_INPUT, Exit.INTERNAL).index(code)


def _rescore_dir(trace_file: Path) -> Path:
    """A new run folder beside the trace's own: <run>-rescored-<UTC stamp> (the original stays evidence)."""
    from datetime import datetime, timezone

    original = trace_file.resolve().parent
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate = original.with_name(f"{original.name}-rescored-{stamp}")
    n = 2
    while candidate.exists():  # two rescores within one second
        candidate = original.with_name(f"{original.name}-rescored-{stamp}-{n}")
        n += 1
    return candidate


def _load_trace(trace_file: Path):
    from pydantic import ValidationError

    from auditor.trace import FlowTrace

    try:
        return FlowTrace.load(trace_file)
    except FileNotFoundError:
        raise BadInput(f"{trace_file}: no such trace file") from None
    except OSError as exc:  # a folder, no permission, an I/O error
        raise BadInput(f"{trace_file}: cannot read the trace file ({exc.strerror or exc})") from None
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()
        raise BadInput(f"{trace_file}: not a consent-audit trace.json ({first[0] if first else exc}); "
                       "expected the trace.json written by 'consent-audit audit'") from None


@app.command()
@guard
def rescore(
    trace_file: Path = typer.Argument(..., help="a trace.json from an earlier run"),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="run folder (default: a new <run>-rescored-<UTC time> beside the trace's)"),
    in_place: bool = typer.Option(False, "--in-place", help="rewrite the reports and manifest of the trace's own "
                                  "run folder instead of writing a new one"),
    max_friction: MaxFriction = None,
    fail_on: FailOn = None,
    quiet: Quiet = False,
    formats: Formats = None,
    store: Store = None,
    no_store: NoStore = False,
    allow_heuristic_errors: AllowHeuristicErrors = False,
) -> None:
    """Re-run the current heuristics on a saved trace, without a browser.

    The reports go to a new run folder beside the original (<run>-rescored-<UTC time>), with a copy of the
    trace and its screenshots and a manifest naming the trace's sha256; the original folder and its
    manifest stay untouched as evidence unless --in-place is given."""
    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.judge.suppress import configured_suppressions
    from auditor.pipeline import OutputOptions
    from auditor.pipeline import rescore as run_rescore
    from auditor.report.terminal import render_terminal

    if in_place and out is not None:
        raise BadInput("--in-place and --out exclude each other: --in-place rewrites the trace's own run folder")
    trace = _load_trace(trace_file)
    settings, max_friction, fail_on, formats = with_settings(max_friction, fail_on, formats)
    run_dir = trace_file.parent if in_place else (out or _rescore_dir(trace_file))
    if not in_place:
        prepare_run_dir(run_dir)
    report, outputs = run_rescore(trace, trace_file, run_dir, OutputOptions(
        formats=tuple(formats or ()), fail_on=fail_on, max_friction=max_friction,
        store=None if no_store else (store or settings.store or "")),
        # as they read now: a finding reviewed after the run can be suppressed by rescoring
        configured_suppressions(trace.flow.file))
    if quiet:
        console.print(f"{escape(report.headline)}\nFriction {report.friction}/100", highlight=False)
    else:
        render_terminal(report, console)
    print_outputs(outputs, run_dir)
    raise typer.Exit(int(gate(report, max_friction, fail_on, allow_heuristic_errors)))


EXPLORE_GOALS = ("reject", "object", "opt-out")


def _validate_goal(value: str) -> str:
    if value not in EXPLORE_GOALS:
        raise typer.BadParameter(f"{value!r}: expected one of {', '.join(EXPLORE_GOALS)}")
    return value


def _page_url(url: str) -> str:
    """An absolute http(s) URL with a host, or bad input saying what was expected."""
    from urllib.parse import urlparse

    try:
        parsed = urlparse(url)
        parsed.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        parsed = None
    if parsed is None or parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        raise BadInput(f"{url!r} is not a web page address: explore expects an absolute http:// or https:// URL "
                       "with a host, such as https://example.com/news. To audit a local HTML file, serve it or "
                       "write a flow file for 'consent-audit audit'.")
    return url


def _explore_exit(result, max_friction: Optional[int], fail_on: Optional[str],
                  allow_heuristic_errors: bool = False) -> Exit:
    """No consent notice, or no refusal found within the budget, is a finding about the site (exit 0
    unless a gate fires); a page that did not load, or an explored path whose replay failed, is incomplete."""
    report, explored = result.report, result.trace.exploration
    if explored is not None and explored.status in ("no-consent-ui", "goal-unreachable"):
        err.print(f"[bold yellow]{explored.status}:[/] {escape(report.reason or '')}", highlight=False)
    elif report.status == "goal-unreachable":  # the search's path did not replay: the page changed under us
        err.print(f"[bold yellow]incomplete:[/] the explored path did not reach its goal when replayed "
                  f"({escape(report.reason or '')})", highlight=False)
        return Exit.INCOMPLETE
    else:
        verdict = outcome(report, result.trace)
        if verdict is not None:
            return verdict
    # The gates judge the findings whatever the outcome; gate reads a finished audit.
    return gate(report.model_copy(update={"status": "complete"}), max_friction, fail_on, allow_heuristic_errors)


def _save_explored_flow(explored: Path, target: Path) -> None:
    """--save-flow: a copy of the flow file the audit replayed (the run folder keeps the original)."""
    import shutil

    if not explored.is_file():
        err.print("[yellow]warning:[/] no path was found, so no flow file was written", highlight=False)
        return
    try:
        shutil.copyfile(explored, target)
    except OSError as exc:
        raise BadInput(f"cannot write the flow file {target} ({exc.strerror or exc})") from None
    console.print(f"Flow file: {escape(str(target))}", highlight=False)


@app.command()
@guard
def explore(
    url: str = typer.Argument(..., help="the page to explore (http:// or https://)"),
    goal: str = typer.Option("reject", "--goal", callback=_validate_goal, help="reject (default), object or opt-out"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="run folder (default reports/<host>/)"),
    save_flow: Optional[Path] = typer.Option(None, "--save-flow",
                                             help="also write the paths found as a flow file to review and re-run"),
    user_agent: Optional[str] = typer.Option(None, "--user-agent",
                                             help="user agent (default: this Chromium as an ordinary desktop Chrome)"),
    max_depth: Optional[int] = typer.Option(None, "--max-depth", min=1, help="longest path tried (default 6)"),
    max_actions: Optional[int] = typer.Option(None, "--max-actions", min=1,
                                              help="clicks the whole search may spend (default 80)"),
    max_seconds: Optional[float] = typer.Option(None, "--max-seconds", min=1,
                                                help="wall time of the search (default 120)"),
    browser: Optional[str] = typer.Option(None, "--browser", help="Chromium executable (or CONSENT_AUDIT_CHROMIUM)"),
    max_friction: MaxFriction = None,
    fail_on: FailOn = None,
    quiet: Quiet = False,
    formats: Formats = None,
    store: Store = None,
    no_store: NoStore = False,
    allow_heuristic_errors: AllowHeuristicErrors = False,
) -> None:
    """Find the shortest way to refuse (and to accept) on a page from its URL alone, then audit both paths."""
    from urllib.parse import urlparse

    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.exploration import Budget
    from auditor.judge.suppress import configured_suppressions
    from auditor.pipeline import EXPLORED_FLOW, OutputOptions, explore_and_audit
    from auditor.report.terminal import render_terminal

    url = _page_url(url)
    settings, max_friction, fail_on, formats = with_settings(max_friction, fail_on, formats)
    limits = {"max_depth": max_depth, "max_actions": max_actions, "max_seconds": max_seconds}
    budget = Budget(**{k: v for k, v in limits.items() if v is not None})
    run_dir = out or Path("reports") / (urlparse(url).hostname or "explore")
    prepare_run_dir(run_dir)
    outputs = OutputOptions(formats=tuple(formats or ()), fail_on=fail_on, max_friction=max_friction,
                            store=None if no_store else (store or settings.store or ""))
    with console.status(f"Exploring {escape(url)} in Chromium..."):
        result = explore_and_audit(url, goal, run_dir, budget=budget, browser=browser, user_agent=user_agent,
                                   outputs=outputs, suppressions=configured_suppressions())
    if quiet:
        console.print(f"{escape(result.report.headline)}\nFriction {result.report.friction}/100", highlight=False)
    else:
        render_terminal(result.report, console)
    print_outputs(result.outputs, run_dir)
    if save_flow is not None:
        _save_explored_flow(run_dir / EXPLORED_FLOW, save_flow)
    raise typer.Exit(int(_explore_exit(result, max_friction, fail_on, allow_heuristic_errors)))
