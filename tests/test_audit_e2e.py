"""End to end in the real browser: the Meta replica is hard to object to; the fair control is not."""

from __future__ import annotations

import json

import pytest

from auditor.findings import SEVERITY_ORDER
from tests.conftest import FIXTURES, run_cli

CORE = {"path-length", "asymmetric-path", "hidden-affordance", "free-text-justification"}


def test_meta_replica_produces_the_four_core_findings(audit_fixture):
    result = audit_fixture("meta-2024")
    report = result.report
    assert report.status == "complete"
    assert CORE <= {f.heuristic for f in report.findings}
    assert report.friction >= 60
    assert report.metrics.goal_clicks == 4 and report.metrics.baseline_clicks == 1
    assert report.metrics.goal_typed_chars > 30


def test_meta_replica_hidden_link_is_measured_on_the_policy_page(audit_fixture):
    report = audit_fixture("meta-2024").report
    hidden = [f for f in report.findings if f.heuristic == "hidden-affordance"]
    assert any(f.step == 2 and "right to object" in (f.element_label or "") for f in hidden)
    step2 = audit_fixture("meta-2024").trace.goal.steps[1]
    link = step2.target_element
    assert link is not None and link.tag == "a" and link.in_prose
    assert link.contrast is not None and link.contrast < 4.5


def test_meta_replica_writes_every_output(audit_fixture):
    result = audit_fixture("meta-2024")
    for name in ("report.json", "report.md", "report.html", "trace.json"):
        assert (result.run_dir / name).stat().st_size > 0
    data = json.loads((result.run_dir / "report.json").read_text())
    assert data["status"] == "complete" and data["friction"] >= 60
    assert data["metrics"]["goal_clicks"] == 4 and data["metrics"]["baseline_clicks"] == 1
    for f in data["findings"]:
        assert {"heuristic", "severity", "step", "title", "detail"} <= f.keys()
    shots = sorted(p.name for p in (result.run_dir / "screenshots").glob("*.png"))
    assert "goal-01.png" in shots and "goal-07.png" in shots and "baseline-01.png" in shots


def test_fair_control_has_no_medium_finding_and_low_friction(audit_fixture):
    report = audit_fixture("fair").report
    assert report.status == "complete"
    assert [f.heuristic for f in report.findings if SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER["medium"]] == []
    assert report.friction <= 10
    assert report.metrics.goal_clicks == 1 == report.metrics.baseline_clicks


def test_cli_audit_prints_a_numbered_breakdown(tmp_path):
    proc = run_cli("audit", str(FIXTURES / "meta-2024" / "flow.yaml"), "--out", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    assert "1. " in proc.stdout and "2. " in proc.stdout
    assert "Friction" in proc.stdout
    assert (tmp_path / "run" / "report.html").exists()


def test_cli_gate_exits_1_above_max_friction(tmp_path):
    proc = run_cli("audit", str(FIXTURES / "meta-2024" / "flow.yaml"), "--out", str(tmp_path / "run"),
                   "--max-friction", "20", "--quiet")
    assert proc.returncode == 1
    assert "above --max-friction 20" in proc.stderr


@pytest.mark.parametrize("text", ["Learn more"])
def test_trace_round_trips_without_a_browser(audit_fixture, text):
    from auditor.judge.verdict import judge
    from auditor.trace import FlowTrace

    result = audit_fixture("meta-2024")
    loaded = FlowTrace.load(result.run_dir / "trace.json")
    assert loaded.goal.steps[0].target_element.label_text == text
    assert judge(loaded).friction == result.report.friction
