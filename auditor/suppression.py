"""Suppressions as written and as applied: a team's reviewed decision that a finding should not count.

Read from the flow file (``suppress:``, SARIF kind "inSource") and from ``[tool.consent-audit] suppress``
(kind "external"); applied by the judge (auditor/judge/suppress.py) before scoring; shown by every
reporter. A suppression never hides a finding: it stays in every report, marked with the reason, and only
leaves the score and the gates. Shared data, so the flow loader, the config loader, the judge and the
reporters agree on one shape without importing each other (docs/suppressions.md).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SuppressionKind = Literal["inSource", "external"]  # SARIF 2.1.0 suppression.kind
SuppressionStatus = Literal["applied", "unused", "expired"]


class SuppressionEntry(BaseModel):
    """One entry as a person writes it. ``heuristic`` alone ignores that heuristic; ``element`` (the
    element's visible label, as the report names it), ``path`` and ``step`` narrow it to one finding."""

    model_config = ConfigDict(extra="forbid")

    heuristic: str = Field(description="the heuristic id, as `consent-audit heuristics` lists it")
    element: str | None = Field(None, description="the element's visible label as the report names it "
                                "(compared ignoring case and runs of spaces)")
    path: Literal["goal", "baseline"] | None = None
    step: int | None = Field(None, ge=1, description="the step number on the path, as the report numbers it")
    reason: str = Field(description="why the team accepts this finding: shown in every report")
    until: date | None = Field(None, description="ISO date (2027-03-31); after it the suppression no longer "
                               "suppresses and every report warns that it expired")

    @field_validator("heuristic")
    @classmethod
    def _known_heuristic(cls, value: str) -> str:
        # The installed heuristics, plugins included (imported late: the registry loads every heuristic).
        from heuristics.registry import metadata

        known = sorted(metadata())
        if value not in known:
            raise ValueError(f"unknown heuristic {value!r}; known: {', '.join(known)}")
        return value

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a suppression needs a reason: say why the team accepts this finding")
        return " ".join(value.split())

    @field_validator("until", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, date) or value is None:
            return value
        if not isinstance(value, str):
            raise ValueError(f"until must be an ISO date such as 2027-03-31, not {value!r}")
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"until must be an ISO date such as 2027-03-31, not {value!r}") from None


class Suppression(SuppressionEntry):
    """An entry with where it was written: ``source`` is "flow.yaml:14" or "pyproject.toml:22"."""

    model_config = ConfigDict(extra="forbid")

    kind: SuppressionKind
    source: str = ""

    def describe(self) -> str:
        """'hidden-affordance on “Manage options”, goal step 2' — which findings it aims at."""
        text = self.heuristic
        if self.element is not None:
            text += f" on “{self.element}”"
        where = [w for w in (f"{self.path} path" if self.path else "", f"step {self.step}" if self.step else "") if w]
        return text + (", " + " ".join(where) if where else "")


class SuppressionNote(BaseModel):
    """What one suppression did to this report: ``applied`` (it matched ``matched`` findings), ``unused``
    (it matched nothing: remove it if stale) or ``expired`` (its ``until`` has passed: it suppressed
    nothing, ``matched`` findings now count again)."""

    suppression: Suppression
    status: SuppressionStatus
    matched: int = 0


def mark_text(s: Suppression) -> str:
    """'suppressed: reviewed with legal (until 2027-03-31)' — how every report marks a suppressed finding."""
    return f"suppressed: {s.reason}" + (f" (until {s.until.isoformat()})" if s.until else "")
