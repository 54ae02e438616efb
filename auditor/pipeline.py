"""The pipeline in one place: flow -> gather -> FlowTrace -> judge -> Report -> every output file.

The CLI, the pytest plugin, the benchmark and the tests call these functions; none of them re-implements a
stage or writes an output of its own. What each caller does on top is its own business: the CLI prints and
maps outcomes to exit codes, the plugin turns them into assertions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.evidence.atomic import RunFolderError, write_text_atomic
from auditor.flow.spec import Flow
from auditor.judge.verdict import judge
from auditor.report.model import Report
from auditor.trace import FlowTrace


@dataclass(frozen=True)
class OutputOptions:
    """Which outputs a run writes besides the trace and the three reports (JSON, Markdown, HTML)."""

    formats: tuple[str, ...] = ()  # "sarif", "junit"
    fail_on: str | None = None  # JUnit marks findings of this severity or higher as failures
    max_friction: int | None = None  # JUnit fails the flow's test case above this score
    store: str | None = None  # run store location ("" = the default file); None = not recorded
    flow_file: Path | None = None  # hashed into the manifest
    write_trace: bool = True  # False when the trace in the run folder is already the evidence (rescore)
    source_trace: Path | None = None  # rescore into a new folder: the original trace.json, named in the manifest


@dataclass
class Outputs:
    """What a run wrote: the files by kind, the manifest's sha256, and why the store refused it, if it did."""

    files: dict[str, Path] = field(default_factory=dict)
    manifest_sha256: str = ""
    store_error: str | None = None


@dataclass
class AuditResult:
    trace: FlowTrace
    report: Report
    run_dir: Path
    outputs: Outputs

    @property
    def files(self) -> dict[str, Path]:
        return self.outputs.files


def write_outputs(trace: FlowTrace, report: Report, run_dir: Path,
                  options: OutputOptions = OutputOptions()) -> Outputs:
    """Trace, reports, the asked-for SARIF and JUnit files, the manifest (last, over every file) and the
    run store's record. A store that cannot take the run is reported, not raised: the evidence is on disk."""
    from auditor.evidence.manifest import MANIFEST, write_manifest
    from auditor.evidence.store import StoreError, record_run
    from auditor.report.json_report import write_reports

    run_dir = Path(run_dir)
    out = Outputs()
    try:
        if options.write_trace:
            write_text_atomic(run_dir / "trace.json", trace.model_dump_json(indent=1))
        out.files["trace"] = run_dir / "trace.json"
        out.files.update(write_reports(report, run_dir))
        if "sarif" in options.formats:
            from auditor.report.sarif import write_sarif

            out.files["sarif"] = write_sarif(report, run_dir)
        if "junit" in options.formats:
            from auditor.report.junit import write_junit

            out.files["junit"] = write_junit(report, run_dir, fail_on=options.fail_on,
                                             max_friction=options.max_friction)
        versions = {h.id: h.version for h in report.heuristics}
        out.manifest_sha256 = write_manifest(run_dir, trace, versions, flow_file=options.flow_file,
                                             source_trace=options.source_trace)
        out.files["manifest"] = run_dir / MANIFEST
    except RunFolderError:
        raise
    except OSError as exc:
        raise RunFolderError(f"cannot write the trace and reports to the run folder {run_dir} "
                             f"({exc.strerror or exc})") from None
    if options.store is not None:
        try:
            record_run(options.store, report, run_dir, manifest_sha256=out.manifest_sha256)
        except StoreError as exc:
            out.store_error = str(exc)
    return out


def audit(flow: Flow, run_dir: Path, browser: str | None = None, include_baseline: bool = True,
          evidence=None, session=None, outputs: OutputOptions = OutputOptions()) -> AuditResult:
    """``evidence`` (auditor.evidence.run_folder.EvidenceOptions) asks for a Playwright trace, video or HAR;
    ``session`` (auditor.gather.session.BrowserSession) is a browser shared with other audits."""
    from auditor.gather.driver import run_flow

    trace = run_flow(flow, run_dir, browser_path=browser, include_baseline=include_baseline, evidence=evidence,
                     session=session)
    if evidence is not None and evidence.video:
        from auditor.evidence.run_folder import tidy_videos

        tidy_videos(run_dir)  # before the reports name them
    report = judge(trace, flow.suppressions())
    return AuditResult(trace, report, run_dir, write_outputs(trace, report, run_dir, outputs))


