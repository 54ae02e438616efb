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
