"""The Markdown report: the same numbered breakdown as the terminal, for issues, pull requests and wikis.

Every page-derived string goes through :func:`escape_md`: whitespace is collapsed to one line (so it cannot
start a heading, list, quote or code block), Markdown punctuation is backslash-escaped (no emphasis, links,
images or table cells), ``<``, ``>`` and ``&`` become HTML entities (no raw HTML, no entities of the page's
choosing) and bare ``http://`` / ``www.`` autolinks are broken. Screenshot links are built from the run
folder's relative paths, percent-encoded, and dropped when they are absolute or climb out of the folder.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from auditor.findings import Figure
from auditor.report.consent_string import markdown as consent_markdown
from auditor.report.evidence_table import evidence_table
from auditor.report.model import (
    PathSummary,
    Report,
    ReportFinding,
    category_rows,
    checked_rows,
    exploration_rows,
    finding_place,
    findings_text,
    incomplete_checks,
    lower_bound_text,
    metric_rows,
    no_findings_text,
    outcome_counts_text,
    points_text,
    score_note,
    situation_text,
    suppression_rows,
    total_text,
)
from auditor.words.wording import plural

# ASCII punctuation with a meaning in CommonMark / GFM inline or table syntax (and `$` for GitHub maths).
# `.`, `-` and `+` only matter at the start of a line, and escaped text never starts one (see above).
_MD_SPECIAL = "\\`*_{}[]()#!|~$"  # backslash-escaped: no emphasis, code, links, images, headings, cells, maths
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}  # entities: no raw HTML, no entity of the page's choosing
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What escape_md replaces, in one pass: each Markdown metacharacter, each HTML special, and the one
# character of a GFM extended autolink (scheme://, www., e-mail) whose backslash breaks the link without
# changing what is displayed: the ":" of "x://", the "." of a word "www.", every "@".
_ESCAPE = re.compile("[" + re.escape(_MD_SPECIAL + "".join(_HTML) + "@") + "]"
                     r"|(?<=[A-Za-z0-9]):(?=//)|(?<=\b[Ww][Ww][Ww])\.")
_REPLACEMENT = {**{ch: f"\\{ch}" for ch in _MD_SPECIAL + "@:."}, **_HTML}


def escape_md(value: object) -> str:
    """Untrusted text as literal, inline Markdown: one line (whitespace and control characters collapsed),
    then a single compiled substitution (big reports escape thousands of strings)."""
    text = " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())
    return _ESCAPE.sub(lambda m: _REPLACEMENT[m[0]], text)


def safe_relpath(path: str | None) -> str | None:
    """A run-folder-relative evidence path as a URL, or None if it is not a plain relative path."""
    if not path:
        return None
    p = path.replace("\\", "/")
    if p.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", p) or ".." in p.split("/"):
        return None
    return quote(p, safe="/-_.~")


def _image(path: str | None, alt: str) -> str | None:
    url = safe_relpath(path)
    return f"![{alt}]({url})" if url else None


def _finding(f: ReportFinding, figures: list[Figure] | None) -> list[str]:
    muted = " (suppressed)" if f.suppressed is not None else ""
    out = [f"### {f.number}. \\[{f.severity.upper()}\\] {escape_md(f.title)}{muted}", ""]
    where = f"- **Where:** {finding_place(f)}"
    if f.url:
        where += f" — {escape_md(f.url)}"
    if f.flow_line is not None:
        where += f" (flow file line {f.flow_line})"
    out.append(where)
    if f.element_label:
        named = (f" (accessible name “{escape_md(f.element_accessible_name)}”)"
                 if f.element_accessible_name else "")
        out.append(f"- **Element:** “{escape_md(f.element_label)}”{named}")
    if f.detail:
        out.append(f"- **Measured:** {escape_md(f.detail)}")
    refs = []
    if f.edpb:
        refs.append("EDPB " + "; ".join(escape_md(e) for e in f.edpb))
    if f.provisions:
        refs.append("; ".join(escape_md(p) for p in f.provisions))
    if f.why or refs:
        why = escape_md(f.why)
        if refs:
            why += (" " if why else "") + "(" + " · ".join(refs) + ")"
        out.append(f"- **Why it matters:** {why}")
    if f.fix:
        out.append(f"- **Fair design:** {escape_md(f.fix)}")
    if f.suppressed_text:
        out.append(f"- **{escape_md(f.suppressed_text)}** ({escape_md(f.suppressed.source)})")
    out.append(f"- **Points:** {points_text(f)} ({escape_md(f.heuristic)})")
    out += _evidence(f, figures)
    alt = f"step {f.step}" if f.step else "screenshot"
    img = _image(f.screenshot, alt if f.path == "goal" else f"{f.path} {alt}")
    if img:
        out += ["", img]
    out.append("")
    return out


def _evidence(f: ReportFinding, figures: list[Figure] | None) -> list[str]:
    """The measured figures as tables: the comparisons side by side, then the other figures (the raw
    values are in report.json)."""
    table = evidence_table(f.measured, figures)
    out: list[str] = []
    if table.compared:
        out += ["", "| Measured | " + " | ".join(escape_md(s) for s in table.sides) + " |",
                "|---|" + "--:|" * len(table.sides)]
        out += ["| " + " | ".join(escape_md(c) for c in (r.label, *r.values)) + " |" for r in table.compared]
    if table.figures:
        out += ["", "| Measured figure | Value |", "|---|---|"]
        out += [f"| {escape_md(r.label)} | {escape_md(r.values[0])} |" for r in table.figures]
    return out


def _score_table(report: Report) -> list[str]:
    out = ["| # | Heuristic | Severity | Points |", "|--:|---|---|--:|"]
    for f in report.findings:
        pts = "0 (suppressed)" if f.suppressed else f"{f.points:g}"
        out.append(f"| {f.number} | {escape_md(f.heuristic)} | {f.severity} | {pts} |")
    out.append(f"| | **Total (raw points)** | | **{report.score_raw:g}** |")
    out.append(f"| | **Friction** 100 × (1 − e^(−raw/80)) | | **{report.friction}** |")
    categories = category_rows(report)
    if categories:
        out += ["", "| EDPB category | Points |", "|---|--:|"]
        out += [f"| {escape_md(name)} | {points} |" for name, points in categories]
    return out


def _suppressions(report: Report) -> list[str]:
    """Every suppression and what it did: applied, matched nothing, or expired."""
    rows = suppression_rows(report)
    if not rows:
        return []
    out = ["## Suppressions", "", "Suppressed findings stay in this report; they add no points and trip no gate.", "",
           "| Suppresses | Reason | Result | Written in |", "|---|---|---|---|"]
    out += [f"| {' | '.join(escape_md(c) for c in row)} |" for row in rows]
    return out + [""]


def _after_choice(report: Report) -> list[str]:
    """The two paths' stored consent, cookies and trackers side by side (auditor/report/consent_string.py)."""
    table = consent_markdown(report.after_choice) if report.after_choice is not None else ""
    return ["## After the choice", "", table] if table else []


