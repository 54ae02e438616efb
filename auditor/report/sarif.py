"""SARIF 2.1.0 (report.sarif): findings as code-scanning results, located in the flow file.

One result per finding; ``ruleId`` is the heuristic id; rules come from the heuristics registry (title,
why it matters, EDPB category and legal provisions). A result's location is a repository path: the flow
file relative to the current folder and the line of the step in it, so GitHub code scanning annotates the
flow file. Page URLs, the path and the step go in the result's ``properties``; page text is only data.
A suppressed finding keeps its result, with a SARIF ``suppressions`` entry (kind "inSource" for the flow
file's ``suppress:``, "external" for ``[tool.consent-audit]``; ``justification`` is the reason), so code
scanning shows it as dismissed; expired and unused suppressions are warning notifications.
A heuristic whose check was incomplete (a measurement it needs could not be made) is a result of kind
"review" (SARIF 2.1.0 §3.27.9: evaluated, and a person must look to decide whether there is a problem; a
result whose kind is not "fail" has level "none", §3.27.10): it is no failure, and the run still
succeeded (``executionSuccessful`` is false only for errors and unfinished audits).
Validated against the official schema (schemas/sarif-2.1.0-rtm.5.json) in the tests.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from auditor.report.model import (
    HeuristicInfo,
    HeuristicOutcome,
    Report,
    ReportFinding,
    finding_place,
    incomplete_checks,
    incomplete_text,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "heuristics.md"


def _help_uri(meta: HeuristicInfo, docs_base: str | None) -> str:
    """An absolute URI for the rule's documentation (SARIF requires one)."""
    anchor = meta.help_url.split("#", 1)[1] if "#" in meta.help_url else meta.id
    if docs_base:
        return f"{docs_base.rstrip('/')}/heuristics.md#{anchor}"
    return f"{DOCS.as_uri()}#{anchor}"


def _flow_uri(report: Report, cwd: Path) -> str | None:
    if not report.flow.file or "\0" in report.flow.file:  # a NUL byte (a tampered trace) is no path
        return None
    path = Path(report.flow.file)
    try:
        rel = os.path.relpath(path.resolve(), cwd.resolve())
    except ValueError:  # another drive on Windows
        return path.resolve().as_uri()
    if rel == ".." or rel.startswith(("../", "..\\")):  # outside the repository: an absolute file URI
        return path.resolve().as_uri()
    return Path(rel).as_posix()


def _rule(meta: HeuristicInfo, docs_base: str | None) -> dict:
    return {
        "id": meta.id,
        "name": "".join(part.capitalize() for part in meta.id.split("-")),
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.why},
        "help": {"text": f"{meta.measures}\n\nFair design: {meta.fix}",
                 "markdown": f"{meta.measures}\n\n**Fair design:** {meta.fix}"},
        "helpUri": _help_uri(meta, docs_base),
        "defaultConfiguration": {"level": LEVELS.get(meta.severity, "warning")},
        "properties": {"severity": meta.severity, "edpb": list(meta.edpb), "provisions": list(meta.provisions),
                       "tags": ["consent", "deceptive-design", *meta.tags], "version": meta.version},
    }


def _suppression(f: ReportFinding) -> dict:
    s = f.suppressed
    props = {"source": s.source}
    if s.until is not None:
        props["until"] = s.until.isoformat()
    return {"kind": s.kind, "status": "accepted", "justification": s.reason, "properties": props}


def _flow_location(flow_uri: str, line: int | None, text: str) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": flow_uri},
                                 "region": {"startLine": line if line and line > 0 else 1}},
            "message": {"text": text}}


