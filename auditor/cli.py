"""consent-audit: the command line. It parses arguments, calls the library, and maps outcomes to exit codes.

Exit codes (the same for every command):
  0  done
  1  a threshold or gate was exceeded (--max-friction, --fail-on)
  2  bad input: flow file, URL, option, unwritable folder, a flow that does not fit the page
  3  the audit could not finish (status: incomplete); the evidence captured so far is kept
  4  internal error: a short message and the path of a saved log
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from auditor import __version__
from auditor.config import FORMATS, SEVERITIES


class Exit(IntEnum):
    DONE = 0
    GATE = 1
    BAD_INPUT = 2
    INCOMPLETE = 3
    INTERNAL = 4


app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit the opt-out side of consent notices for deceptive design.")
console = Console()
err = Console(stderr=True)

class BadInput(Exception):
    pass


def _fail(code: Exit, message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(int(code))


def _default_run_dir(flow_file: Path) -> Path:
    """reports/<name>: the flow file's stem, or its folder's name for the conventional flow.yaml."""
    stem = flow_file.stem
    if stem in ("flow", "index") and flow_file.resolve().parent.name:
        stem = flow_file.resolve().parent.name
    return Path("reports") / stem


def _save_log() -> Path:
    log_dir = Path(tempfile.gettempdir()) / "consent-audit-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = log_dir / f"error-{stamp}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path


def _guard(fn):
    """Every command: bad input -> 2, internal error -> 4 with a saved log, never a raw traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from auditor.config import ConfigError
        from auditor.evidence.atomic import RunFolderError
        from auditor.evidence.diff import DiffInputError
        from auditor.evidence.store import StoreError
        from auditor.flow.spec import FlowError
        from auditor.gather.browser import BrowserNotFound

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except (FlowError, BadInput, BrowserNotFound, ConfigError, StoreError, DiffInputError, RunFolderError) as exc:
            _fail(Exit.BAD_INPUT, str(exc))
        except KeyboardInterrupt:
            _fail(Exit.INCOMPLETE, "interrupted; the run folder keeps what was captured")
        except Exception as exc:  # the last line of defence
            log = _save_log()
            _fail(Exit.INTERNAL, f"internal error: {type(exc).__name__}: {exc}. Details saved in {log}")

    return wrapper


def _gate(report, max_friction: Optional[int], fail_on: Optional[str]) -> Exit:
    if report.status == "goal-unreachable":  # the flow does not fit the page: bad input (README's table)
        return Exit.BAD_INPUT
    if report.status != "complete":
        return Exit.INCOMPLETE
    if max_friction is not None and report.friction > max_friction:
        err.print(f"gate: friction {report.friction} is above --max-friction {max_friction}", highlight=False)
        return Exit.GATE
    if fail_on is not None and report.count(fail_on):
        err.print(f"gate: {report.count(fail_on)} finding(s) of severity {fail_on} or higher (--fail-on {fail_on})",
                  highlight=False)
        return Exit.GATE
    return Exit.DONE


def _outcome(report, trace) -> Exit | None:
    if report.status == "complete":
        if trace.baseline is not None and trace.baseline.failure == "interrupted":
            err.print(f"[bold yellow]incomplete:[/] {escape(trace.baseline.reason or '')} (during the baseline)",
                      highlight=False)
            return Exit.INCOMPLETE
        return None
    if report.status == "goal-unreachable":  # the flow does not fit the page; "incomplete": stopped by a fault
        err.print(f"[bold red]error:[/] {escape(_mismatch_message(trace))}", highlight=False)
        return Exit.BAD_INPUT
    err.print(f"[bold yellow]incomplete:[/] {escape(report.reason or '')}", highlight=False)
    return Exit.INCOMPLETE


def _mismatch_message(trace) -> str:
    goal = trace.goal
    step = goal.steps[goal.failed_step - 1] if goal.failed_step and goal.failed_step <= len(goal.steps) else None
    where = f"{trace.flow.file}:{step.flow_line}" if step and step.flow_line else str(trace.flow.file)
    at = f"step {goal.failed_step}" if goal.failed_step else "the done condition"
    return (f"{where}: the flow does not fit the page at {at} ({goal.reason}); "
            "check the locator or done condition against the page (screenshot in the run folder)")


def _validate_formats(value: Optional[list[str]]) -> Optional[list[str]]:
    for v in value or []:
        if v not in FORMATS:
            raise typer.BadParameter(f"{v!r}: expected one of {', '.join(FORMATS)}")
    return list(dict.fromkeys(value)) if value else value


def _validate_severity(value: Optional[str]) -> Optional[str]:
    if value is not None and value not in SEVERITIES:
        raise typer.BadParameter(f"expected one of {', '.join(SEVERITIES)}")
    return value


