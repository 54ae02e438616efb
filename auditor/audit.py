"""The pipeline in one place: flow -> driver -> FlowTrace -> heuristics -> Report -> files.

The CLI, the benchmark and the tests call these functions; none of them re-implements a stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.flow import Flow
from auditor.report.model import Report, build_report
from auditor.trace import FlowTrace


@dataclass
class AuditResult:
    trace: FlowTrace
    report: Report
    run_dir: Path
    files: dict[str, Path]


def judge(trace: FlowTrace) -> Report:
    """Heuristics and scoring on a trace: no browser, so saved traces can be re-scored any time."""
    from heuristics.registry import metadata, run_all

    findings, failures = run_all(trace)
    return build_report(trace, findings, failures, metadata())


def write_outputs(trace: FlowTrace, report: Report, run_dir: Path) -> dict[str, Path]:
    from auditor.report.json_report import write_reports

    from auditor.atomic import RunFolderError

    try:
        trace.save(run_dir / "trace.json")
        files = {"trace": run_dir / "trace.json"}
        files.update(write_reports(report, run_dir))
    except RunFolderError:
        raise
    except OSError as exc:
        raise RunFolderError(f"cannot write the trace and reports to the run folder {run_dir} "
                             f"({exc.strerror or exc})") from None
    return files


def audit(flow: Flow, run_dir: Path, browser: str | None = None, include_baseline: bool = True,
          evidence=None, session=None) -> AuditResult:
    """``evidence`` (auditor.evidence.EvidenceOptions) asks for a Playwright trace, video or HAR;
    ``session`` (auditor.driver.BrowserSession) is a browser shared with other audits."""
    from auditor.driver import run_flow

    trace = run_flow(flow, run_dir, browser_path=browser, include_baseline=include_baseline, evidence=evidence,
                     session=session)
    if evidence is not None and evidence.video:
        from auditor.evidence import tidy_videos

        tidy_videos(run_dir)  # before the reports name them
    report = judge(trace)
    files = write_outputs(trace, report, run_dir)
    return AuditResult(trace, report, run_dir, files)
