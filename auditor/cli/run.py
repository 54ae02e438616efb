"""The commands that run an audit: audit a flow file, explore a URL, rescore a saved trace."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from auditor.cli.common import (
    BadInput,
    Exit,
    app,
    console,
    default_run_dir,
    err,
    gate,
    guard,
    outcome,
    print_outputs,
    validate_formats,
    validate_severity,
    with_settings,
)


@app.command()
@guard
def audit(
    flow_file: Path = typer.Argument(..., help="the flow file (YAML)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="run folder (default reports/<flow>/)"),
    browser: Optional[str] = typer.Option(None, "--browser", help="Chromium executable (or CONSENT_AUDIT_CHROMIUM)"),
    max_friction: Optional[int] = typer.Option(None, "--max-friction", min=0, max=100,
                                               help="exit 1 when the friction score is above N"),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=validate_severity,
                                          help="exit 1 on any finding of this severity or higher"),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="skip the opposite choice"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the headline and score"),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", callback=validate_formats,
                                                help="also write report.sarif (sarif) or junit.xml (junit); "
                                                     "repeatable"),
    playwright_trace: bool = typer.Option(False, "--playwright-trace",
                                          help="record a Playwright trace per path (<path>.trace.zip)"),
    video: bool = typer.Option(False, "--video", help="record a video per path (video/<path>-NN.webm)"),
    har: bool = typer.Option(False, "--har", help="record the network traffic per path (har/<path>.har)"),
    store: Optional[str] = typer.Option(None, "--store",
                                        help="run store: SQLite file or sqlite:///path "
                                             "(default reports/consent-audit.db)"),
    no_store: bool = typer.Option(False, "--no-store", help="do not record this run in the run store"),
) -> None:
    """Audit a scripted opt-out flow in a real browser and print the numbered breakdown."""
    from auditor.evidence.run_folder import EvidenceOptions, prepare_run_dir
    from auditor.flow.spec import load_flow
    from auditor.pipeline import OutputOptions
    from auditor.pipeline import audit as run_audit
    from auditor.report.terminal import render_terminal

    settings, max_friction, fail_on, formats = with_settings(max_friction, fail_on, formats)
    flow = load_flow(flow_file)
    run_dir = out or default_run_dir(flow_file)
    prepare_run_dir(run_dir)
    evidence = EvidenceOptions(playwright_trace=playwright_trace, video=video, har=har)
    outputs = OutputOptions(formats=tuple(formats or ()), fail_on=fail_on, max_friction=max_friction,
                            store=None if no_store else (store or settings.store or ""), flow_file=flow_file)
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
    raise typer.Exit(int(verdict if verdict is not None else gate(result.report, max_friction, fail_on)))


@app.command()
@guard
def rescore(
    trace_file: Path = typer.Argument(..., help="a trace.json from an earlier run"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write reports here (default: beside the trace)"),
    max_friction: Optional[int] = typer.Option(None, "--max-friction", min=0, max=100),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=validate_severity),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", callback=validate_formats,
                                                help="also write report.sarif (sarif) or junit.xml (junit)"),
) -> None:
    """Re-run the current heuristics on a saved trace, without a browser.

    The reports (and the folder's manifest.json) are rewritten; pass --out to keep the original run
    folder untouched as evidence."""
    from pydantic import ValidationError

    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.pipeline import OutputOptions
    from auditor.pipeline import rescore as run_rescore
    from auditor.report.terminal import render_terminal
    from auditor.trace import FlowTrace

    try:
        trace = FlowTrace.load(trace_file)
    except FileNotFoundError:
        raise BadInput(f"{trace_file}: no such trace file") from None
    except OSError as exc:  # a folder, no permission, an I/O error
        raise BadInput(f"{trace_file}: cannot read the trace file ({exc.strerror or exc})") from None
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()
        raise BadInput(f"{trace_file}: not a consent-audit trace.json ({first[0] if first else exc}); "
                       "expected the trace.json written by 'consent-audit audit'") from None
    _, max_friction, fail_on, formats = with_settings(max_friction, fail_on, formats)
    run_dir = out or trace_file.parent
    if out is not None:
        prepare_run_dir(out)
    report, outputs = run_rescore(trace, trace_file, run_dir, OutputOptions(
        formats=tuple(formats or ()), fail_on=fail_on, max_friction=max_friction))
    render_terminal(report, console)
    print_outputs(outputs, run_dir)
    raise typer.Exit(int(gate(report, max_friction, fail_on)))


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


def _explore_exit(result, max_friction: Optional[int], fail_on: Optional[str]) -> Exit:
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
    return gate(report.model_copy(update={"status": "complete"}), max_friction, fail_on)


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
    max_friction: Optional[int] = typer.Option(None, "--max-friction", min=0, max=100,
                                               help="exit 1 when the friction score is above N"),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=validate_severity,
                                          help="exit 1 on any finding of this severity or higher"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the headline and score"),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", callback=validate_formats,
                                                help="also write report.sarif (sarif) or junit.xml (junit); "
                                                     "repeatable"),
    store: Optional[str] = typer.Option(None, "--store",
                                        help="run store: SQLite file or sqlite:///path "
                                             "(default reports/consent-audit.db)"),
    no_store: bool = typer.Option(False, "--no-store", help="do not record this run in the run store"),
) -> None:
    """Find the shortest way to refuse (and to accept) on a page from its URL alone, then audit both paths."""
    from urllib.parse import urlparse

    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.exploration import Budget
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
                                   outputs=outputs)
    if quiet:
        console.print(f"{escape(result.report.headline)}\nFriction {result.report.friction}/100", highlight=False)
    else:
        render_terminal(result.report, console)
    print_outputs(result.outputs, run_dir)
    if save_flow is not None:
        _save_explored_flow(run_dir / EXPLORED_FLOW, save_flow)
    raise typer.Exit(int(_explore_exit(result, max_friction, fail_on)))
