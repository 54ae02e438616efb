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

SEVERITIES = ("info", "low", "medium", "high", "critical")
OWNED_OUTPUTS = ("report.json", "report.md", "report.html", "trace.json")


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


def _prepare_run_dir(run_dir: Path) -> None:
    """Creates the run folder and clears what an earlier run of ours left, so evidence is only this run's."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise BadInput(f"cannot write to the output folder {run_dir} ({exc.strerror or exc}); "
                       "expected a folder this user can create files in (--out DIR)") from None
    for name in OWNED_OUTPUTS:
        (run_dir / name).unlink(missing_ok=True)
    shots = run_dir / "screenshots"
    if shots.is_dir():
        for png in shots.glob("*.png"):
            png.unlink()


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
        from auditor.browser import BrowserNotFound
        from auditor.flow import FlowError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except (FlowError, BadInput, BrowserNotFound) as exc:
            _fail(Exit.BAD_INPUT, str(exc))
        except KeyboardInterrupt:
            _fail(Exit.INCOMPLETE, "interrupted; the run folder keeps what was captured")
        except Exception as exc:  # the last line of defence
            log = _save_log()
            _fail(Exit.INTERNAL, f"internal error: {type(exc).__name__}: {exc}. Details saved in {log}")

    return wrapper


def _gate(report, max_friction: Optional[int], fail_on: Optional[str]) -> Exit:
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
        return None
    if trace.goal.failure == "flow-mismatch":
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
) -> None:
    """Audit a scripted opt-out flow in a real browser and print the numbered breakdown."""
    from auditor.audit import audit as run_audit
    from auditor.flow import load_flow
    from auditor.report.terminal import render_terminal

    flow = load_flow(flow_file)
    run_dir = out or _default_run_dir(flow_file)
    _prepare_run_dir(run_dir)
    with console.status(f"Auditing {escape(flow.name)} in Chromium..."):
        result = run_audit(flow, run_dir, browser=browser, include_baseline=not no_baseline)
    if quiet:
        console.print(f"{escape(result.report.headline)}\nFriction {result.report.friction}/100", highlight=False)
    else:
        render_terminal(result.report, console)
    console.print(f"Reports in {escape(str(run_dir))}: report.html, report.md, report.json, trace.json",
                  highlight=False)
    outcome = _outcome(result.report, result.trace)
    raise typer.Exit(int(outcome if outcome is not None else _gate(result.report, max_friction, fail_on)))


@app.command()
@_guard
def rescore(
    trace_file: Path = typer.Argument(..., help="a trace.json from an earlier run"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write reports here (default: beside the trace)"),
    max_friction: Optional[int] = typer.Option(None, "--max-friction", min=0, max=100),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", callback=_validate_severity),
) -> None:
    """Re-run the current heuristics on a saved trace, without a browser."""
    from pydantic import ValidationError

    from auditor.audit import judge
    from auditor.report.json_report import write_reports
    from auditor.report.terminal import render_terminal
    from auditor.trace import FlowTrace

    try:
        trace = FlowTrace.load(trace_file)
    except FileNotFoundError:
        raise BadInput(f"{trace_file}: no such trace file") from None
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()
        raise BadInput(f"{trace_file}: not a consent-audit trace.json ({first[0] if first else exc}); "
                       "expected the trace.json written by 'consent-audit audit'") from None
    report = judge(trace)
    run_dir = out or trace_file.parent
    if out is not None:
        _prepare_run_dir(out)
    write_reports(report, run_dir)
    render_terminal(report, console)
    raise typer.Exit(int(_gate(report, max_friction, fail_on)))


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


@app.command()
def version() -> None:
    """Print the tool's version."""
    console.print(f"consent-audit {__version__}")


def main() -> None:
    # typer/click report bad options with exit 2 themselves; SystemExit passes through untouched.
    try:
        app()
    except Exception:  # anything that escaped the guards
        log = _save_log()
        err.print(f"internal error; details saved in {log}", highlight=False)
        sys.exit(int(Exit.INTERNAL))


if __name__ == "__main__":
    main()
