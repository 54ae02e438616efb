"""Findings: what a heuristic concluded, with the evidence it rests on.

A finding names a step of a path, the element concerned and the measured values, so that every figure in
a report can be traced back to the trace and its screenshot.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def severity_at_least(severity: str, floor: str) -> bool:
    return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[floor]


# The units a measured figure may have (heuristics/_evidence.py ``figure``), defined once for the heuristics
# that declare them and the reports that print them: unit -> (suffix after 1, suffix after any other number).
UNITS: dict[str, tuple[str, str]] = {
    "": ("", ""),  # counts of things the label names, words, flags, free text
    "clicks": (" click", " clicks"),
    "actions": (" action", " actions"),
    "steps": (" step", " steps"),
    "page loads": (" page load", " page loads"),
    "characters": (" character", " characters"),
    "words": (" word", " words"),
    "s": (" s", " s"),
    "ms": (" ms", " ms"),
    "px": (" px", " px"),
    "px²": (" px²", " px²"),
    ":1": (":1", ":1"),  # contrast ratios
    "%": ("%", "%"),  # the value is already a percentage (40 -> "40%")
    "fraction": ("", ""),  # 0..1, shown as a percentage (0.4 -> "40%")
    "×": ("×", "×"),  # how many times one figure is another
    "points": (" point", " points"),
}

# The sides of a comparison shown in one row -> the column heading.
SIDES: dict[str, str] = {
    "goal": "Goal path",
    "baseline": "Baseline path",
    "refusal": "Refusal control",
    "accept": "Accept control",
}


class Figure(BaseModel):
    """One figure a heuristic declares for its findings' ``measured`` object, as the report carries it, so
    a report renders (and a reader of report.json understands) the figures without the heuristic's code."""

    key: str = Field(description="its path in measured: 'clicks', 'thresholds.high_actions', 'waits[].ms'")
    label: str = Field(description="the label the reports show; a sub-model's figures carry its label first")
    own_label: str = Field(description="the label without its parents' ('High from'), for one line per item")
    unit: str = Field("", description="one of the units vocabulary (auditor/findings.py UNITS)")
    compare: str | None = Field(None, description="figures sharing it are the sides of one comparison row")
    side: str | None = Field(None, description="the column of a comparison row (auditor/findings.py SIDES)")
    group: Literal["one", "many"] | None = Field(None, description="a sub-model (one) or a list of them (many): "
                                                 "its own figures follow under key + '.' (or key + '[].')")


class Finding(BaseModel):
    model_config = ConfigDict(extra="ignore")

    heuristic: str = Field(description="stable heuristic id, e.g. 'hidden-affordance'")
    severity: Severity
    title: str = Field(description="the trick, in one line")
    detail: str = Field(description="what was measured and why it counts")
    path: Literal["goal", "baseline"] = "goal"
    step: int | None = Field(None, description="1-based step of the path; None for whole-flow findings")
    element: int | None = Field(None, description="index of the element in that step's snapshot")
    measured: dict = Field(default_factory=dict, description="the figures the finding rests on")
    fix: str = Field("", description="what a fair design would do instead")
