"""Calibration of the friction score against six reference flows of increasing badness, in the real browser.

fair (two equal buttons) < a weak "continue without accepting" link < refusal only behind "Settings" <
the same plus pre-ticked purposes < the Meta replica < the Meta replica made worse. The headline and the
raw points must strictly increase along the ladder, the fair control must stay at or below 10, and the
two flows above the old cap of 100 raw points must stay apart (docs/scoring.md). If a new heuristic or a
weight change breaks this ordering, the calibration has to be revisited and documented, not the test.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise
from pathlib import Path

import pytest

from auditor.judge.scoring import (
    BANDS,
    SATURATION_K,
    SEVERITY_POINTS,
    category,
    friction,
    score,
)
from heuristics.registry import metadata

DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"

# (fixture folder, flow file), least bad first; docs/scoring.md explains each rung.
LADDER = [
    ("fair", "flow.yaml"),
    ("libraries/vanilla-cookieconsent", "continue-link-fr.yaml"),
    ("no-first-layer", "flow.yaml"),
    ("libraries/vanilla-cookieconsent", "preticked-da.yaml"),
    ("meta-2024", "flow.yaml"),
    ("calibration/worse-than-meta", "flow.yaml"),
]


def _subtotals(report) -> dict[str, float]:
    """Raw points per EDPB category, from the report's findings (the same split as Report.category_points)."""
    meta = metadata()
    totals: dict[str, float] = {}
    for f in report.findings:
        key = category(meta.get(f.heuristic))
        totals[key] = round(totals.get(key, 0.0) + f.points, 1)
    return {k: v for k, v in totals.items() if v}


@pytest.mark.browser
def test_the_ladder_strictly_increases_and_the_fair_control_stays_fair(module_audits):
    reports = [module_audits(folder, flow).report for folder, flow in LADDER]
    table = [(f"{folder}/{flow}", r.score_raw, r.friction, _subtotals(r)) for (folder, flow), r in zip(LADDER, reports)]
    assert all(r.status == "complete" for r in reports), [(n, r.status) for n, r in zip(LADDER, reports)]
    assert reports[0].friction <= 10, [(f.heuristic, f.points) for f in reports[0].findings]
    raws = [r.score_raw for r in reports]
    headlines = [r.friction for r in reports]
    assert all(a < b for a, b in pairwise(raws)), table
    assert all(a < b for a, b in pairwise(headlines)), table
    bands = [name for _, name in BANDS]
    assert [bands.index(r.band) for r in reports] == sorted(bands.index(r.band) for r in reports), table
    # above the old cap (100 raw points showed 100): the two worst flows are both below 100 and apart
    assert raws[-2] > 100 and headlines[-2] < headlines[-1] < 100, table
    for r in reports:  # the subtotals add up to the raw points
        assert math.isclose(sum(_subtotals(r).values()), r.score_raw, abs_tol=0.05), (r.flow.name, _subtotals(r))


@pytest.mark.browser
def test_no_first_layer_is_judged_for_the_missing_refusal_not_for_looks(module_audits):
    report = module_audits("no-first-layer", "flow.yaml").report
    found = {f.heuristic for f in report.findings}
    assert "no-first-layer-option" in found
    assert "hidden-affordance" not in found  # Settings and Reject are ordinary, readable buttons
    assert report.metrics.goal_clicks == 2 and report.metrics.baseline_clicks == 1
    assert report.band in {"low", "moderate"}


def test_the_curve_is_nearly_linear_low_and_saturates_without_a_cap():
    assert friction(0) == 0
    assert round(friction(8)) <= 10  # two low nudges stay fair
    assert 20 <= round(friction(20)) <= 25  # one high finding: low band, close to moderate
    assert 50 <= round(friction(60)) < 75  # three high findings: high band
    points = [0, 10, 40, 100, 200, 300, 400]
    assert all(friction(a) < friction(b) < 100 for a, b in pairwise(points))
    assert round(friction(SATURATION_K * math.log(200))) == 100  # where rounding reaches 100


def test_score_splits_the_raw_points_by_edpb_category():
    from auditor.findings import Finding

    meta = metadata()
    findings = [Finding(heuristic="path-length", severity="high", title="t", detail="d", path="goal"),
                Finding(heuristic="asymmetric-path", severity="medium", title="t", detail="d", path="goal"),
                Finding(heuristic="visual-asymmetry", severity="info", title="t", detail="d", path="goal")]
    s = score(findings, meta)
    assert s.raw == 30 and s.categories == {"4.1 Overloading": 20.0, "4.4 Obstructing": 10.0}
    assert s.friction == round(friction(30)) and not s.capped


def test_scoring_doc_states_the_points_and_the_curve_in_the_code():
    text = DOC.read_text(encoding="utf-8")
    for severity, points in SEVERITY_POINTS.items():
        assert re.search(rf"\|\s*{severity}\s*\|\s*{points:g}\s*\|", text), (severity, points)
    for floor, name in BANDS:
        assert name in text
    assert f"K = {SATURATION_K:g}" in text
