"""The verdict: heuristics run on a FlowTrace, their findings scored, and the one Report every reporter
renders built from them. Judging ends here; reporters only render what this returns."""

from __future__ import annotations

from datetime import date

from auditor.aftermath.compare import compare
from auditor.findings import SEVERITY_ORDER, Finding
from auditor.judge.figures import declared
from auditor.judge.scoring import score
from auditor.judge.suppress import apply_suppressions
from auditor.judge.suppress import warnings as suppression_warnings
from auditor.measure.effort import path_effort
from auditor.report.model import (
    HeuristicInfo,
    HeuristicOutcome,
    Metrics,
    PathSummary,
    Report,
    ReportFinding,
    StepSummary,
)
from auditor.suppression import Suppression
from auditor.trace import FlowTrace, PathTrace
from auditor.words.wording import goal_gerund, plural
from heuristics.base import Outcome
from heuristics.registry import metadata, run_all


def judge(trace: FlowTrace, suppressions: list[Suppression] = ()) -> Report:
    """Heuristics and scoring on a trace: no browser, so saved traces can be re-scored any time.
    ``suppressions`` (the flow file's and the project's) take the findings they cover out of the score."""
    return build_report(trace, run_all(trace), metadata(), suppressions)


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
    action = "tap" if trace.situation is not None and trace.situation.has_touch else "click"
    goal = (f"{verb} takes about {metrics.goal_effort_s:.0f} s, {plural(metrics.goal_clicks, action)}"
            f" and {plural(pages, 'page')}")
    if metrics.goal_typed_chars:
        goal += f", typing {metrics.goal_typed_chars} characters"
    if metrics.goal_inbox_trips:
        goal += f" and {plural(metrics.goal_inbox_trips, 'trip')} to the mailbox"
    if metrics.baseline_clicks is None:
        return goal + "; no baseline (the opposite choice) was audited for comparison."
    taps = plural(metrics.baseline_clicks, "tap")
    return f"{goal}; accepting takes {taps} (about {metrics.baseline_effort_s:.0f} s)."


def build_report(trace: FlowTrace, outcomes: list[Outcome], meta: dict, suppressions: list[Suppression] = (),
                 today: date | None = None) -> Report:
    """The Report of ``outcomes`` (one per heuristic, from heuristics.registry.run_all) on ``trace``; the
    findings ``suppressions`` cover (as of ``today``, UTC by default) stay in it but add no points."""
    paths = {"goal": trace.goal, "baseline": trace.baseline}
    ordered = sorted((f for o in outcomes for f in o.findings), key=_order)
    placed = [(f, *_place(f, paths)) for f in ordered]
    judged, notes = apply_suppressions([(f, el.label_text if el else None) for f, _, el in placed],
                                       list(suppressions), today)
    counted = [j.finding for j in judged if j.suppression is None]
    s = score(counted, meta)
    points = iter(s.contributions)
    errors = [f"{o.heuristic}: {o.text}" for o in outcomes if o.kind == "error"]
    # a check that could not measure something may have missed a finding: the score is a lower bound
    incomplete = any(o.incomplete for o in outcomes if o.kind in ("incomplete", "fired"))
    metrics = _metrics(trace)

    out: list[ReportFinding] = []
    for number, ((f, step, element), j) in enumerate(zip(placed, judged), start=1):
        m = meta.get(f.heuristic)
        out.append(ReportFinding(
            number=number, heuristic=f.heuristic, severity=f.severity, title=f.title,
            detail=f.detail, path=f.path, step=f.step,
            points=next(points).points if j.suppression is None else 0.0, measured=f.measured,
            fix=f.fix, why=m.why if m else "", edpb=list(m.edpb) if m else [],
            provisions=list(m.provisions) if m else [], url=step.url if step else None,
            screenshot=step.screenshot if step else None,
            element_label=element.label_text if element else None,
            element_accessible_name=element.name if element and element.accessible_name_differs else None,
            element_box=element.box if element else None, flow_line=step.flow_line if step else None,
            suppressed=j.suppression))

    warnings = [f"goal step {s.number}: {w}" for s in trace.goal.steps for w in s.warnings]
    if trace.baseline is not None:
        warnings += [f"baseline step {s.number}: {w}" for s in trace.baseline.steps for w in s.warnings]
        if trace.baseline.status != "complete":
            warnings.append(f"baseline {trace.baseline.status}: {trace.baseline.reason}; comparisons with "
                            "the opposite choice are unreliable")
    warnings += suppression_warnings(notes)
    return Report(flow=trace.flow, status=trace.status, reason=trace.goal.reason,
                  failed_step=trace.goal.failed_step, headline=headline(trace, metrics),
                  friction=s.friction, friction_is_lower_bound=not trace.finished or bool(errors) or incomplete,
                  band=s.band,
                  score_raw=s.raw, score_capped=s.capped, category_points=s.categories, metrics=metrics,
                  findings=out, paths=[_summarise(p) for p in paths.values() if p is not None], warnings=warnings,
                  heuristic_failures=errors, heuristics=_catalogue(meta), outcomes=_outcomes(outcomes, out),
                  suppressions=notes, situation=trace.situation, after_choice=_after_choice(trace),
                  exploration=trace.exploration,
                  started_at=trace.started_at,
                  ended_at=trace.ended_at, browser=trace.browser.model_dump())


def _place(f: Finding, paths: dict):
    """The step a finding is at and the element it names (None for whole-flow findings)."""
    path = paths.get(f.path)
    step = path.steps[f.step - 1] if path and f.step and 0 < f.step <= len(path.steps) else None
    element = step.snapshot.element(f.element) if step and step.snapshot else None
    return step, element


def _metrics(trace: FlowTrace) -> Metrics:
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
    return metrics


def _after_choice(trace: FlowTrace):
    """The two paths' consequences side by side, when either captured what its choice left behind."""
    if not any(p is not None and p.aftermath is not None for p in (trace.goal, trace.baseline)):
        return None
    return compare(trace)


def _outcomes(outcomes: list[Outcome], findings: list[ReportFinding]) -> list[HeuristicOutcome]:
    points: dict[str, float] = {}
    suppressed: dict[str, int] = {}
    for f in findings:
        points[f.heuristic] = round(points.get(f.heuristic, 0.0) + f.points, 1)
        suppressed[f.heuristic] = suppressed.get(f.heuristic, 0) + (f.suppressed is not None)
    return [HeuristicOutcome(id=o.heuristic, outcome=o.kind, findings=len(o.findings),
                             suppressed=suppressed.get(o.heuristic, 0), points=points.get(o.heuristic, 0.0),
                             text=o.text, missing=list(o.missing), incomplete=o.incomplete)
            for o in sorted(outcomes, key=lambda o: o.heuristic)]


def _catalogue(meta: dict) -> list[HeuristicInfo]:
    return [HeuristicInfo(id=m.id, title=m.title, severity=m.severity, version=m.version, measures=m.measures,
                          why=m.why, fix=m.fix, edpb=list(m.edpb), provisions=list(m.provisions), tags=list(m.tags),
                          requires=[p.value for p in m.requires], figures=declared(m))
            for _, m in sorted(meta.items())]
