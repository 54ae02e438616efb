"""consent-audit batch: many sites, resumable, on this machine or on a dask.distributed cluster."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from auditor.cli.common import BadInput, Exit, app, console, err, guard
from auditor.cli.run import EXPLORE_GOALS


def _validate_goal(value: str) -> str:
    if value not in EXPLORE_GOALS:
        raise typer.BadParameter(f"{value!r}: expected one of {', '.join(EXPLORE_GOALS)}")
    return value


def _validate_scheduler(value: Optional[str]) -> Optional[str]:
    if value is not None and not value.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://")):
        raise typer.BadParameter(f"{value!r}: expected a scheduler address such as tcp://10.0.0.5:8786")
    return value


@app.command()
@guard
def batch(
    input_: Path = typer.Argument(..., metavar="INPUT",
                                  help="a .txt list of URLs (one a line, # comments), a .csv with a url column, "
                                       "or a folder of flow files (*.yaml, searched recursively)"),
    out: Path = typer.Option(..., "--out", "-o", help="the batch folder: run store, ledger and a folder per site"),
    concurrency: int = typer.Option(2, "--concurrency", "-j", min=1,
                                    help="sites at once on this machine: worker processes, one browser each"),
    site_timeout: float = typer.Option(300.0, "--site-timeout", min=1,
                                       help="seconds one site may take before it is recorded as incomplete"),
    goal: str = typer.Option("reject", "--goal", callback=_validate_goal,
                             help="for URL sites: reject (default), object or opt-out"),
    retry_incomplete: bool = typer.Option(False, "--retry-incomplete",
                                          help="run again the sites recorded as incomplete (and only those, "
                                               "besides the sites not run yet)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", callback=_validate_scheduler,
                                            help="run on an existing dask cluster (tcp://HOST:PORT) instead of "
                                                 "local worker processes"),
    evidence_dir: Optional[Path] = typer.Option(None, "--evidence-dir",
                                                help="folder the workers write site folders to, mounted at the same "
                                                     "path on this machine (default OUT/sites; with --scheduler "
                                                     "and no shared folder, folders come back zipped)"),
    browser: Optional[str] = typer.Option(None, "--browser", help="Chromium executable (or CONSENT_AUDIT_CHROMIUM)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar; only the final tally"),
) -> None:
    """Audit many sites: explore and audit each URL of a list, or audit each flow file of a folder.

    Each finished site is committed to OUT/consent-audit.db at once; re-running the same command skips the
    done sites and finishes the rest, even after kill -9. Exit 0 when the batch ran: a site that was
    incomplete, had no consent notice or no reachable refusal is a result, recorded in the ledger, not a
    failure of the command. Exit 2 for bad input, 3 when interrupted (finished sites stay committed)."""
    from auditor.batch.ledger import Ledger
    from auditor.batch.progress import BatchProgress
    from auditor.batch.runner import BatchOptions, pending, run_batch
    from auditor.batch.sites import SitesError, read_sites
    from auditor.clock import utc_now
    from auditor.config import load_settings
    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.gather.browser import resolve_browser

    try:
        sites = read_sites(input_)
    except SitesError as exc:
        raise BadInput(str(exc)) from None
    # the project's suppressions, as `audit` and `explore` read them: a bad entry is bad input (ConfigError,
    # exit 2) before any site starts
    suppressions = tuple(load_settings().suppressions)
    options = BatchOptions(out=out, concurrency=concurrency, site_timeout=site_timeout, goal=goal,
                           retry_incomplete=retry_incomplete, scheduler=scheduler, evidence_dir=evidence_dir,
                           browser=browser, suppressions=suppressions)
    if scheduler is None:  # a wrong --browser is bad input here, not N incomplete sites later
        resolve_browser(browser)
    prepare_run_dir(options.sites_root)  # the folder takes files: bad input now, not after the first site
    _write_request(out, input_, sites[0].kind, options, utc_now())
    ledger = Ledger(out)
    try:
        todo = pending(sites, ledger.done(), retry_incomplete)
        live = not quiet and sys.stderr.isatty()
        with BatchProgress(err, total=len(todo), skipped=len(sites) - len(todo), live=live) as progress:
            try:
                if todo:
                    run_batch(todo, options, ledger, lambda row: progress.site_done(row.status))
            except KeyboardInterrupt:
                err.print(f"[bold yellow]interrupted:[/] {progress.tally()}; the finished sites are committed, "
                          "re-run the same command to finish the rest", highlight=False, soft_wrap=True)
                raise typer.Exit(int(Exit.INCOMPLETE)) from None
            except OSError as exc:  # the scheduler cannot be reached
                raise BadInput(f"cannot reach the dask scheduler {scheduler}: {exc}") from None
        console.print(escape(progress.tally()), highlight=False, soft_wrap=True)
        console.print(f"Batch folder: {escape(str(out))}", highlight=False, soft_wrap=True)
    finally:
        ledger.close()


def _write_request(out: Path, input_: Path, kind: str, options, started_at: str) -> None:
    """batch.json: what the batch was asked, for the summary and for whoever finds the folder later."""
    from auditor.evidence.atomic import write_text_atomic

    request = {"input": str(input_.resolve()), "kind": kind, "started_at": started_at,
               "options": {"concurrency": options.concurrency, "site_timeout": options.site_timeout,
                           "goal": options.goal, "retry_incomplete": options.retry_incomplete,
                           "scheduler": options.scheduler,
                           "evidence_dir": str(options.evidence_dir) if options.evidence_dir else None}}
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out / "batch.json", json.dumps(request, indent=1) + "\n")
    except OSError as exc:
        raise BadInput(f"cannot write to the batch folder {out} ({exc.strerror or exc}); expected a folder "
                       "this user can create files in (--out DIR)") from None
