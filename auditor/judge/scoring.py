"""The friction score: findings weighed into raw points, per-category subtotals and a 0..100 headline.

Each finding contributes ``SEVERITY_POINTS[severity] * heuristic weight`` raw points, so a designer reads
"the justification field costs 20 points" and a regulator can redo the sum by hand. The raw points are
kept whole (``raw``) and split by EDPB category (``categories``: the top-level category of the heuristic's
first EDPB entry, "4.4 Obstructing"), and the headline is a saturating curve of the raw sum:

    friction = 100 * (1 - exp(-raw / SATURATION_K))

Why a curve and not a cap: a cap at 100 made the Meta replica (200 points) look the same as a flow twice
as bad. The curve is nearly linear where most flows are (20 raw points -> 22, 40 -> 39), never passes
100, and keeps worse flows apart far beyond that (200 -> 92, 300 -> 98): the headline reaches 100 only
past about 420 raw points (``capped``). K = 80 keeps the bands' meaning: one high finding is *low*,
two are *moderate*, three are *high*, and two low nudges (8 points) stay at or below 10. See
docs/scoring.md for the calibration.
"""

from __future__ import annotations

import math

from pydantic import BaseModel

from auditor.findings import Finding
from heuristics.base import HeuristicMeta

SEVERITY_POINTS: dict[str, float] = {"info": 0.0, "low": 4.0, "medium": 10.0, "high": 20.0, "critical": 30.0}
SATURATION_K = 80.0
MAX_SCORE = 100.0
UNCATEGORISED = "uncategorised"

BANDS = [(0, "none"), (1, "low"), (25, "moderate"), (50, "high"), (75, "extreme")]

# The top-level categories of EDPB Guidelines 03/2022 (v2.0; v1.0 called 4.4 "Hindering").
EDPB_CATEGORIES: dict[str, str] = {
    "4.1": "Overloading",
    "4.2": "Skipping",
    "4.3": "Stirring",
    "4.4": "Obstructing",
    "4.5": "Fickle",
    "4.6": "Left in the dark",
}


class Contribution(BaseModel):
    finding: int  # 1-based number of the finding in the report
    heuristic: str
    points: float
    category: str = UNCATEGORISED


class Score(BaseModel):
    friction: int
    raw: float
    capped: bool  # the headline has saturated (rounds to 100): only ``raw`` still tells worse flows apart
    band: str
    categories: dict[str, float]
    contributions: list[Contribution]


def band(score: float) -> str:
    name = "none"
    for floor, label in BANDS:
        if score >= floor:
            name = label
    return name


def friction(raw: float) -> float:
    """The headline for ``raw`` points: 100 * (1 - exp(-raw / K)), unrounded."""
    return MAX_SCORE * (1.0 - math.exp(-max(raw, 0.0) / SATURATION_K))


def category(meta: HeuristicMeta | None) -> str:
    """'4.4 Obstructing' for a heuristic whose first EDPB entry is '4.4.2 Longer than necessary'."""
    if meta is None or not meta.edpb:
        return UNCATEGORISED
    number = ".".join(meta.edpb[0].split()[0].split(".")[:2])
    name = EDPB_CATEGORIES.get(number)
    return f"{number} {name}" if name else UNCATEGORISED


def subtotals(contributions: list[Contribution]) -> dict[str, float]:
    """Raw points per category, largest first; categories without points are left out."""
    totals: dict[str, float] = {}
    for c in contributions:
        if c.points:
            totals[c.category] = round(totals.get(c.category, 0.0) + c.points, 1)
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def score(findings: list[Finding], meta: dict[str, HeuristicMeta]) -> Score:
    contributions = []
    for number, f in enumerate(findings, start=1):
        m = meta.get(f.heuristic)
        weight = m.weight if m is not None else 1.0
        contributions.append(Contribution(finding=number, heuristic=f.heuristic, category=category(m),
                                          points=round(SEVERITY_POINTS[f.severity] * weight, 1)))
    raw = round(sum(c.points for c in contributions), 1)
    headline = friction(raw)
    return Score(friction=round(headline), raw=raw, capped=round(headline) >= MAX_SCORE, band=band(headline),
                 categories=subtotals(contributions), contributions=contributions)
