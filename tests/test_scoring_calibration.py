"""Calibration of the friction score against three reference flows, in the real browser.

fair (two equal buttons)  <  no-first-layer (reject only behind "Settings")  <  meta-2024 (the 2024 replica),
with clear gaps, so that the score's bands mean something (docs/scoring.md). If a new heuristic or a
weight change breaks this ordering, the calibration has to be revisited and documented, not the test.
"""

from __future__ import annotations

import re
from pathlib import Path

from auditor.judge.scoring import BANDS, SEVERITY_POINTS

DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"


def test_three_reference_flows_are_ordered_with_clear_gaps(audit_fixture):
    fair = audit_fixture("fair").report
    middle = audit_fixture("no-first-layer").report
    meta = audit_fixture("meta-2024").report
    assert fair.status == middle.status == meta.status == "complete"
    assert fair.friction <= 10, [(f.heuristic, f.points) for f in fair.findings]
    assert 15 <= middle.friction <= 55, [(f.heuristic, f.points) for f in middle.findings]
    assert meta.friction >= 60
    assert middle.friction - fair.friction >= 15 and meta.friction - middle.friction >= 20


def test_no_first_layer_is_judged_for_the_missing_refusal_not_for_looks(audit_fixture):
    report = audit_fixture("no-first-layer").report
    found = {f.heuristic for f in report.findings}
    assert "no-first-layer-option" in found
    assert "hidden-affordance" not in found  # Settings and Reject are ordinary, readable buttons
    assert report.metrics.goal_clicks == 2 and report.metrics.baseline_clicks == 1
    assert report.band in {"low", "moderate"}


def test_scoring_doc_states_the_points_in_the_code():
    text = DOC.read_text(encoding="utf-8")
    for severity, points in SEVERITY_POINTS.items():
        assert re.search(rf"\|\s*{severity}\s*\|\s*{points:g}\s*\|", text), (severity, points)
    for floor, name in BANDS:
        assert name in text
