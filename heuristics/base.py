"""What every heuristic is: metadata that explains *why*, and a pure function of the trace.

Modelled on ruff's rule docs and axe-core's rule metadata: a stable id users can put in CI configs, a
severity, the EDPB deceptive-design category and the legal provisions the pattern evidences, and a
"why it matters" a designer can act on. The docs catalogue is generated from this metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from auditor.findings import Finding, Severity
from auditor.trace import FlowTrace

Check = Callable[[FlowTrace], list[Finding]]


@dataclass(frozen=True)
class HeuristicMeta:
    id: str
    title: str
    severity: Severity
    measures: str
    why: str
    edpb: tuple[str, ...]
    provisions: tuple[str, ...]
    fix: str
    version: str = "1"
    tags: tuple[str, ...] = field(default_factory=tuple)
    weight: float = 1.0  # multiplies the severity's points in the friction score

    @property
    def help_url(self) -> str:
        return f"docs/heuristics.md#{self.id}"


@dataclass(frozen=True)
class Heuristic:
    meta: HeuristicMeta
    check: Check

    @property
    def id(self) -> str:
        return self.meta.id



def finding(meta: HeuristicMeta, **kwargs) -> Finding:
    """A finding pre-filled with the heuristic's id, default severity and fair-design fix."""
    kwargs.setdefault("severity", meta.severity)
    kwargs.setdefault("fix", meta.fix)
    return Finding(heuristic=meta.id, **kwargs)