def rescore(trace: FlowTrace, trace_file: Path, run_dir: Path, outputs: OutputOptions = OutputOptions(),
            suppressions: list = ()) -> tuple[Report, Outputs]:
    """The current heuristics on a saved trace (loaded from ``trace_file``). When ``run_dir`` is not the
    trace's own folder, the trace and the files it names are copied there first (byte for byte: the copy is
    evidence, and the new manifest's ``trace_sha256`` equals the original's trace.json entry); when it is,
    that folder's reports and manifest are rewritten (the CLI's ``--in-place``). ``suppressions``
    (auditor.suppression.Suppression: the flow file's and the project's, as they read now) are applied."""
    from dataclasses import replace

    from auditor.evidence.run_folder import copy_evidence

    elsewhere = Path(run_dir).resolve() != Path(trace_file).parent.resolve()
    if elsewhere:
        copy_evidence(trace_file, run_dir, trace)
    report = judge(trace, list(suppressions))
    return report, write_outputs(trace, report, run_dir, replace(
        outputs, write_trace=False, source_trace=Path(trace_file) if elsewhere else None))


EXPLORED_FLOW = "explored-flow.yaml"  # the paths the search found, as a flow file, kept in the run folder


def explore_and_audit(url: str, goal: str, run_dir: Path, budget=None, browser: str | None = None,
                      user_agent: str | None = None, outputs: OutputOptions = OutputOptions(),
                      session=None, suppressions: list = ()) -> AuditResult:
    """`consent-audit explore`: search the page for the shortest refusal and acceptance paths
    (auditor.gather.explore), write them as a flow file in the run folder, and replay that file exactly
    like a scripted flow (same driver, FlowTrace, heuristics and reports). The Exploration rides in the
    trace, so every report says how each path was found. A page without a consent notice, or one whose
    refusal the search could not find, is judged without a replay (status no-consent-ui or
    goal-unreachable); a page that did not load is incomplete. ``suppressions`` (the project's: the flow is
    generated, so it has none of its own) are applied as ``audit`` applies them."""
    from contextlib import ExitStack

    from auditor.clock import utc_now
    from auditor.exploration import Budget
    from auditor.flow.spec import load_flow
    from auditor.gather.driver import run_flow
    from auditor.gather.explore.search import explore
    from auditor.gather.explore.to_flow import NotReplayable, save_flow
    from auditor.gather.session import browser_session

    run_dir = Path(run_dir)
    (run_dir / EXPLORED_FLOW).unlink(missing_ok=True)  # an earlier run's paths are not this run's
    started = utc_now()
    with ExitStack() as stack:
        if session is None:
            session = stack.enter_context(browser_session(browser))
        exploration = explore(url, goal, budget or Budget(), browser=session.browser, user_agent=user_agent)
        flow, why = None, exploration.reason
        if exploration.status == "found":
            try:
                flow = load_flow(save_flow(exploration, run_dir / EXPLORED_FLOW, user_agent))
            except NotReplayable as exc:
                why = f"the path found cannot be replayed: {exc}"
        if flow is not None:
            trace = run_flow(flow, run_dir, session=session)
        else:
            trace = _unreplayed_trace(exploration, session, started, why)
    trace.exploration = exploration
    report = judge(trace, list(suppressions))
    return AuditResult(trace, report, run_dir, write_outputs(trace, report, run_dir, outputs))


