"""Suppressions apply wherever a trace is judged: `explore` and the pytest plugin read the same configuration
as `audit` (the project's [tool.consent-audit] suppress, the flow file's suppress:) through
auditor.judge.suppress.configured_suppressions, and judge with the same auditor.judge.verdict.judge.
"""

from __future__ import annotations

import json

import pytest

from auditor.config import ConfigError
from auditor.gather.pytest_plugin import RecordedFlow
from auditor.judge.suppress import configured_suppressions
from tests.conftest import FIXTURES, run_cli
from tests.test_outcomes import _obstacle_course

pytest_plugins = ["pytester"]

PROJECT = """\
[tool.consent-audit]
suppress = [
  {heuristic = "path-length", reason = "six steps are the legal minimum here"},
  {heuristic = "free-text-justification", reason = "asked by the DPO"},
]
"""
FLOW = """\
name: Suppressed
start: https://example.com/
goal: object
path:
  - click: {text: Object}
done: {text: Thanks}
suppress:
  - heuristic: delay
    reason: the brand's animation
"""


def test_configured_suppressions_are_the_flow_files_then_the_projects(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / "flow.yaml").write_text(FLOW)
    found = configured_suppressions(tmp_path / "flow.yaml", start=tmp_path)
    assert [(s.heuristic, s.kind) for s in found] == [("delay", "inSource"), ("path-length", "external"),
                                                      ("free-text-justification", "external")]
    (tmp_path / "test_x.py").write_text("suppress: not a flow\n")  # a plugin trace names its test file
    assert [s.heuristic for s in configured_suppressions(tmp_path / "test_x.py", start=tmp_path)] == \
        ["path-length", "free-text-justification"]
    assert [s.kind for s in configured_suppressions(tmp_path / "gone.yaml", start=tmp_path)] == ["external"] * 2


def test_the_plugins_recorded_flow_is_judged_with_the_projects_suppressions(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    trace = _obstacle_course()
    plain = RecordedFlow("t", "object", tmp_path)
    muted = RecordedFlow("t", "object", tmp_path, configured_suppressions(start=tmp_path))
    for flow in (plain, muted):
        flow.goal_path, flow.baseline_path = trace.goal, trace.baseline
    assert plain.report.score_raw == 80 and muted.report.score_raw == 40
    assert {f.heuristic for f in muted.findings if f.suppressed} == {"path-length", "free-text-justification"}
    assert len(muted.findings) == len(plain.findings)  # nothing hidden
    text = muted.describe()
    assert "(2 suppressed)" in text
    assert "0 points (suppressed) (suppressed: six steps are the legal minimum here, pyproject.toml:3)" in text
    with pytest.raises(AssertionError):
        plain.assert_no_findings("high")
    assert muted.report.count("high") == 2  # asymmetric-path and dead-end: still open, still counted


SAMPLE = '''
def test_fixture_carries_the_projects_suppressions(consent_audit):
    [s] = consent_audit.suppressions
    assert (s.heuristic, s.kind) == ("path-length", "external") and s.source.endswith("pyproject.toml:2")
'''


def test_the_fixture_reads_the_pyproject_of_pytests_rootdir(pytester):
    pytester.makefile(".toml", pyproject='[tool.consent-audit]\nsuppress = [{heuristic = "path-length", '
                                         'reason = "legal minimum"}]\n')
    pytester.makepyfile(test_sample=SAMPLE)
    pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120).assert_outcomes(passed=1)


def test_a_bad_project_entry_fails_the_test_naming_the_line(pytester):
    pytester.makefile(".toml", pyproject='[tool.consent-audit]\nsuppress = [{heuristic = "path-lenght", '
                                         'reason = "x"}]\n')
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*consent-audit: *pyproject.toml:2: *unknown heuristic 'path-lenght'*"])


def test_pyproject_errors_are_config_errors(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit]\nsuppress = [{heuristic = "delay"}]\n')
    with pytest.raises(ConfigError, match="missing required key 'reason'"):
        configured_suppressions(start=tmp_path)


# --- explore, in the real browser -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served():
    from auditor.gather.server import serve_folder

    with serve_folder(FIXTURES / "explore") as base:
        yield base


def test_explore_applies_the_projects_suppressions(served, tmp_path):
    """A refusal out of the search's budget is a dead-end finding that trips --fail-on high (exit 1); the
    project's suppression of it takes it out of the gate (exit 0) and the report keeps it, marked."""
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit]\nsuppress = [{heuristic = "dead-end", '
                                             'reason = "the settings page is reviewed by hand"}]\n')
    res = run_cli("explore", served + "settings-reject-de/index.html", "--max-depth", "1", "--max-seconds", "30",
                  "--fail-on", "high", "--out", str(tmp_path / "run"), "--no-store", "--quiet", cwd=tmp_path)
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    dead_end = [f for f in report["findings"] if f["heuristic"] == "dead-end"]
    assert dead_end and dead_end[0]["suppressed"]["reason"] == "the settings page is reviewed by hand"
    assert dead_end[0]["points"] == 0
    assert [n["status"] for n in report["suppressions"]] == ["applied"]
    assert res.returncode == 0, res.stdout + res.stderr
