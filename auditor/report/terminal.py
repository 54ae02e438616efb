"""The terminal report: a numbered breakdown, read like a design-critique thread.

Verdict first, then the score and the figures (goal path against the baseline), then one numbered entry per
finding: the trick in one line, where it happens, what was measured, why it matters, what a fair design
would do and what it costs in points. Ends with warnings.

Every string that can come from an audited page is put into ``rich.text.Text`` objects (never parsed as
console markup or emoji codes) after control characters are made visible, so a page cannot colour, move
the cursor or rewrite the terminal.
"""

from __future__ import annotations

import re

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from auditor.findings import Figure
from auditor.report.evidence_table import evidence_table
from auditor.report.model import (
    Report,
    ReportFinding,
    category_rows,
    exploration_rows,
    finding_place,
    findings_text,
    incomplete_checks,
    is_citation,
    lower_bound_text,
    metric_rows,
    no_findings_text,
    outcome_counts_text,
    points_text,
    score_note,
    situation_text,
    total_text,
)

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "bold yellow",
    "low": "cyan",
    "info": "dim",
}
BAND_STYLE = {"none": "green", "low": "green", "moderate": "yellow", "high": "red", "extreme": "bold red"}

# C0 controls except tab and newline, DEL and C1 controls (ESC sequences would drive the terminal), and
# bidirectional overrides (which would make text display in another order than it is).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """Page-derived text made safe for a terminal: control characters shown as \\xNN, never executed."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF
                        else f"\\x{ord(m.group()):02x}", "" if value is None else str(value))


def _text(value: object, style: str = "") -> Text:
    return Text(clean(value), style=style)


def _metrics_table(report: Report) -> Table:
    m = report.metrics
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("measure")
    table.add_column(Text(f"goal ({clean(report.flow.goal)})"), justify="right", style="bold")
    table.add_column("baseline", justify="right")
    for label, goal, base in metric_rows(m, report.touch):
        table.add_row(label, goal, base)
    return table


def _exploration(console: Console, report: Report) -> None:
    """How `explore` found the paths: the search's spend, its budget and what it tried."""
    if report.exploration is None:
        return
    console.rule(Text("How the paths were found", style="bold"), align="left")
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for what, value in exploration_rows(report.exploration):
        table.add_row(what, _text(value))
    console.print(table)
    console.print()


def _finding(console: Console, f: ReportFinding, figures: list[Figure] | None) -> None:
    head = Text.assemble(
        (f"{f.number}. ", "bold"),
        (f"[{f.severity.upper()}]", SEVERITY_STYLE.get(f.severity, "")),
        " ",
        _text(f.title, "bold"),
        *((("  (suppressed)", "magenta"),) if f.suppressed is not None else ()),
    )
    console.print(head)
    body: list[Text] = []
    where = Text(finding_place(f), style="italic")
    if f.url:
        where.append(" · ")
        where.append(_text(f.url, "underline"))
    if f.flow_line is not None:
        where.append(f" (flow file line {f.flow_line})", style="dim")
    body.append(where)
    if f.element_label:
        body.append(Text.assemble(("Element: ", "dim"), _text(f"“{f.element_label}”"),
                                  *((("  accessible name ", "dim"), _text(f"“{f.element_accessible_name}”"))
                                    if f.element_accessible_name else ())))
    if f.detail:
        body.append(_text(f.detail))
    refs = [f"EDPB {clean(e)}" for e in f.edpb] + [clean(p) for p in f.provisions]
    if f.why or refs:
        body.append(Text.assemble(("Why it matters: ", "bold"), _text(f.why)))
    if refs:
        body.append(Text(" · ".join(refs), style="dim"))
    if f.fix:
        body.append(Text.assemble(("Fair design: ", "bold green"), _text(f.fix)))
    if f.suppressed_text:
        body.append(Text.assemble(_text(f.suppressed_text, "bold magenta"),
                                  (f"  [{clean(f.suppressed.source)}]", "dim")))
    quiet = f.suppressed is not None or is_citation(f)
    body.append(Text.assemble((points_text(f), "dim" if quiet else "bold"), (f"  [{clean(f.heuristic)}]", "dim")))
    for line in body:
        console.print(Padding(line, (0, 0, 0, 3), expand=False))
    for table in _evidence(f, figures):
        console.print(Padding(table, (0, 0, 0, 3), expand=False))
    console.print()


