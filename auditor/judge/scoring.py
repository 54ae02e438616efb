"""The friction score: findings weighed into 0 (no friction) .. 100 (extreme), with every point shown.

Each finding contributes ``SEVERITY_POINTS[severity] * heuristic weight``. Contributions add up; the total
is capped at 100 and the breakdown says so when the cap bites. A plain sum keeps the score explainable to
a designer ("the justification field costs 20 points") and to a regulator (no hidden normalisation).
Why these numbers: a single high-severity obstruction (the EDPB's "longer than necessary", a required
justification) is already a serious fault, so three of them land in "high friction" (>= 60); low and info
findings are nudges that never push a fair flow above 10 on their own. See docs/scoring.md.
"""

from __future__ import annotations

from pydantic import BaseModel

from auditor.findings import Finding
from heuristics.base import HeuristicMeta

SEVERITY_POINTS: dict[str, float] = {"info": 0.0, "low": 4.0, "medium": 10.0, "high": 20.0, "critical": 30.0}
MAX_SCORE = 100.0

BANDS = [(0, "none"), (1, "low"), (25, "moderate"), (50, "high"), (75, "extreme")]


class Contribution(BaseModel):
    finding: int  # 1-based number of the finding in the report
    heuristic: str
    points: float


class Score(BaseModel):
    friction: int
    raw: float
    capped: bool
    band: str
    contributions: list[Contribution]


def band(score: float) -> str:
    name = "none"
    for floor, label in BANDS:
        if score >= floor:
            name = label
    return name


def score(findings: list[Finding], meta: dict[str, HeuristicMeta]) -> Score:
    contributions = []
    for number, f in enumerate(findings, start=1):
        weight = meta[f.heuristic].weight if f.heuristic in meta else 1.0
        contributions.append(Contribution(finding=number, heuristic=f.heuristic,
                                          points=round(SEVERITY_POINTS[f.severity] * weight, 1)))
    raw = round(sum(c.points for c in contributions), 1)
    total = min(raw, MAX_SCORE)
    return Score(friction=round(total), raw=raw, capped=raw > MAX_SCORE, band=band(total),
                 contributions=contributions)
