"""What every command shares: exit codes, the consoles, the error guard, the gates and the option checks.

Exit codes (the same for every command):
  0  done
  1  a threshold or gate was exceeded (--max-friction, --fail-on), or a gate was set and a heuristic raised
     an error (it judged nothing, so the gate cannot pass; --allow-heuristic-errors gates on the rest)
  2  bad input: flow file, URL, option, unwritable folder, a flow that does not fit the page
  3  the audit could not finish (status: incomplete); the evidence captured so far is kept
  4  internal error: a short message and the path of a saved log
"""

from __future__ import annotations

import tempfile
import traceback
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

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
# Errors are never hard-wrapped: a path or a flow-file line stays whole, to copy and to grep.
err = Console(stderr=True, soft_wrap=True)

class BadInput(Exception):
    pass


def fail(code: Exit, message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(int(code))


def default_run_dir(flow_file: Path) -> Path:
    """reports/<name>: the flow file's stem, or its folder's name for the conventional flow.yaml."""
    stem = flow_file.stem
    if stem in ("flow", "index") and flow_file.resolve().parent.name:
        stem = flow_file.resolve().parent.name
    return Path("reports") / stem


def save_log() -> Path:
    log_dir = Path(tempfile.gettempdir()) / "consent-audit-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = log_dir / f"error-{stamp}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path


def guard(fn):
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
            fail(Exit.BAD_INPUT, str(exc))
        except KeyboardInterrupt:
            fail(Exit.INCOMPLETE, "interrupted; the run folder keeps what was captured")
        except Exception as exc:  # the last line of defence
            log = save_log()
            fail(Exit.INTERNAL, f"internal error: {type(exc).__name__}: {exc}. Details saved in {log}")

    return wrapper


ALLOW_HEURISTIC_ERRORS_HELP = ("let --max-friction and --fail-on judge the findings even when a heuristic "
                               "raised an error (by default a gate then fails: the score is a lower bound)")


def gate(report, max_friction: Optional[int], fail_on: Optional[str], allow_heuristic_errors: bool = False) -> Exit:
    if report.status == "goal-unreachable":  # the flow does not fit the page: bad input (README's table)
        return Exit.BAD_INPUT
    if report.status != "complete":
        return Exit.INCOMPLETE
    gated = max_friction is not None or fail_on is not None
    if gated and report.heuristic_failures and not allow_heuristic_errors:
        ids = ", ".join(h.split(":", 1)[0] for h in report.heuristic_failures)
        err.print(f"gate: heuristic error ({escape(ids)}): what it checks was not judged, so the gate cannot pass "
                  "(--allow-heuristic-errors gates on the other heuristics' findings)", highlight=False)
        return Exit.GATE
    if max_friction is not None and report.friction > max_friction:
        err.print(f"gate: friction {report.friction} is above --max-friction {max_friction}", highlight=False)
        return Exit.GATE
    if fail_on is not None and report.count(fail_on):
        err.print(f"gate: {report.count(fail_on)} finding(s) of severity {fail_on} or higher (--fail-on {fail_on})",
                  highlight=False)
        return Exit.GATE
    return Exit.DONE


def outcome(report, trace) -> Exit | None:
    if report.status == "complete":
        if trace.baseline is not None and trace.baseline.failure == "interrupted":
            err.print(f"[bold yellow]incomplete:[/] {escape(trace.baseline.reason or '')} (during the baseline)",
                      highlight=False)
            return Exit.INCOMPLETE
        return None
    if report.status == "goal-unreachable":  # the flow does not fit the page; "incomplete": stopped by a fault
        err.print(f"[bold red]error:[/] {escape(mismatch_message(trace))}", highlight=False)
        return Exit.BAD_INPUT
    err.print(f"[bold yellow]incomplete:[/] {escape(report.reason or '')}", highlight=False)
    return Exit.INCOMPLETE


def mismatch_message(trace) -> str:
    goal = trace.goal
    step = goal.steps[goal.failed_step - 1] if goal.failed_step and goal.failed_step <= len(goal.steps) else None
    where = f"{trace.flow.file}:{step.flow_line}" if step and step.flow_line else str(trace.flow.file)
    at = f"step {goal.failed_step}" if goal.failed_step else "the done condition"
    return (f"{where}: the flow does not fit the page at {at} ({goal.reason}); "
            "check the locator or done condition against the page (screenshot in the run folder)")


def validate_formats(value: Optional[list[str]]) -> Optional[list[str]]:
    for v in value or []:
        if v not in FORMATS:
            raise typer.BadParameter(f"{v!r}: expected one of {', '.join(FORMATS)}")
    return list(dict.fromkeys(value)) if value else value


def validate_severity(value: Optional[str]) -> Optional[str]:
    if value is not None and value not in SEVERITIES:
        raise typer.BadParameter(f"expected one of {', '.join(SEVERITIES)}")
    return value


def with_settings(max_friction: Optional[int], fail_on: Optional[str], formats: Optional[list[str]]):
    """The pyproject.toml settings, and the gates and formats with the command line's options winning."""
    from auditor.config import load_settings

    settings = load_settings()
    return (settings, max_friction if max_friction is not None else settings.max_friction,
            fail_on or settings.fail_on, formats or settings.formats)


def print_outputs(outputs, run_dir: Path) -> None:
    """What was written, the manifest's sha256 (a regulator writes it down), and a store that refused."""
    if outputs.store_error:
        err.print(f"[yellow]warning:[/] the run was not recorded in the run store: {escape(outputs.store_error)}",
                  highlight=False)
    names = ", ".join(p.name for p in outputs.files.values())
    console.print(f"Reports in {escape(str(run_dir))}: {names}", highlight=False, soft_wrap=True)
    console.print(f"manifest sha256: {outputs.manifest_sha256}", highlight=False, soft_wrap=True)


# The options every command that judges a run shares (audit, explore, rescore): one definition, one help text.
MaxFriction = Annotated[Optional[int], typer.Option("--max-friction", min=0, max=100,
                                                    help="exit 1 when the friction score is above N")]
FailOn = Annotated[Optional[str], typer.Option("--fail-on", callback=validate_severity,
                                               help="exit 1 on any finding of this severity or higher")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="print only the headline and score")]
Formats = Annotated[Optional[list[str]], typer.Option("--format", "-f", callback=validate_formats,
                                                      help="also write report.sarif (sarif) or junit.xml (junit); "
                                                           "repeatable")]
Store = Annotated[Optional[str], typer.Option("--store", help="run store: SQLite file or sqlite:///path "
                                                              "(default reports/consent-audit.db)")]
NoStore = Annotated[bool, typer.Option("--no-store", help="do not record this run in the run store")]
AllowHeuristicErrors = Annotated[bool, typer.Option("--allow-heuristic-errors", help=ALLOW_HEURISTIC_ERRORS_HELP)]
