"""The Report: one object every reporter renders (terminal, Markdown, HTML, JSON, SARIF, JUnit).

Reporters never compute findings; everything they show is decided here, from the trace and the findings.
Strings copied from the page stay raw in this object: each renderer escapes for its own medium.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from auditor import __version__
from auditor.effort import path_effort
from auditor.findings import SEVERITY_ORDER, Finding, severity_at_least
from auditor.scoring import score
from auditor.trace import Box, FlowInfo, FlowTrace, PathTrace, Status
from auditor.wording import goal_gerund, plural

REPORT_SCHEMA_VERSION = 1

class ReportFinding(BaseModel):
    number: int
    heuristic: str
    severity: str
    title: str
    detail: str
    path: str
    step: int | None
    points: float
    measured: dict = Field(default_factory=dict)
    fix: str = ""
    why: str = ""
    edpb: list[str] = Field(default_factory=list)
    provisions: list[str] = Field(default_factory=list)
    url: str | None = None
    screenshot: str | None = None
    element_label: str | None = Field(None, description="the element's visible text: what a person calls it")
    element_accessible_name: str | None = Field(None, description="its accessible name, when it says something "
                                                "else than the visible text (what a screen reader announces)")
    element_box: Box | None = None
    flow_line: int | None = None


class StepSummary(BaseModel):
    number: int
    action: str
    description: str
    url: str
    screenshot: str | None = None
    target_box: Box | None = None
    error: str | None = None


class PathSummary(BaseModel):
    kind: str
    status: Status
    reason: str | None = None
    steps: list[StepSummary]
    final_screenshot: str | None = None


class Metrics(BaseModel):
    goal_steps: int
    goal_clicks: int
    goal_typed_chars: int
    goal_page_loads: int
    goal_inbox_trips: int
    goal_reading_words: int
    goal_effort_s: float
    baseline_steps: int | None = None
    baseline_clicks: int | None = None
    baseline_typed_chars: int | None = None
    baseline_page_loads: int | None = None
    baseline_effort_s: float | None = None
    effort_ratio: float | None = None


class Report(BaseModel):
    schema_version: int = REPORT_SCHEMA_VERSION
    tool_version: str = __version__
    flow: FlowInfo
    status: Status
    reason: str | None = None
    failed_step: int | None = None
    headline: str
    friction: int
    friction_is_lower_bound: bool = False
    band: str
    score_raw: float
    score_capped: bool
    metrics: Metrics
    findings: list[ReportFinding]
    paths: list[PathSummary]
    warnings: list[str] = Field(default_factory=list)
    heuristic_failures: list[str] = Field(default_factory=list)
    started_at: str = ""
    ended_at: str = ""
    browser: dict = Field(default_factory=dict)

    def count(self, severity_floor: str) -> int:
        return sum(severity_at_least(f.severity, severity_floor) for f in self.findings)


def describe_step(spec: dict) -> str:
    """'click "Learn more"' from the step as written: the user's words, not a selector dump."""
    if not spec:
        return ""
    action, arg = next(iter(spec.items()))
    if not isinstance(arg, dict):
        return f"{action} {arg}"
    target = next((arg[k] for k in ("text", "name", "label", "placeholder", "testid", "css", "key", "url")
                   if k in arg), "")
    role = f'{arg["role"]} ' if "role" in arg else ""
    value = f' = "{arg["value"]}"' if "value" in arg and action in {"fill", "select"} else ""
    return f'{action} {role}"{target}"{value}'.strip()