def _path_cell(path: PathSummary | None, i: int) -> str:
    if path is None or i >= len(path.steps):
        return ""
    s = path.steps[i]
    cell = escape_md(s.description or s.action)
    url = safe_relpath(s.screenshot)
    if url:
        cell += f" ([screenshot]({url}))"
    if s.error:
        cell += f" — **failed:** {escape_md(s.error)}"
    return cell


def _paths(report: Report) -> list[str]:
    by_kind = {p.kind: p for p in report.paths}
    goal, base = by_kind.get("goal"), by_kind.get("baseline")
    if goal is None and base is None:
        return []

    def head(p: PathSummary | None, name: str) -> str:
        if p is None:
            return f"{name} (not audited)"
        return f"{name} ({p.status}, {plural(len(p.steps), 'step')})"

    out = ["## The two paths", "", f"| Step | {head(goal, 'Goal path')} | {head(base, 'Baseline')} |",
           "|--:|---|---|"]
    rows = max(len(goal.steps) if goal else 0, len(base.steps) if base else 0)
    for i in range(rows):
        out.append(f"| {i + 1} | {_path_cell(goal, i)} | {_path_cell(base, i)} |")
    out.append("")
    for p in (goal, base):
        if p is not None and p.reason:
            out += [f"{p.kind.capitalize()} path {p.status}: {escape_md(p.reason)}", ""]
    return out


