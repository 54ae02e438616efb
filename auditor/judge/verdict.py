"""The verdict: heuristics run on a FlowTrace, their findings scored, and the one Report every reporter
renders built from them. Judging ends here; reporters only render what this returns."""

from __future__ import annotations

from auditor.findings import SEVERITY_ORDER, Finding
from auditor.judge.scoring import score
from auditor.measure.effort import path_effort
from auditor.report.model import (
    HeuristicInfo,
    Metrics,
    PathSummary,
    Report,
    ReportFinding,
    StepSummary,
)
from auditor.trace import FlowTrace, PathTrace
from auditor.words.wording import goal_gerund, plural
from heuristics.registry import metadata, run_all


def judge(trace: FlowTrace) -> Report:
    """Heuristics and scoring on a trace: no browser, so saved traces can be re-scored any time."""
    findings, failures = run_all(trace)
    return build_report(trace, findings, failures, metadata())


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
    explored = trace.exploration
    if trace.finished and explored is not None and trace.status == "no-consent-ui":
        return f"No consent notice was found on {explored.url}: nothing to refuse, nothing to audit."
    if trace.finished and explored is not None and trace.status == "goal-unreachable":
        return (f"No way to {explored.goal} was found in the consent notice within the search budget "
                f"({plural(explored.states_visited, 'state')}, {plural(explored.actions_spent, 'click')}): "
                "a dead end (see the finding).")
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
                  friction=s.friction, friction_is_lower_bound=not trace.finished, band=s.band,
                  score_raw=s.raw, score_capped=s.capped, metrics=metrics, findings=out,
                  paths=[_summarise(p) for p in paths.values() if p is not None], warnings=warnings,
                  heuristic_failures=heuristic_failures, heuristics=_catalogue(meta), exploration=trace.exploration,
                  started_at=trace.started_at,
                  ended_at=trace.ended_at, browser=trace.browser.model_dump())


def _catalogue(meta: dict) -> list[HeuristicInfo]:
    return [HeuristicInfo(id=m.id, title=m.title, severity=m.severity, version=m.version, measures=m.measures,
                          why=m.why, fix=m.fix, edpb=list(m.edpb), provisions=list(m.provisions), tags=list(m.tags))
            for _, m in sorted(meta.items())]