def _num(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def metric_rows(m: Metrics) -> list[tuple[str, str, str]]:
    """(measure, goal path, baseline) as every text renderer shows them; '–' where nothing was measured."""
    return [
        ("steps", _num(m.goal_steps), _num(m.baseline_steps)),
        ("clicks", _num(m.goal_clicks), _num(m.baseline_clicks)),
        ("typed characters", _num(m.goal_typed_chars), _num(m.baseline_typed_chars)),
        ("page loads", _num(m.goal_page_loads), _num(m.baseline_page_loads)),
        ("trips to the mailbox", _num(m.goal_inbox_trips), "–"),
        ("words to read", _num(m.goal_reading_words), "–"),
        ("effort (seconds)", _num(m.goal_effort_s, " s"), _num(m.baseline_effort_s, " s")),
    ]


def finding_place(f: ReportFinding) -> str:
    """Where a finding is, as the text reports say it."""
    if f.step is None:
        return f"whole flow ({f.path} path)"
    return f"step {f.step} on the {f.path} path"


def no_findings_text(status: str) -> str:
    """What every report says when there are no findings: no verdict when the audit did not finish."""
    return ("No findings." if status == "complete"
            else "No findings in the part that was reached; this is not a verdict of low friction.")


def total_text(report: "Report") -> str | None:
    """The closing line of a complete audit: the goal path's steps against the opposite choice's."""
    if report.status != "complete":
        return None
    m = report.metrics
    text = f"In total: {plural(m.goal_steps, 'step')} on the goal path"
    if m.baseline_steps is not None:
        text += f" against {m.baseline_steps} for the opposite choice"
    return text + "."


def _order(f: Finding) -> tuple:
    # Whole-flow findings first (the premise), then the goal path step by step, then the baseline.
    return (f.path != "goal", f.step is not None, f.step or 0, -SEVERITY_ORDER[f.severity])


def _summarise(path: PathTrace) -> PathSummary:
    steps = []
    for s in path.steps:
        el = s.target_element
        steps.append(StepSummary(number=s.number, action=s.action, description=describe_step(s.spec),
                                 url=s.url, screenshot=s.screenshot, target_box=el.box if el else None,
                                 error=s.error))
    return PathSummary(kind=path.kind, status=path.status, reason=path.reason, steps=steps,
                       final_screenshot=path.final_screenshot)


def headline(trace: FlowTrace, metrics: Metrics) -> str:
    verb = goal_gerund(trace.flow.goal)
    if trace.status != "complete":
        where = f" at step {trace.goal.failed_step}" if trace.goal.failed_step else ""
        return (f"Audit {trace.status}{where}: {trace.goal.reason or 'unknown reason'}. "
                "The figures below cover only what was reached; they are not a verdict of low friction.")
    pages = metrics.goal_page_loads + 1
    goal = (f"{verb} takes about {metrics.goal_effort_s:.0f} s, {plural(metrics.goal_clicks, 'click')}"
            f" and {plural(pages, 'page')}")
    if metrics.goal_typed_chars:
        goal += f", typing {metrics.goal_typed_chars} characters"
    if metrics.goal_inbox_trips:
        goal += f" and {plural(metrics.goal_inbox_trips, 'trip')} to the mailbox"
    if metrics.baseline_clicks is None:
        return goal + "; no baseline (the opposite choice) was audited for comparison."
    taps = plural(metrics.baseline_clicks, "tap")
    return f"{goal}; accepting takes {taps} (about {metrics.baseline_effort_s:.0f} s)."


def build_report(trace: FlowTrace, findings: list[Finding], heuristic_failures: list[str],
                 meta: dict) -> Report:
    findings = sorted(findings, key=_order)
    s = score(findings, meta)
    goal_effort = path_effort(trace.goal)
    metrics = Metrics(goal_steps=len(trace.goal.steps), goal_clicks=trace.goal.clicks,
                      goal_typed_chars=trace.goal.typed_chars, goal_page_loads=trace.goal.page_loads,
                      goal_inbox_trips=goal_effort.inbox_trips, goal_reading_words=goal_effort.reading_words,
                      goal_effort_s=goal_effort.seconds)
    if trace.baseline is not None:
        base_effort = path_effort(trace.baseline)
        metrics.baseline_steps = len(trace.baseline.steps)
        metrics.baseline_clicks = trace.baseline.clicks
        metrics.baseline_typed_chars = trace.baseline.typed_chars
        metrics.baseline_page_loads = trace.baseline.page_loads
        metrics.baseline_effort_s = base_effort.seconds
        if base_effort.seconds > 0:
            metrics.effort_ratio = round(goal_effort.seconds / base_effort.seconds, 1)

    paths = {"goal": trace.goal, "baseline": trace.baseline}
    out: list[ReportFinding] = []
    for f, contribution in zip(findings, s.contributions):
        m = meta.get(f.heuristic)
        path = paths.get(f.path)
        step = path.steps[f.step - 1] if path and f.step and 0 < f.step <= len(path.steps) else None
        element = step.snapshot.element(f.element) if step and step.snapshot else None
        out.append(ReportFinding(
            number=contribution.finding, heuristic=f.heuristic, severity=f.severity, title=f.title,
            detail=f.detail, path=f.path, step=f.step, points=contribution.points, measured=f.measured,
            fix=f.fix, why=m.why if m else "", edpb=list(m.edpb) if m else [],
            provisions=list(m.provisions) if m else [], url=step.url if step else None,
            screenshot=step.screenshot if step else None,
            element_label=element.label_text if element else None,
            element_accessible_name=element.name if element and element.accessible_name_differs else None,
            element_box=element.box if element else None, flow_line=step.flow_line if step else None))

    warnings = [f"goal step {s.number}: {w}" for s in trace.goal.steps for w in s.warnings]
    if trace.baseline is not None:
        warnings += [f"baseline step {s.number}: {w}" for s in trace.baseline.steps for w in s.warnings]
        if trace.baseline.status != "complete":
            warnings.append(f"baseline {trace.baseline.status}: {trace.baseline.reason}; comparisons with "
                            "the opposite choice are unreliable")
    return Report(flow=trace.flow, status=trace.status, reason=trace.goal.reason,
                  failed_step=trace.goal.failed_step, headline=headline(trace, metrics),
                  friction=s.friction, friction_is_lower_bound=trace.status != "complete", band=s.band,
                  score_raw=s.raw, score_capped=s.capped, metrics=metrics, findings=out,
                  paths=[_summarise(p) for p in paths.values() if p is not None], warnings=warnings,
                  heuristic_failures=heuristic_failures, started_at=trace.started_at,
                  ended_at=trace.ended_at, browser=trace.browser.model_dump())