def _review(report: Report, o: HeuristicOutcome, index: dict[str, int], flow_uri: str | None) -> dict:
    """An incomplete check as a "review" result: what could not be measured, for a person to look at."""
    result = {
        "ruleId": o.id,
        "kind": "review",
        "level": "none",
        "message": {"text": f"Check incomplete: {incomplete_text(o)}."},
        "partialFingerprints": {"consentAudit/v1": hashlib.sha256(
            json.dumps([report.flow.name, o.id, "incomplete", o.incomplete]).encode()).hexdigest()},
        "properties": {"outcome": o.outcome, "incomplete": o.incomplete, "checked": o.text},
    }
    if o.id in index:
        result["ruleIndex"] = index[o.id]
    if flow_uri is not None:
        result["locations"] = [_flow_location(flow_uri, None, "whole flow")]
    return result


def build_sarif(report: Report, cwd: Path | None = None, docs_base: str | None = None) -> dict:
    meta = {h.id: h for h in report.heuristics}
    cwd = cwd or Path.cwd()
    rule_ids = sorted(set(meta) | {f.heuristic for f in report.findings})
    rules = []
    for rid in rule_ids:
        if rid in meta:
            rules.append(_rule(meta[rid], docs_base))
        else:  # a heuristic no longer installed (re-scored elsewhere): still a valid rule
            rules.append({"id": rid, "shortDescription": {"text": rid}})
    index = {rid: i for i, rid in enumerate(rule_ids)}
    flow_uri = _flow_uri(report, cwd)
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.heuristic,
            "ruleIndex": index[f.heuristic],
            "level": LEVELS.get(f.severity, "warning"),
            "message": {"text": f"{f.title}. {f.detail}".strip()},
            "partialFingerprints": {"consentAudit/v1": hashlib.sha256(
                json.dumps([report.flow.name, f.heuristic, f.path, f.step, f.element_label or ""]).encode()
            ).hexdigest()},
            "properties": {"severity": f.severity, "points": f.points, "path": f.path, "step": f.step,
                           "url": f.url, "element": f.element_label, "screenshot": f.screenshot,
                           "measured": f.measured, "fix": f.fix, "edpb": f.edpb, "provisions": f.provisions,
                           "finding": f.number},
        }
        if f.suppressed is not None:
            result["suppressions"] = [_suppression(f)]
        if flow_uri is not None:
            result["locations"] = [_flow_location(flow_uri, f.flow_line, finding_place(f))]
        results.append(result)
    results += [_review(report, o, index, flow_uri) for o in incomplete_checks(report)]
    run: dict = {
        "tool": {"driver": {"name": "consent-audit", "version": report.tool_version,
                            "semanticVersion": report.tool_version, "rules": rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"flow": report.flow.name, "goal": report.flow.goal, "status": report.status,
                       "friction": report.friction, "band": report.band, "start": report.flow.start,
                       "frictionIsLowerBound": report.friction_is_lower_bound,
                       "outcomes": {o.id: o.outcome for o in report.outcomes}},
    }
    notifications = []
    if not report.finished:
        notifications.append(
            {"level": "error", "message": {"text": f"audit {report.status}: {report.reason or 'unknown reason'}"}})
    for o in report.outcomes_of("error"):  # a heuristic that raised judged nothing: the run did not succeed
        notification = {"level": "error", "message": {"text": f"heuristic {o.id} raised {o.text}"}}
        if o.id in index:
            notification["associatedRule"] = {"id": o.id, "index": index[o.id]}
        notifications.append(notification)
    failed = bool(notifications)
    for w in (w for w in report.warnings if w.startswith("suppression ")):  # expired or unused: keep them honest
        notifications.append({"level": "warning", "message": {"text": w}})
    invocation: dict = {"executionSuccessful": not failed}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run["invocations"] = [invocation]
    if flow_uri is not None:
        run["artifacts"] = [{"location": {"uri": flow_uri}, "roles": ["analysisTarget"]}]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report, cwd: Path | None = None) -> str:
    return json.dumps(build_sarif(report, cwd), indent=2, ensure_ascii=False) + "\n"


def write_sarif(report: Report, run_dir: Path, cwd: Path | None = None) -> Path:
    from auditor.evidence.atomic import write_text_atomic

    path = Path(run_dir) / "report.sarif"
    write_text_atomic(path, render_sarif(report, cwd))
    return path
