"""One site inside a worker: explore and audit a URL, or audit a flow file, and say how it ended.

Whatever the page does (hangs, crashes the renderer, loops forever, is not there), the task returns a
SiteResult: an exception here would cost the batch its worker's browser and the client its bookkeeping.
The result is small and picklable; the client commits it. The run folder is written by the pipeline where
the client can read it (a shared folder), or, for a remote cluster without one, in a temporary folder
that travels back zipped.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from auditor.batch.sites import Site
from auditor.suppression import Suppression

REASON_MAX = 500  # a reason is page-derived text at times: bounded before it reaches the ledger


@dataclass(frozen=True)
class SiteTask:
    site: Site
    run_dir: str  # where the worker writes the site's folder (ignored when ``pack``)
    goal: str = "reject"
    timeout: float = 300.0
    browser: str | None = None
    pack: bool = False  # the client cannot see the worker's disk: return the folder as a zip
    local: bool = True  # a local cluster names its workers "local-N"
    # the project's [tool.consent-audit] suppress, read once by the client (a worker may not see its
    # pyproject.toml): judged with every site, as `audit` and `explore` do (docs/suppressions.md). Left out
    # of the hash: a pydantic model has none, and the task stays hashable as it was.
    suppressions: tuple[Suppression, ...] = field(default=(), hash=False)


@dataclass(frozen=True)
class SiteResult:
    status: str  # complete | incomplete | no-consent-ui | goal-unreachable
    reason: str | None
    report_json: str | None  # the Report, when one was written
    manifest_sha256: str | None
    seconds: float
    worker: str
    folder_zip: bytes | None = None  # the run folder, when ``pack``


def run_site(task: SiteTask) -> SiteResult:
    """The dask task: never raises for anything a site can do."""
    from auditor.batch.transport import zip_folder
    from auditor.batch.worker import deadline, worker_browser

    started = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="consent-audit-site-")) if task.pack else Path(task.run_dir)
    report_json = sha = None
    try:
        _load_auditor()
        browser = worker_browser(task.browser)
        session = browser.session()  # a launch is the worker's cost, not the site's: outside its deadline
        with deadline(task.timeout, browser) as limit:
            try:
                report_json, sha, status, reason = _audit(task, run_dir, session)
            except Exception as exc:  # a crashed page, a dead browser, a flow that does not load
                status, reason = "incomplete", _first_line(exc)
        if limit.expired:
            status, reason = "incomplete", f"timed out after {task.timeout:g} s"
        folder = zip_folder(run_dir) if task.pack else None
    except Exception as exc:  # the browser would not start, the folder cannot be written
        status, reason, folder = "incomplete", _first_line(exc), None
    finally:
        if task.pack:
            shutil.rmtree(run_dir, ignore_errors=True)
    return SiteResult(status=status, reason=reason[:REASON_MAX] if reason else None, report_json=report_json,
                      manifest_sha256=sha, seconds=time.monotonic() - started, worker=_worker_name(task.local),
                      folder_zip=folder)


def _load_auditor() -> None:
    """Imports the pipeline before the site's deadline starts: otherwise a worker's first site pays the
    auditor's import (heuristics, judge, reports: over a minute on a heavily loaded machine) inside its
    timeout, and every worker's first site can time out at once (seen at -j 8 on 2 busy cores)."""
    import auditor.pipeline  # noqa: F401 - imported for its side effect: the modules are loaded


def _audit(task: SiteTask, run_dir: Path, session) -> tuple[str, str, str, str | None]:
    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.flow.spec import load_flow
    from auditor.pipeline import OutputOptions, audit, explore_and_audit

    prepare_run_dir(run_dir)  # a folder a killed batch half-wrote is cleared: this site starts afresh
    project = list(task.suppressions)
    if task.site.kind == "url":
        result = explore_and_audit(task.site.input, task.goal, run_dir, session=session, outputs=OutputOptions(),
                                   suppressions=project)
    else:
        flow_file = Path(task.site.input)
        flow = load_flow(flow_file).with_project_suppressions(project)  # the flow file's suppress:, then these
        result = audit(flow, run_dir, session=session, outputs=OutputOptions(flow_file=flow_file))
    report = result.report
    return report.model_dump_json(), result.outputs.manifest_sha256, report.status, report.reason


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _worker_name(local: bool) -> str:
    try:
        from distributed import get_worker

        worker = get_worker()
    except ValueError:  # not inside a dask worker (a direct call)
        return "local-0"
    return f"local-{worker.name}" if local else worker.address