def _unreplayed_trace(exploration, session, started: str, why: str | None) -> FlowTrace:
    """The trace of an exploration with no path to replay: the outcome is the goal path's status.
    ``why``: the page's failure, or why a found path could not be written as a flow."""
    from auditor import __version__
    from auditor.clock import utc_now
    from auditor.gather.explore.to_flow import flow_name
    from auditor.trace import BrowserInfo, FlowInfo, PathTrace

    e = exploration
    if e.status == "no-consent-ui":
        goal = PathTrace(kind="goal", start=e.url, status="no-consent-ui",
                         reason=e.reason or "no consent notice was found on the page")
    elif e.status == "goal-unreachable":
        shown = 10  # the report's exploration section lists every line
        tried = "; ".join(e.tried[:shown]) + (f"; and {len(e.tried) - shown} more" if len(e.tried) > shown else "")
        goal = PathTrace(kind="goal", start=e.url, status="goal-unreachable",
                         reason=f"the search found no way to {e.goal} within its budget "
                                f"({e.actions_spent} actions, {e.seconds:.0f} s); tried: {tried or 'nothing'}")
    else:  # the page failed, or the path found cannot be replayed
        goal = PathTrace(kind="goal", start=e.url, status="incomplete", failure="page-fault",
                         reason=why or "the page failed to load")
    return FlowTrace(tool_version=__version__, flow=FlowInfo(name=flow_name(e), goal=e.goal, start=e.url),
                     browser=BrowserInfo(version=session.browser.version, user_agent=e.user_agent,
                                         executable=session.choice.executable or "playwright-bundled"),
                     started_at=started, ended_at=utc_now(), goal=goal)


DESKTOP = "desktop"  # audit_devices: the flow's own settings, no device emulated


def audit_devices(flow: Flow, devices: list[str], run_dir: Path, browser: str | None = None, evidence=None,
                  session=None, outputs: OutputOptions = OutputOptions()) -> tuple[dict[str, AuditResult], dict[str, Path]]:
    """`--device` given more than once: ``flow`` audited once per device, each into a run folder of its own,
    ``run_dir/<device-slug>/``, then devices.md and devices.json in ``run_dir`` comparing them side by side.
    "desktop" is the flow's own settings. Every name is checked before anything runs (an unknown one is bad
    input listing close matches). Returns the audits by device name, and the comparison's files."""
    import re
    from contextlib import ExitStack

    from auditor.evidence.run_folder import prepare_run_dir
    from auditor.gather.context import device_descriptor
    from auditor.gather.session import browser_session
    from auditor.report.devices import write_comparison

    run_dir = Path(run_dir)
    variants = {name: flow.model_copy(update={"settings": flow.settings.model_copy(
        update={"device": None if name.lower() == DESKTOP else name})}) for name in dict.fromkeys(devices)}
    results: dict[str, AuditResult] = {}
    rows = []
    with ExitStack() as stack:
        if session is None:
            session = stack.enter_context(browser_session(browser))
        for variant in variants.values():
            device_descriptor(variant)  # FlowError before any audit runs
        for name, variant in variants.items():
            folder = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or DESKTOP
            prepare_run_dir(run_dir / folder)
            result = audit(variant, run_dir / folder, include_baseline=True, evidence=evidence, session=session,
                           outputs=outputs)
            results[name] = result
            rows.append(_device_row(name, folder, result))
    run_dir.mkdir(parents=True, exist_ok=True)
    return results, write_comparison(rows, run_dir, flow.name, flow.goal)


def _device_row(name: str, folder: str, result: AuditResult):
    from auditor.report.devices import DeviceRow

    m, situation = result.report.metrics, result.trace.situation
    return DeviceRow(device=DESKTOP if name.lower() == DESKTOP else (situation.device if situation else name),
                     folder=folder, status=result.report.status, touch=bool(situation and situation.has_touch),
                     viewport_width=int((situation.viewport if situation else {}).get("width", 0)),
                     goal_actions=m.goal_clicks, goal_effort_s=m.goal_effort_s, baseline_actions=m.baseline_clicks,
                     baseline_effort_s=m.baseline_effort_s, friction=result.report.friction,
                     findings=len(result.report.findings))