def _evidence(f: ReportFinding, figures: list[Figure] | None) -> list[Table]:
    """The measured figures: the comparisons with a column per side, then the other figures."""
    table = evidence_table(f.measured, figures)
    out = []
    if table.compared:
        compared = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        compared.add_column("measured", style="dim")
        for side in table.sides:
            compared.add_column(side, justify="right")
        for r in table.compared:
            compared.add_row(_text(r.label), *(_text(v) for v in r.values))
        out.append(compared)
    if table.figures:
        figures = Table.grid(padding=(0, 2))
        figures.add_column(style="dim")
        figures.add_column()
        for r in table.figures:
            figures.add_row(_text(r.label), _text(r.values[0]))
        out.append(figures)
    return out


def render_terminal(report: Report, console: Console) -> None:
    title = Text.assemble(("consent-audit", "bold"), " · ", _text(report.flow.name, "bold"),
                          " · goal: ", _text(report.flow.goal))
    console.rule(title)
    situation = situation_text(report)
    if situation:
        console.print(Text.assemble(("Situation: ", "bold"), _text(situation)))
    if not report.finished:
        console.print(Text(f"AUDIT {report.status.upper()}", style="bold white on red"))
    console.print(_text(report.headline, "bold"))
    console.print()

    at_least = "at least " if report.friction_is_lower_bound else ""
    score = Text.assemble(("Friction ", "bold"),
                          (f"{at_least}{report.friction}/100 ({report.band})",
                           BAND_STYLE.get(report.band, "bold")))
    score.append(f"  {findings_text(report)}, {score_note(report)}", style="dim")
    console.print(score)
    categories = category_rows(report)
    if categories:
        console.print(Text(" · ".join(f"{name} {points}" for name, points in categories), style="dim"))
    lower_bound = lower_bound_text(report)
    if lower_bound:
        console.print(_text(lower_bound, "yellow"))
    counts = outcome_counts_text(report)
    if counts:
        console.print(Text(counts + " (the Markdown and HTML reports say what each checked)", style="dim"))
    for o in incomplete_checks(report):  # checked only in part: the points may be understated
        console.print(Text.assemble(("check incomplete: ", "yellow"), _text(f"{o.id}: {o.incomplete}")))
    console.print(_metrics_table(report))
    if report.metrics.effort_ratio is not None:
        console.print(Text(f"The goal path takes {report.metrics.effort_ratio:g}× the effort of the baseline.",
                           style="italic"))
    console.print()
    _exploration(console, report)

    if report.findings:
        console.rule(Text("Findings", style="bold"), align="left")
        for f in report.findings:
            _finding(console, f, report.figures_of(f.heuristic))
    else:
        clean_verdict = not report.friction_is_lower_bound
        console.print(Text(no_findings_text(report.finished, len(report.heuristic_failures),
                                            len(incomplete_checks(report))),
                           style="green" if clean_verdict else "yellow"))
        console.print()

    total = total_text(report)
    if total:
        console.print(Text(total, style="bold"))

    if report.warnings or report.heuristic_failures:
        console.rule(Text("Warnings", style="bold yellow"), align="left")
        items = Table.grid(padding=(0, 1))
        items.add_column(width=2, justify="right")
        items.add_column()
        for w in report.warnings:
            items.add_row("-", _text(w))
        for h in report.heuristic_failures:
            items.add_row("-", Text.assemble("heuristic failed: ", _text(h)))
        console.print(items)
