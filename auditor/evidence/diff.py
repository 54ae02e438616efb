"""What changed between two audits of the same flow: new, fixed and changed findings, metric and friction deltas.

Findings are matched by heuristic, path and step (and, among several at the same place, by the element
they name, then by order). A matched pair whose severity or measured figures differ is *changed*; the
figures are compared field by field as the heuristic declares them (label and unit: "Clicks (goal path)
5 clicks -> 3 clicks"), a key no model declares by its name.
A finding a team's suppression covers (docs/suppressions.md) is not an open problem: a matched pair that
became suppressed or stopped being suppressed is reported as such (never as fixed or new), and a suppressed
finding that appears or disappears is kept apart from the new and fixed ones. A finding suppressed in both runs
whose suppression now gives another reason or another end date is listed too (with both reasons and where each
was written): the team's judgement changed even though the score did not. A suppression that only moved to
another line is not a change.
Given run folders, the wording of the first page is compared too, read from each run's HTML evidence
(auditor/evidence/page_words.py): a notice that now says something else is a change a reader must see.
Works on run folders or report.json files; never opens a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.evidence.page_words import first_page_sentences
from auditor.judge.figures import figures_of
from auditor.report.evidence_table import MISSING, figure_cells
from auditor.report.model import Report, ReportFinding


class DiffInputError(ValueError):
    pass


@dataclass
class Change:
    before: ReportFinding
    after: ReportFinding

    @property
    def what(self) -> list[str]:
        out = []
        if self.before.severity != self.after.severity:
            out.append(f"severity {self.before.severity} -> {self.after.severity}")
        before = {c.key: c for c in figure_cells(self.before.measured, figures_of(self.before.heuristic))}
        after = {c.key: c for c in figure_cells(self.after.measured, figures_of(self.after.heuristic))}
        for key in dict.fromkeys([*after, *before]):
            a, b = before.get(key), after.get(key)
            if (a.raw if a else None) != (b.raw if b else None):
                c = b or a
                label = c.side_label if c.declared else key  # an undeclared key is named as it is
                out.append(f"{label}: {a.text if a else MISSING} -> {b.text if b else MISSING}")
        return out


@dataclass
class MetricDelta:
    name: str
    before: float | int | None
    after: float | int | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 3)


@dataclass
class WordingChange:
    """Sentences of the goal path's first page that only the earlier or only the later run shows."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class RunDiff:
    a: Report
    b: Report
    a_label: str
    b_label: str
    new: list[ReportFinding] = field(default_factory=list)  # open findings only: new problems
    fixed: list[ReportFinding] = field(default_factory=list)  # open findings only: problems gone
    changed: list[Change] = field(default_factory=list)
    unchanged: list[ReportFinding] = field(default_factory=list)
    now_suppressed: list[Change] = field(default_factory=list)  # open before, accepted by the team after
    unsuppressed: list[Change] = field(default_factory=list)  # suppressed before, open again after
    new_suppressed: list[ReportFinding] = field(default_factory=list)  # appeared already suppressed
    gone_suppressed: list[ReportFinding] = field(default_factory=list)  # suppressed before, not found after
    suppression_changed: list[Change] = field(default_factory=list)  # suppressed in both, another reason or until
    metrics: list[MetricDelta] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    wording: WordingChange | None = None  # None: a run has no HTML evidence of its first page

    @property
    def friction_delta(self) -> int:
        return self.b.friction - self.a.friction

    @property
    def any_change(self) -> bool:
        return bool(self.new or self.fixed or self.changed or self.friction_delta or self.now_suppressed
                    or self.unsuppressed or self.new_suppressed or self.gone_suppressed or self.suppression_changed
                    or any(m.before != m.after for m in self.metrics)
                    or (self.wording and (self.wording.added or self.wording.removed)))


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def load_report(location: Path) -> tuple[Report, str]:
    """A Report from a run folder (its report.json) or a report.json path."""
    path = Path(location)
    file = path / "report.json" if path.is_dir() else path
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiffInputError(f"{location}: no report.json (expected a run folder or its report.json)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DiffInputError(f"{file}: cannot read ({exc})") from None
    try:
        return Report.model_validate_json(text), str(location)
    except ValueError as exc:
        first = str(exc).strip().splitlines()
        raise DiffInputError(f"{file}: not a consent-audit report.json ({first[0] if first else exc})") from None


def _key(f: ReportFinding) -> tuple:
    return (f.heuristic, f.path, f.step)


def diff_reports(a: Report, b: Report, a_label: str = "A", b_label: str = "B") -> RunDiff:
    d = RunDiff(a=a, b=b, a_label=a_label, b_label=b_label)
    if a.flow.name != b.flow.name or a.flow.goal != b.flow.goal:
        d.warnings.append(f"the runs audit different flows ({a.flow.name!r}, goal {a.flow.goal} vs "
                          f"{b.flow.name!r}, goal {b.flow.goal}); the comparison may not mean much")
    elif a.flow.sha256 and b.flow.sha256 and a.flow.sha256 != b.flow.sha256:
        d.warnings.append("the flow file changed between the runs (different sha256)")
    for r, label in ((a, a_label), (b, b_label)):
        if r.status != "complete":
            d.warnings.append(f"{label} is {r.status}: its findings cover only what was reached")
    groups_a: dict[tuple, list[ReportFinding]] = {}
    groups_b: dict[tuple, list[ReportFinding]] = {}
    for f in a.findings:
        groups_a.setdefault(_key(f), []).append(f)
    for f in b.findings:
        groups_b.setdefault(_key(f), []).append(f)
    for key in list(dict.fromkeys([*groups_a, *groups_b])):
        left, right = list(groups_a.get(key, [])), list(groups_b.get(key, []))
        pairs = []
        for f in list(left):  # first pair by element, then by order
            match = next((g for g in right if g.element_label == f.element_label), None)
            if match is not None:
                pairs.append((f, match))
                left.remove(f)
                right.remove(match)
        pairs += list(zip(left, right))
        n = min(len(left), len(right))
        for f in left[n:]:
            (d.gone_suppressed if f.suppressed else d.fixed).append(f)
        for f in right[n:]:
            (d.new_suppressed if f.suppressed else d.new).append(f)
        for before, after in pairs:
            if before.suppressed is None and after.suppressed is not None:
                d.now_suppressed.append(Change(before, after))
            elif before.suppressed is not None and after.suppressed is None:
                d.unsuppressed.append(Change(before, after))
            elif _judgement_changed(before, after):
                d.suppression_changed.append(Change(before, after))
            elif before.severity != after.severity or before.measured != after.measured:
                d.changed.append(Change(before, after))
            else:
                d.unchanged.append(after)
    ma, mb = a.metrics.model_dump(), b.metrics.model_dump()
    d.metrics = [MetricDelta(name, ma.get(name), mb.get(name)) for name in ma]
    return d


def _judgement_changed(before: ReportFinding, after: ReportFinding) -> bool:
    """Suppressed in both runs, for another reason or until another date."""
    a, b = before.suppressed, after.suppressed
    return a is not None and b is not None and (a.reason, a.until) != (b.reason, b.until)


def diff_runs(run_a: Path, run_b: Path) -> RunDiff:
    a, la = load_report(run_a)
    b, lb = load_report(run_b)
    d = diff_reports(a, b, la, lb)
    d.wording = _wording(Path(run_a), Path(run_b))
    return d


def _run_folder(location: Path) -> Path:
    return location if location.is_dir() else location.parent


def _wording(run_a: Path, run_b: Path) -> WordingChange | None:
    before, after = first_page_sentences(_run_folder(run_a)), first_page_sentences(_run_folder(run_b))
    if before is None or after is None:
        return None
    seen_before, seen_after = set(before), set(after)
    return WordingChange(removed=[s for s in before if s not in seen_after],
                         added=[s for s in after if s not in seen_before])


def _where(f: ReportFinding) -> str:
    return f"{f.path} step {f.step}" if f.step is not None else f"{f.path} (whole flow)"


def _finding_rows(d: RunDiff) -> list[tuple[str, str, str, str, str]]:
    """(change, rule, where, severity, title or what changed) for every new, fixed and changed finding."""
    rows = [("new", f.heuristic, _where(f), f.severity, f.title) for f in d.new]
    rows += [("fixed", f.heuristic, _where(f), f.severity, f.title) for f in d.fixed]
    for label, changes in (("changed", d.changed), ("now suppressed", d.now_suppressed),
                           ("no longer suppressed", d.unsuppressed)):
        for c in changes:
            sev = c.after.severity if c.before.severity == c.after.severity else \
                f"{c.before.severity} -> {c.after.severity}"
            text = "; ".join(c.what) if label == "changed" else "; ".join([c.after.title, *c.what])
            if label == "now suppressed":
                text += f" ({c.after.suppressed_text})"
            elif label == "no longer suppressed":
                text += f" (was {c.before.suppressed_text})"
            rows.append((label, c.after.heuristic, _where(c.after), sev, text))
    rows += [("new, suppressed", f.heuristic, _where(f), f.severity, f"{f.title} ({f.suppressed_text})")
             for f in d.new_suppressed]
    rows += [("gone, was suppressed", f.heuristic, _where(f), f.severity, f.title) for f in d.gone_suppressed]
    rows += [("suppression changed", c.after.heuristic, _where(c.after), c.after.severity,
              "; ".join([c.after.title, *c.what]) + f" (was {_suppression_text(c.before)}, now "
              f"{_suppression_text(c.after)})") for c in d.suppression_changed]
    return rows


def _suppression_text(f: ReportFinding) -> str:
    """'suppressed: <reason> (until <date>) [pyproject.toml:9]': the mark, and where the suppression is written."""
    source = f.suppressed.source if f.suppressed is not None else ""
    return f"{f.suppressed_text}" + (f" [{source}]" if source else "")


def counts_text(d: RunDiff) -> str:
    """'1 new, 2 fixed, 0 changed, 1 now suppressed, 4 unchanged finding(s)': the suppression counts only
    when a suppression changed something, so the usual line stays short."""
    parts = [f"{len(d.new)} new", f"{len(d.fixed)} fixed", f"{len(d.changed)} changed"]
    for n, label in ((len(d.now_suppressed), "now suppressed"), (len(d.unsuppressed), "no longer suppressed"),
                     (len(d.new_suppressed), "new but suppressed"),
                     (len(d.gone_suppressed), "gone that were suppressed"),
                     (len(d.suppression_changed), "with a changed suppression")):
        if n:
            parts.append(f"{n} {label}")
    return ", ".join(parts) + f", {len(d.unchanged)} unchanged finding(s)"


def open_findings_text(d: RunDiff) -> str:
    """'Open findings 5 -> 3 (2 suppressed)': what the score and the gates judge, before and after."""
    muted = sum(f.suppressed is not None for f in d.b.findings)
    return (f"Open findings {len(d.a.counted)} -> {len(d.b.counted)}"
            + (f" ({muted} suppressed)" if muted else ""))


def _signed(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:+.3g}"
    return f"{int(value):+d}"


def render_terminal(d: RunDiff, console) -> None:
    from rich.markup import escape as _escape_markup
    from rich.table import Table

    from auditor.report.terminal import clean

    def escape(text: object) -> str:  # page text: no markup, no control sequences
        return _escape_markup(clean(text))

    for w in d.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    console.print(f"Friction {d.a.friction} -> {d.b.friction} ({_signed(d.friction_delta)})", highlight=False)
    console.print(counts_text(d), highlight=False)
    console.print(open_findings_text(d), highlight=False)
    table = Table(title="Findings", show_lines=False)
    for column in ("change", "rule", "where", "severity", "title / what changed"):
        table.add_column(column)
    for change, rule, where, severity, text in _finding_rows(d):
        table.add_row(change, rule, where, severity, escape(text))
    if table.row_count:
        console.print(table)
    metrics = Table(title="Metrics")
    for column in ("metric", "before", "after", "delta"):
        metrics.add_column(column, justify="left" if column == "metric" else "right")
    for m in d.metrics:
        metrics.add_row(m.name, _fmt(m.before), _fmt(m.after), _signed(m.delta))
    console.print(metrics)
    for line in _wording_lines(d):
        console.print(escape(line), highlight=False)


def _wording_lines(d: RunDiff) -> list[str]:
    """The first page's wording, compared: plain lines every renderer escapes for its medium."""
    w = d.wording
    if w is None:
        return ["Wording of the first page: not compared (a run kept no HTML of its first page)."]
    if not (w.added or w.removed):
        return ["Wording of the first page: unchanged."]
    return ([f"Wording of the first page: {len(w.removed)} sentence(s) gone, {len(w.added)} new."]
            + [f"- {s}" for s in w.removed] + [f"+ {s}" for s in w.added])


def _md(text: str) -> str:
    from auditor.report.markdown import escape_md

    return escape_md(text)


def render_markdown(d: RunDiff) -> str:
    lines = [f"# consent-audit diff: {_md(d.b.flow.name)}", "",
             f"- before: {_md(d.a_label)} ({_md(d.a.started_at or 'unknown time')})",
             f"- after: {_md(d.b_label)} ({_md(d.b.started_at or 'unknown time')})",
             f"- friction: {d.a.friction} -> {d.b.friction} (**{_signed(d.friction_delta)}**)",
             f"- findings: {counts_text(d)}", f"- {open_findings_text(d)}", ""]
    for w in d.warnings:
        lines.append(f"> warning: {_md(w)}")
    if d.warnings:
        lines.append("")
    lines += ["## Findings", ""]
    rows = _finding_rows(d)
    if rows:
        lines += ["| change | rule | where | severity | title / what changed |", "|---|---|---|---|---|"]
        lines += [f"| {change} | `{rule}` | {where} | {severity} | {_md(text)} |"
                  for change, rule, where, severity, text in rows]
    else:
        lines.append("No finding changed.")
    lines += ["", "## Metrics", "", "| metric | before | after | delta |", "|---|---:|---:|---:|"]
    for m in d.metrics:
        lines.append(f"| {m.name} | {_fmt(m.before)} | {_fmt(m.after)} | {_signed(m.delta)} |")
    wording = _wording_lines(d)
    lines += ["", "## Wording of the first page", "", wording[0].split(": ", 1)[1], ""]
    lines += [f"    {line}" for line in wording[1:]]  # an indented block: page text stays inert
    return "\n".join(lines) + "\n"