@app.command()
@_guard
def audit(
    flow_file: Path = typer.Argument(..., help="the flow file (YAML)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="run folder (default reports/<flow>/)"),
    browser: Optional[str] = typer.Option(None, "--browser", help="Chromium executable (or CONSENT_AUDIT_CHROMIUM)"),
    max_friction: Optional[int] = typer.Option(None, "--max-friction", min=0, max=100,
                                               help="exit 1 when the friction score is above N"),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=_validate_severity,
                                          help="exit 1 on any finding of this severity or higher"),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="skip the opposite choice"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the headline and score"),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", callback=_validate_formats,
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

    settings, max_friction, fail_on, formats = _with_settings(max_friction, fail_on, formats)
    flow = load_flow(flow_file)
    run_dir = out or _default_run_dir(flow_file)
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
    _print_outputs(result.outputs, run_dir)
    outcome = _outcome(result.report, result.trace)
    raise typer.Exit(int(outcome if outcome is not None else _gate(result.report, max_friction, fail_on)))


def _with_settings(max_friction: Optional[int], fail_on: Optional[str], formats: Optional[list[str]]):
    """The pyproject.toml settings, and the gates and formats with the command line's options winning."""
    from auditor.config import load_settings

    settings = load_settings()
    return (settings, max_friction if max_friction is not None else settings.max_friction,
            fail_on or settings.fail_on, formats or settings.formats)


def _print_outputs(outputs, run_dir: Path) -> None:
    """What was written, the manifest's sha256 (a regulator writes it down), and a store that refused."""
    if outputs.store_error:
        err.print(f"[yellow]warning:[/] the run was not recorded in the run store: {escape(outputs.store_error)}",
                  highlight=False)
    names = ", ".join(p.name for p in outputs.files.values())
    console.print(f"Reports in {escape(str(run_dir))}: {names}", highlight=False, soft_wrap=True)
    console.print(f"manifest sha256: {outputs.manifest_sha256}", highlight=False, soft_wrap=True)


@app.command()
@_guard
def rescore(
    trace_file: Path = typer.Argument(..., help="a trace.json from an earlier run"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write reports here (default: beside the trace)"),
    max_friction: Optional[int] = typer.Option(None, "--max-friction", min=0, max=100),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=_validate_severity),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", callback=_validate_formats,
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
    _, max_friction, fail_on, formats = _with_settings(max_friction, fail_on, formats)
    run_dir = out or trace_file.parent
    if out is not None:
        prepare_run_dir(out)
    report, outputs = run_rescore(trace, trace_file, run_dir, OutputOptions(
        formats=tuple(formats or ()), fail_on=fail_on, max_friction=max_friction))
    render_terminal(report, console)
    _print_outputs(outputs, run_dir)
    raise typer.Exit(int(_gate(report, max_friction, fail_on)))


@app.command()
@_guard
def verify(
    run_dir: Path = typer.Argument(..., help="a run folder with manifest.json"),
    expect: Optional[str] = typer.Option(None, "--expect", help="the manifest sha256 printed at the end of the run"),
) -> None:
    """Re-hash a run folder against its manifest.json: exit 0 intact, 1 altered, 2 no manifest."""
    from auditor.evidence.manifest import NoManifest
    from auditor.evidence.manifest import verify as verify_folder

    try:
        result = verify_folder(run_dir)
    except NoManifest as exc:
        raise BadInput(str(exc)) from None
    problems = [("missing", result.missing), ("added", result.added), ("changed", result.changed)]
    for label, names in problems:
        for name in names:
            console.print(f"{label}: {escape(name)}", highlight=False)
    manifest_ok = expect is None or expect.strip().lower() == result.manifest_sha256
    if not manifest_ok:
        console.print(f"changed: manifest.json (sha256 {result.manifest_sha256}, expected {escape(expect or '')})",
                      highlight=False)
    console.print(f"manifest sha256: {result.manifest_sha256}", highlight=False, soft_wrap=True)
    if result.intact and manifest_ok:
        console.print(f"intact: every file of {escape(str(run_dir))} matches its manifest", highlight=False)
        raise typer.Exit(int(Exit.DONE))
    counts = ", ".join(f"{len(names)} {label}" for label, names in problems)
    err.print(f"verify: {escape(str(run_dir))} does not match its manifest ({counts}"
              f"{'' if manifest_ok else ', manifest altered'})", highlight=False)
    raise typer.Exit(int(Exit.GATE))


@app.command("diff")
@_guard
def diff_cmd(
    run_a: Path = typer.Argument(..., help="the earlier run folder (or its report.json)"),
    run_b: Path = typer.Argument(..., help="the later run folder (or its report.json)"),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="also write the diff as Markdown to FILE"),
) -> None:
    """What changed between two audits of the same flow: findings, metrics and friction."""
    from auditor.evidence.atomic import write_text_atomic
    from auditor.evidence.diff import diff_runs, render_markdown
    from auditor.evidence.diff import render_terminal as render_diff

    result = diff_runs(run_a, run_b)
    render_diff(result, console)
    if markdown is not None:
        try:
            write_text_atomic(markdown, render_markdown(result))
        except OSError as exc:
            raise BadInput(f"cannot write {markdown} ({exc.strerror or exc})") from None
        console.print(f"Markdown diff in {escape(str(markdown))}", highlight=False)


@app.command()
@_guard
def history(
    flow: str = typer.Argument(..., help="a flow name or flow file path"),
    store: Optional[str] = typer.Option(None, "--store", help="run store (default reports/consent-audit.db)"),
) -> None:
    """List a flow's audits over time from the run store."""
    from auditor.config import load_settings
    from auditor.evidence.store import history as load_history
    from auditor.evidence.store import store_path

    location = store or load_settings().store or ""
    rows = load_history(location, flow)
    if not rows:
        console.print(f"No audits of {escape(flow)} in {escape(str(store_path(location)))}", highlight=False)
        return
    table = Table(title=f"Audits of {escape(rows[-1].flow_name)}")
    for column in ("#", "time (UTC)", "status", "friction", "findings", "run folder"):
        table.add_column(column, justify="right" if column in ("#", "friction", "findings") else "left")
    for r in rows:
        when = (r.started_at or r.recorded_at or "").replace("T", " ").removesuffix("+00:00")
        table.add_row(str(r.id), when, r.status, str(r.friction), str(r.findings),
                      escape(r.run_dir or ""))
    console.print(table)


@app.command("heuristics")
@_guard
def list_heuristics() -> None:
    """List every heuristic: id, severity, EDPB category and the provisions it evidences."""
    from heuristics.registry import all_heuristics

    table = Table(title="consent-audit heuristics", show_lines=False)
    for column in ("id", "severity", "EDPB 03/2022", "provisions", "title"):
        table.add_column(column)
    for h in all_heuristics():
        m = h.meta
        table.add_row(m.id, m.severity, "; ".join(m.edpb), "; ".join(m.provisions), m.title)
    console.print(table)


def _texts_to_classify(texts: Optional[list[str]], file: Optional[Path]) -> list[str]:
    """The command line's texts, then the file's lines (UTF-8, blank lines skipped)."""
    out = [t for t in texts or [] if t.strip()]
    if file is not None:
        try:
            content = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BadInput(f"{file}: no such file; expected a UTF-8 text file with one text per line") from None
        except UnicodeDecodeError as exc:
            raise BadInput(f"{file}: not UTF-8 text (byte {exc.start}); expected a UTF-8 text file with one "
                           "text per line") from None
        except OSError as exc:  # a folder, no permission, an I/O error
            raise BadInput(f"{file}: cannot read the file ({exc.strerror or exc})") from None
        out += [line.strip() for line in content.splitlines() if line.strip()]
    if not out:
        where = f"{file} has no non-blank line" if file is not None else "no TEXT was given"
        raise BadInput(f"nothing to classify: {where}; pass texts (classify \"Reject all\") or --file FILE "
                       "with one text per line")
    return out


@app.command()
@_guard
def classify(
    texts: Optional[list[str]] = typer.Argument(None, help="control labels to classify"),
    file: Optional[Path] = typer.Option(None, "--file", help="a UTF-8 file with one text per line"),
    output: str = typer.Option("table", "--format", help="table (default) or json"),
) -> None:
    """Say what each control label does on a consent notice: accept, reject, object, settings, save,
    dismiss, more-info or other, with the classifier's probability."""
    import json

    from auditor.classifier import classify as classify_texts

    if output not in ("table", "json"):
        raise BadInput(f"--format {output!r}: expected table or json")
    items = _texts_to_classify(texts, file)
    predictions = classify_texts(items)
    if output == "json":
        print(json.dumps([{"text": t, "label": p.label, "score": p.score} for t, p in zip(items, predictions)],
                         ensure_ascii=False))
        return
    table = Table(title="Affordances")
    for column in ("text", "label", "score"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for t, p in zip(items, predictions):
        table.add_row(escape(t), p.label, f"{p.score:.2f}")
    console.print(table)


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
        outcome = _outcome(report, result.trace)
        if outcome is not None:
            return outcome
    # The gates judge the findings whatever the outcome; _gate reads a finished audit.
    return _gate(report.model_copy(update={"status": "complete"}), max_friction, fail_on)


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
@_guard
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
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=_validate_severity,
                                          help="exit 1 on any finding of this severity or higher"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the headline and score"),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", callback=_validate_formats,
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
    settings, max_friction, fail_on, formats = _with_settings(max_friction, fail_on, formats)
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
    _print_outputs(result.outputs, run_dir)
    if save_flow is not None:
        _save_explored_flow(run_dir / EXPLORED_FLOW, save_flow)
    raise typer.Exit(int(_explore_exit(result, max_friction, fail_on)))


@app.command()
def version() -> None:
    """Print the tool's version."""
    console.print(f"consent-audit {__version__}")


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run like Ctrl-C: evidence kept, exit 3


def main() -> None:
    # typer/click report bad options with exit 2 themselves; SystemExit passes through untouched.
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except Exception:  # anything that escaped the guards
        log = _save_log()
        err.print(f"internal error; details saved in {log}", highlight=False)
        sys.exit(int(Exit.INTERNAL))


if __name__ == "__main__":
    main()
