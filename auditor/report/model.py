"""The Report: one object every reporter renders (terminal, Markdown, HTML, JSON, SARIF, JUnit).

Reporters never compute findings; everything they show is decided by the judge (auditor/judge/verdict.py),
which builds this object from the trace and the findings.
Strings copied from the page stay raw in this object: each renderer escapes for its own medium.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from auditor import __version__
from auditor.aftermath.compare import Comparison
from auditor.exploration import Exploration, FoundPath
from auditor.findings import Figure, severity_at_least
from auditor.suppression import Suppression, SuppressionNote, mark_text
from auditor.trace import Box, FlowInfo, Situation, Status, is_finished
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
    suppressed: Suppression | None = Field(None, description="the team's suppression covering this finding: it "
                                           "stays in the report but adds no points and trips no gate")

    @property
    def suppressed_text(self) -> str | None:
        """'suppressed: <reason> (until <date>)', or None."""
        return mark_text(self.suppressed) if self.suppressed is not None else None


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
    requires: list[str] = Field(default_factory=list, description="the parts of the trace it needs "
                                "(docs/heuristics.md#trace-parts); without one it is not applicable")
    figures: list[Figure] | None = Field(None, description="the figures its findings' measured object may "
                                         "carry, with labels and units (None: it declares none)")

    @property
    def help_url(self) -> str:
        return f"docs/heuristics.md#{self.id}"


OutcomeKind = Literal["fired", "passed", "incomplete", "not-applicable", "error"]


class HeuristicOutcome(BaseModel):
    """What one heuristic concluded on this trace: ``fired`` (it found something), ``passed`` (it checked
    and found nothing; ``text`` says what it measured), ``incomplete`` (it applied and found nothing, but a
    measurement it needs could not be made: ``incomplete`` says which and why, ``text`` what it did
    measure; the score is then a lower bound for it), ``not-applicable`` (the trace lacks what it needs;
    ``missing`` names the parts, ``text`` says why) or ``error`` (it raised; ``text`` keeps the message, and
    the score is then a lower bound). A fired outcome may carry ``incomplete`` too (its findings stand)."""

    id: str
    outcome: OutcomeKind
    findings: int = Field(0, description="number of findings (fired only), suppressed ones included")
    suppressed: int = Field(0, description="how many of its findings a suppression covers; a heuristic whose "
                            "findings are all suppressed still 'fired' (it found them) but adds no points")
    points: float = Field(0.0, description="points its findings add to the friction score")
    text: str = Field("", description="passed and incomplete: what was checked; not-applicable: what is "
                      "absent; error: the exception")
    missing: list[str] = Field(default_factory=list, description="not-applicable: the required trace parts absent")
    incomplete: str = Field("", description="incomplete (and a fired outcome whose check was partly incomplete): "
                            "what could not be measured and why; it adds no points and trips no gate, but "
                            "the score is a lower bound")


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
    friction_is_lower_bound: bool = Field(False, description="the score may be understated: the audit did "
                                          "not finish, a heuristic raised an error, or one could not "
                                          "complete its check (lower_bound_text says which)")
    band: str
    score_raw: float = Field(description="the findings' points summed, unbounded: the friction headline is "
                             "100 * (1 - exp(-score_raw / 80)) (docs/scoring.md)")
    score_capped: bool = Field(description="the headline has saturated (rounds to 100, past about 420 raw "
                               "points): only score_raw still tells worse flows apart")
    category_points: dict[str, float] = Field(default_factory=dict, description="raw points per EDPB "
                                              "category ('4.4 Obstructing'), largest first; they add up to "
                                              "score_raw (empty in reports written before this field existed)")
    metrics: Metrics
    findings: list[ReportFinding]
    paths: list[PathSummary]
    warnings: list[str] = Field(default_factory=list)
    heuristic_failures: list[str] = Field(default_factory=list, description="every heuristic that raised, as "
                                          "'id: ExceptionType: message' (the error outcomes); the score is then "
                                          "a lower bound")
    heuristics: list[HeuristicInfo] = Field(default_factory=list, description="every heuristic that judged "
                                            "the trace (empty in reports written before this field existed)")
    outcomes: list[HeuristicOutcome] = Field(default_factory=list, description="one outcome per heuristic "
                                             "(empty in reports written before this field existed)")
    suppressions: list[SuppressionNote] = Field(default_factory=list, description="every suppression that "
                                                "applied to this flow and what it did (applied, unused, expired)")
    situation: Situation | None = Field(None, description="who the site saw: device, touch, sign-in, region, "
                                        "exit IP (None: the flow's default desktop browser, signed out)")
    after_choice: Comparison | None = Field(None, description="what each path left behind after its choice "
                                            "(cookies, trackers, the decoded consent string), side by side")
    started_at: str = ""
    ended_at: str = ""
    browser: dict = Field(default_factory=dict)
    exploration: Exploration | None = Field(None, description="how `consent-audit explore` found the paths "
                                            "it audited; None for a scripted flow")

    @property
    def finished(self) -> bool:
        return is_finished(self.status, self.exploration)

    def count(self, severity_floor: str) -> int:
        """Findings at or above a severity that count: suppressed ones trip no gate."""
        return sum(severity_at_least(f.severity, severity_floor) for f in self.counted)

    @property
    def counted(self) -> list[ReportFinding]:
        """The findings that are not suppressed: what the score and the gates judge."""
        return [f for f in self.findings if f.suppressed is None]

    @property
    def touch(self) -> bool:
        return bool(self.situation and self.situation.has_touch)

    def outcomes_of(self, *kinds: str) -> list[HeuristicOutcome]:
        return [o for o in self.outcomes if o.outcome in kinds]

    def figures_of(self, heuristic: str) -> list[Figure] | None:
        """The figures ``heuristic`` declares, as the judge recorded them (None: unknown or undeclared)."""
        return next((h.figures for h in self.heuristics if h.id == heuristic), None)


def _num(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def metric_rows(m: Metrics, touch: bool = False) -> list[tuple[str, str, str]]:
    """(measure, goal path, baseline) as every text renderer shows them; '–' where nothing was measured.
    ``touch``: the audit ran on a touch screen, where the clicks were taps."""
    return [
        ("steps", _num(m.goal_steps), _num(m.baseline_steps)),
        ("taps" if touch else "clicks", _num(m.goal_clicks), _num(m.baseline_clicks)),
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


def no_findings_text(finished: bool, errors: int = 0, incomplete: int = 0) -> str:
    """What every report says when there are no findings: no verdict when the audit did not finish, a
    heuristic raised, or one could not complete its check (what it could not measure was not judged)."""
    if not finished:
        return "No findings in the part that was reached; this is not a verdict of low friction."
    if errors:
        return (f"No findings from the heuristics that ran; {plural(errors, 'heuristic')} raised an error, so this "
                "is not a verdict of low friction.")
    if incomplete:
        return (f"No findings; {plural(incomplete, 'heuristic')} could not complete {_its(incomplete)} check, so "
                "this is not a verdict of low friction.")
    return "No findings."


def _its(n: int) -> str:
    return "its" if n == 1 else "their"


OUTCOME_WORDS = {"fired": "fired", "passed": "passed", "incomplete": "incomplete",
                 "not-applicable": "not applicable", "error": "error"}
PARTLY_INCOMPLETE = "fired, check partly incomplete"


def incomplete_checks(report: "Report") -> list[HeuristicOutcome]:
    """Every heuristic whose check could not be completed: the incomplete outcomes, and the fired ones that
    could not measure everything (their findings stand). The score is a lower bound for each of them."""
    return [o for o in report.outcomes if o.incomplete and o.outcome in ("incomplete", "fired")]


def incomplete_text(o: HeuristicOutcome) -> str:
    """What an incomplete check could not measure, then what it did (or that its findings stand), as every
    report says it."""
    return f"{o.incomplete}; {'its findings stand' if o.outcome == 'fired' else o.text}"


def outcome_counts_text(report: "Report") -> str | None:
    """'17 heuristics: 9 fired, 6 passed, 1 not applicable, 1 error' (None for reports without outcomes)."""
    if not report.outcomes:
        return None
    counts = [f"{len(report.outcomes_of(kind))} {word}" for kind, word in OUTCOME_WORDS.items()
              if report.outcomes_of(kind)]
    text = f"{plural(len(report.outcomes), 'heuristic')}: {', '.join(counts)}"
    muted = [o for o in report.outcomes_of("fired") if o.findings and o.suppressed == o.findings]
    if muted:  # they did fire (the findings are in the report), but nothing of theirs counts
        text += f" ({len(muted)} fired only suppressed findings)"
    return text


def checked_rows(report: "Report") -> list[tuple[str, str, str, str]]:
    """(heuristic id, outcome kind, outcome in words, what it checked or why not) for every heuristic that
    did not fire, and every fired one whose check was partly incomplete: the "What was checked" section, so
    "no findings" is visibly different from "nothing was checked" and from "could not check". Grouped:
    errors first, then incomplete checks (the score is a lower bound because of both), then passes, then
    the not applicable."""
    rows = [(o.id, "error", OUTCOME_WORDS["error"], o.text) for o in report.outcomes_of("error")]
    rows += [(o.id, "incomplete", PARTLY_INCOMPLETE if o.outcome == "fired" else OUTCOME_WORDS["incomplete"],
              incomplete_text(o)) for o in incomplete_checks(report)]
    return rows + [(o.id, kind, OUTCOME_WORDS[kind], o.text) for kind in ("passed", "not-applicable")
                   for o in report.outcomes_of(kind)]


def lower_bound_text(report: "Report") -> str | None:
    """Why the score is a lower bound, in one sentence (None when it is not)."""
    if not report.friction_is_lower_bound:
        return None
    why = []
    if not report.finished:
        why.append("the audit did not finish: the score covers only the steps reached")
    if report.heuristic_failures:
        ids = ", ".join(h.split(":", 1)[0] for h in report.heuristic_failures)
        they = "it checks" if len(report.heuristic_failures) == 1 else "they check"
        why.append(f"{plural(len(report.heuristic_failures), 'heuristic')} raised an error ({ids}), so what "
                   f"{they} was not judged")
    incomplete = incomplete_checks(report)
    if incomplete:
        ids = ", ".join(o.id for o in incomplete)
        why.append(f"{plural(len(incomplete), 'heuristic')} could not complete {_its(len(incomplete))} check "
                   f"({ids}): what could not be measured was not judged, so {_its(len(incomplete))} points "
                   "may be understated")
    text = "; ".join(why)
    return text[:1].upper() + text[1:] + "." if text else None


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


def situation_text(report: "Report") -> str | None:
    """'iPhone 13 (touch, 390x664), signed in (login ran, 3 steps), region eu via http://127.0.0.1:3128, exit IP
    203.0.113.7': who the site saw, for the report's header (None: the default desktop, signed out, direct)."""
    s = report.situation
    if s is None:
        return None
    parts = []
    size = f"{s.viewport.get('width')}x{s.viewport.get('height')}" if s.viewport.get("width") else ""
    if s.device or s.has_touch:
        details = ", ".join(d for d in ("touch" if s.has_touch else "", size) if d)
        parts.append(f"{s.device or 'touch screen'}" + (f" ({details})" if details else ""))
    if s.signed_in == "storage-state":
        parts.append("signed in (storage state)")
    elif s.signed_in:
        how = (s.login or "login").removeprefix("signed in: ")
        parts.append(f"signed in ({'storage state + ' if s.signed_in == 'storage-state+login' else ''}{how})")
    if s.region or s.proxy:
        parts.append(" ".join(p for p in (f"region {s.region}" if s.region else "",
                                          f"via {s.proxy}" if s.proxy else "") if p))
    if s.exit_ip:
        parts.append(f"exit IP {s.exit_ip}")
    return ", ".join(parts) or None


def is_citation(f: ReportFinding) -> bool:
    """A 0-point info finding that cites another heuristic's measurement (visual-asymmetry citing the
    dimensions hidden-affordance charged on the same control): evidence, not a fault of its own."""
    return f.severity == "info" and not f.points and bool(f.measured.get("cited_from_hidden_affordance"))


def points_text(f: ReportFinding) -> str:
    """'+20 points', '0 points (suppressed)' or 'cited, 0 points'."""
    if f.suppressed is not None:
        return "0 points (suppressed)"
    if is_citation(f):
        return "cited, 0 points"
    return f"+{f.points:g} points"


def findings_text(report: "Report") -> str:
    """'5 findings (2 suppressed)'."""
    hidden = len(report.findings) - len(report.counted)
    return plural(len(report.findings), "finding") + (f" ({hidden} suppressed)" if hidden else "")


def score_note(report: "Report") -> str:
    """'190 raw points' and, once the headline has saturated, why raw points still matter."""
    text = f"{report.score_raw:g} raw points"
    if report.score_capped:
        text += "; the score has saturated at 100, raw points tell worse flows apart"
    return text


def category_rows(report: "Report") -> list[tuple[str, str]]:
    """(EDPB category, raw points) for the score's breakdown by category, largest first."""
    return [(name, f"{points:g}") for name, points in report.category_points.items()]


SUPPRESSION_WORDS = {"applied": "applied", "unused": "matched nothing", "expired": "expired"}


def suppression_rows(report: "Report") -> list[tuple[str, str, str, str]]:
    """(what it aims at, reason and date, what it did, where it is written) for every suppression."""
    rows = []
    for n in report.suppressions:
        s = n.suppression
        did = SUPPRESSION_WORDS[n.status] + (f" ({plural(n.matched, 'finding')})" if n.matched else "")
        rows.append((s.describe(), mark_text(s).removeprefix("suppressed: "), did, f"{s.source} ({s.kind})"))
    return rows
