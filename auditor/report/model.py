"""The Report: one object every reporter renders (terminal, Markdown, HTML, JSON, SARIF, JUnit).

Reporters never compute findings; everything they show is decided by the judge (auditor/judge/verdict.py),
which builds this object from the trace and the findings.
Strings copied from the page stay raw in this object: each renderer escapes for its own medium.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from auditor import __version__
from auditor.exploration import Exploration, FoundPath
from auditor.findings import severity_at_least
from auditor.trace import Box, FlowInfo, Status, is_finished
from auditor.words.wording import plural

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


class HeuristicInfo(BaseModel):
    """A heuristic that judged this trace, as its metadata read then: what SARIF's rules, JUnit's test cases
    and the manifest name, so they render the judge's record instead of asking the registry again."""

    id: str
    title: str
    severity: str
    version: str
    measures: str = ""
    why: str = ""
    fix: str = ""
    edpb: list[str] = Field(default_factory=list)
    provisions: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @property
    def help_url(self) -> str:
        return f"docs/heuristics.md#{self.id}"


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
    heuristics: list[HeuristicInfo] = Field(default_factory=list, description="every heuristic that judged "
                                            "the trace (empty in reports written before this field existed)")
    started_at: str = ""
    ended_at: str = ""
    browser: dict = Field(default_factory=dict)
    exploration: Exploration | None = Field(None, description="how `consent-audit explore` found the paths "
                                            "it audited; None for a scripted flow")

    @property
    def finished(self) -> bool:
        return is_finished(self.status, self.exploration)

    def count(self, severity_floor: str) -> int:
        return sum(severity_at_least(f.severity, severity_floor) for f in self.findings)


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


def no_findings_text(finished: bool) -> str:
    """What every report says when there are no findings: no verdict when the audit did not finish."""
    return ("No findings." if finished
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


def _found(path: FoundPath | None, choice: str) -> str:
    if path is None:
        return f"{choice}: not found"
    how = "closed the consent notice" if path.closed else "left the panel open"
    stored = f", stored {plural(len(path.stored_choice), 'value')}" if path.stored_choice else ""
    return f"{choice}: {plural(path.clicks, 'click')}, the shortest the search could find; {how}{stored}"


def exploration_rows(e: Exploration) -> list[tuple[str, str]]:
    """(what, value) rows saying how `explore` found each path, as every text renderer shows them."""
    b = e.budget
    rows = [("explored", f"{e.url} for the goal '{e.goal}' ({e.status})"),
            ("goal path", _found(e.goal_path, e.goal)),
            ("baseline path", _found(e.baseline_path, "accept")),
            ("search spent", f"{plural(e.states_visited, 'state')} visited, {plural(e.actions_spent, 'action')} "
                             f"of {b.max_actions}, {plural(e.page_loads, 'page load')}, {e.seconds:.1f} s of "
                             f"{b.max_seconds:g} s (depth limit {b.max_depth})"),
            ("budget left", f"{max(b.max_actions - e.actions_spent, 0)} actions, "
                            f"{max(b.max_seconds - e.seconds, 0.0):.1f} s"),
            ("settings layer", ("opened" if e.settings_opened else "not opened")
             + (f"; on by default there: {', '.join(e.settings_defaults_on)}" if e.settings_defaults_on else "")),
            ("user agent", e.user_agent or "–")]
    if e.reason:
        rows.append(("why", e.reason))
    rows += [("tried", t) for t in e.tried]
    return rows