def _exploration(report: Report) -> list[str]:
    """How `explore` found the paths (nothing for a scripted flow)."""
    if report.exploration is None:
        return []
    out = ["## How the paths were found", "", "| | |", "|---|---|"]
    out += [f"| {what} | {escape_md(value)} |" for what, value in exploration_rows(report.exploration)]
    return out + [""]


def _checked(report: Report) -> list[str]:
    """What every heuristic that did not fire concluded: error, incomplete (what it could not measure, and
    what it did), passed (and what it checked) or not applicable (and what was missing); a fired one whose
    check was partly incomplete is listed too."""
    if not report.outcomes:
        return []
    out = ["## What was checked", "", escape_md(outcome_counts_text(report) or "") + ".", ""]
    rows = checked_rows(report)
    if rows:
        out += ["| Heuristic | Outcome | What it checked, or why not |", "|---|---|---|"]
        out += [f"| {escape_md(hid)} | {word} | {escape_md(text)} |" for hid, _, word, text in rows]
        out.append("")
    return out


def render_markdown(report: Report) -> str:
    m = report.metrics
    out = [f"# Consent audit: {escape_md(report.flow.name)} (goal: {escape_md(report.flow.goal)})", ""]
    situation = situation_text(report)
    if situation:
        out += [f"**Situation:** {escape_md(situation)}", ""]
    if not report.finished:
        where = f" at step {report.failed_step}" if report.failed_step else ""
        out += [f"> **Audit {report.status}{where}:** {escape_md(report.reason or 'unknown reason')}. "
                "The score is a lower bound, not a verdict of low friction.", ""]
    out += [f"**{escape_md(report.headline)}**", ""]

    at_least = "at least " if report.friction_is_lower_bound else ""
    score = f"**Friction {at_least}{report.friction}/100 ({report.band})** — {findings_text(report)}; {score_note(report)}"
    out += [score + ".", ""]
    if report.heuristic_failures or incomplete_checks(report):
        out += [f"> **{escape_md(lower_bound_text(report) or '')}**", ""]

    out += [f"| Measure | Goal path ({escape_md(report.flow.goal)}) | Baseline |", "|---|--:|--:|"]
    rows = metric_rows(m, report.touch)
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    out.append("")
    if m.effort_ratio is not None:
        out += [f"The goal path takes {m.effort_ratio:g}× the effort of the baseline.", ""]
    out += _exploration(report)

    out += ["## Findings", ""]
    if report.findings:
        for f in report.findings:
            out += _finding(f, report.figures_of(f.heuristic))
    else:
        out += [no_findings_text(report.finished, len(report.heuristic_failures),
                                 len(incomplete_checks(report))), ""]

    total = total_text(report)
    if total:
        out += [f"**{total}**", ""]

    if report.findings:
        out += ["## Score breakdown", ""] + _score_table(report) + [""]
    out += _suppressions(report)
    out += _checked(report)
    out += _after_choice(report)
    out += _paths(report)

    if report.warnings or report.heuristic_failures:
        out += ["## Warnings", ""]
        out += [f"- {escape_md(w)}" for w in report.warnings]
        out += [f"- heuristic failed: {escape_md(h)}" for h in report.heuristic_failures]
        out.append("")

    meta = [f"consent-audit {escape_md(report.tool_version)}"]
    if report.started_at:
        meta.append(f"run {escape_md(report.started_at)}")
    if report.browser.get("version"):
        meta.append(f"{escape_md(report.browser.get('name', 'browser'))} {escape_md(report.browser['version'])}")
    out += ["---", "", "_" + " · ".join(meta) + "_", ""]
    return "\n".join(out)
