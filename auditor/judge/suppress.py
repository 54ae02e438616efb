"""Which findings the team's suppressions cover, decided before scoring (docs/suppressions.md).

A suppression matches a finding of its heuristic whose element label, path and step agree with what it
names (what it leaves out matches anything). An expired one (``until`` before today, UTC) suppresses
nothing and is reported, as is one that matched nothing, so stale entries get removed rather than
silently outliving the design they excused.

``configured_suppressions`` reads them where a person writes them (the flow file, the project's
pyproject.toml), so every way of judging a trace (audit, rescore, explore, the pytest plugin) judges it
against the same entries through ``auditor.judge.verdict.judge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from auditor.clock import utc_now
from auditor.findings import Finding
from auditor.suppression import Suppression, SuppressionNote


@dataclass(frozen=True)
class Judged:
    """A finding with the element label the report names it by, and the suppression covering it, if any."""

    finding: Finding
    label: str | None
    suppression: Suppression | None = None


def today_utc() -> date:
    return date.fromisoformat(utc_now()[:10])


def _same_label(written: str, label: str | None) -> bool:
    return label is not None and " ".join(written.split()).casefold() == " ".join(label.split()).casefold()


def matches(s: Suppression, f: Finding, label: str | None) -> bool:
    return (s.heuristic == f.heuristic and (s.element is None or _same_label(s.element, label))
            and (s.path is None or s.path == f.path) and (s.step is None or s.step == f.step))


def apply_suppressions(findings: list[tuple[Finding, str | None]], suppressions: list[Suppression],
                       today: date | None = None) -> tuple[list[Judged], list[SuppressionNote]]:
    """Each (finding, label) judged against the suppressions (the first live one that matches covers it),
    and one note per suppression saying what it did."""
    today = today or today_utc()
    live = [s for s in suppressions if s.until is None or s.until >= today]
    judged = [Judged(f, label, next((s for s in live if matches(s, f, label)), None)) for f, label in findings]
    notes = []
    for s in suppressions:
        hits = sum(matches(s, f, label) for f, label in findings)
        if s.until is not None and s.until < today:
            notes.append(SuppressionNote(suppression=s, status="expired", matched=hits))
        else:
            covered = sum(j.suppression is s for j in judged)
            notes.append(SuppressionNote(suppression=s, status="applied" if covered else "unused", matched=covered))
    return judged, notes


FLOW_SUFFIXES = (".yaml", ".yml")  # a trace recorded by the pytest plugin names its test's .py: no suppress: there


def configured_suppressions(flow_file: str | Path | None = None, start: Path | None = None) -> list[Suppression]:
    """The suppressions as written now: the flow file's own (kind inSource; when ``flow_file`` is a flow file
    that still exists) then the project's ``[tool.consent-audit] suppress`` (kind external) of the nearest
    pyproject.toml at or above ``start`` (default: the current folder). A bad entry raises FlowError or
    ConfigError naming the file and line: bad input, before anything is judged."""
    from auditor.config import load_settings
    from auditor.flow.spec import load_flow

    own: list[Suppression] = []
    if flow_file is not None and "\0" not in str(flow_file):
        path = Path(flow_file)
        if path.suffix.lower() in FLOW_SUFFIXES and path.is_file():
            own = load_flow(path).suppressions()
    return own + load_settings(start).suppressions


def warnings(notes: list[SuppressionNote]) -> list[str]:
    """The lines every report lists under Warnings: expired and unused suppressions."""
    out = []
    for n in notes:
        s = n.suppression
        where = f" ({s.source})" if s.source else ""
        if n.status == "expired":
            counts = f"; {n.matched} finding(s) it matched count again" if n.matched else ""
            out.append(f"suppression expired on {s.until.isoformat()}{where}: {s.describe()} no longer suppressed"
                       f"{counts}")
        elif n.status == "unused":
            out.append(f"suppression matched no finding{where}: {s.describe()}; remove it if it is stale")
    return out
