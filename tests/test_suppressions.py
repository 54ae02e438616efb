"""Suppressions that explain themselves (issue 16, item 5): a reviewed finding stays in every report, marked
with its reason, but leaves the score and the gates; expired and unused suppressions are reported; bad
entries are bad input naming the file and the line.

Browser-free: the obstacle course of tests/test_outcomes.py (asymmetric-path, path-length, dead-end and
free-text-justification fire, 20 points each) judged by the real registry.
"""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.cli.common import Exit, gate
from auditor.config import ConfigError, load_settings
from auditor.flow.spec import FlowError, parse_flow
from auditor.judge.scoring import friction
from auditor.judge.verdict import judge
from auditor.report.html import render_html
from auditor.report.json_report import render_json
from auditor.report.junit import build_junit
from auditor.report.markdown import render_markdown
from auditor.report.model import Report, outcome_counts_text
from auditor.report.sarif import build_sarif
from auditor.suppression import Suppression
from tests.conftest import ROOT
from tests.test_outcomes import _obstacle_course
from tests.trace_factory import make_element, make_step, make_trace

FLOW = """\
name: Suppressed
start: https://example.com/
goal: object
path:
  - click: {text: Object}
done: {text: Thanks}
suppress:
"""
LATER, EARLIER = date(2099, 1, 31), date(2000, 1, 1)


def _rule(heuristic: str, kind: str = "inSource", **fields) -> Suppression:
    return Suppression(heuristic=heuristic, reason=fields.pop("reason", "reviewed with legal"), kind=kind,
                       source=fields.pop("source", "flow.yaml:9"), **fields)


def _finding(report: Report, heuristic: str):
    return next(f for f in report.findings if f.heuristic == heuristic)


# --- where suppressions are written --------------------------------------------------------------------

@pytest.mark.parametrize("entry, line, message", [
    ("  - heuristic: no-such-rule\n    reason: x\n", 8, "unknown heuristic 'no-such-rule'; known: ambiguous-wording"),
    ("  - heuristic: delay\n", 8, "missing required key 'reason'"),
    ("  - heuristic: delay\n    reason: '  '\n", 9, "a suppression needs a reason"),
    ("  - heuristic: delay\n    reason: ok\n    until: next spring\n", 10, "until must be an ISO date"),
    ("  - heuristic: delay\n    reason: ok\n    selector: '#x'\n", 10, "unknown key 'selector'"),
])
def test_a_bad_flow_file_entry_is_bad_input_at_its_line(entry, line, message):
    with pytest.raises(FlowError) as exc:
        parse_flow(FLOW + entry, "flow.yaml")
    assert exc.value.line == line
    assert message in str(exc.value) and "suppress > entry 1" in str(exc.value)


def test_flow_file_entries_are_in_source_and_located():
    flow = parse_flow(FLOW + "  - heuristic: delay\n    reason: the brand's animation\n"
                             "  - heuristic: hidden-affordance\n    element: Manage options\n    path: goal\n"
                             "    step: 1\n    reason: ok\n    until: 2099-01-31\n", "flow.yaml")
    first, second = flow.suppressions()
    assert (first.kind, first.source, first.until) == ("inSource", "flow.yaml:8", None)
    assert (second.element, second.step, second.until, second.source) == ("Manage options", 1, LATER, "flow.yaml:10")
    project = _rule("delay", kind="external", source="pyproject.toml:7")
    assert flow.with_project_suppressions([project]).suppressions()[-1] == project
    assert flow.model_copy().suppressions() == flow.suppressions()


PYPROJECT = """\
[tool.consent-audit]
fail-on = "high"
suppress = [
  {heuristic = "path-length", reason = "six steps are the legal minimum here"},
  # a comment with { a brace
  {heuristic = "free-text-justification", element = "why do you  OBJECT?", reason = "asked by the DPO", until = 2099-01-31},
]
"""


def test_pyproject_entries_are_external_and_located(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    first, second = load_settings(tmp_path).suppressions
    assert (first.kind, first.source) == ("external", "pyproject.toml:4")
    assert (second.source, second.until) == ("pyproject.toml:6", LATER)


@pytest.mark.parametrize("entry, message", [
    ('{heuristic = "path-lenght", reason = "x"}', "unknown heuristic 'path-lenght'"),
    ('{heuristic = "delay"}', "missing required key 'reason'"),
    ('{heuristic = "delay", reason = "x", until = "31/01/2099"}', "until must be an ISO date"),
])
def test_a_bad_pyproject_entry_is_bad_input_at_its_line(tmp_path, entry, message):
    (tmp_path / "pyproject.toml").write_text(f"[tool.consent-audit]\nsuppress = [\n  {{heuristic = \"delay\", "
                                             f"reason = \"fine\"}},\n  {entry},\n]\n")
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path)
    assert "pyproject.toml:4: [tool.consent-audit] suppress entry 2: " in str(exc.value)
    assert message in str(exc.value)


# --- judging -------------------------------------------------------------------------------------------

def test_suppressed_findings_stay_but_leave_the_score_and_the_gates():
    trace = _obstacle_course()
    plain = judge(trace)
    assert plain.score_raw == 80 and plain.count("high") == 4
    report = judge(trace, [_rule("path-length"),
                           _rule("free-text-justification", element="why do you  OBJECT?", path="goal", step=6,
                                 until=LATER, kind="external", source="pyproject.toml:6")])
    assert [f.heuristic for f in report.findings] == [f.heuristic for f in plain.findings]  # nothing hidden
    assert _finding(report, "path-length").suppressed_text == "suppressed: reviewed with legal"
    assert _finding(report, "free-text-justification").suppressed_text == \
        "suppressed: reviewed with legal (until 2099-01-31)"
    assert [f.points for f in report.findings if f.suppressed] == [0.0, 0.0]
    assert report.score_raw == 40 and report.friction == round(friction(40)) < plain.friction
    assert sum(report.category_points.values()) == 40
    assert report.count("high") == 2
    by_id = {o.id: o for o in report.outcomes}
    assert (by_id["path-length"].outcome, by_id["path-length"].suppressed, by_id["path-length"].points) == \
        ("fired", 1, 0.0)
    assert "(2 fired only suppressed findings)" in outcome_counts_text(report)
    assert [n.status for n in report.suppressions] == ["applied", "applied"]
    assert not any("suppression" in w for w in report.warnings)


def test_gates_pass_when_every_finding_above_them_is_suppressed():
    trace = _obstacle_course()
    every = [_rule(h) for h in ("asymmetric-path", "path-length", "dead-end", "free-text-justification")]
    report = judge(trace, every)
    assert report.friction == 0 and len(report.findings) == 4
    assert gate(report, max_friction=0, fail_on="low") is Exit.DONE
    assert gate(judge(trace), max_friction=None, fail_on="high") is Exit.GATE


def test_an_element_or_step_that_does_not_match_suppresses_nothing_and_is_reported():
    report = judge(_obstacle_course(), [_rule("free-text-justification", element="Why do you object"),
                                        _rule("free-text-justification", step=5)])
    assert report.score_raw == 80
    assert [n.status for n in report.suppressions] == ["unused", "unused"]
    assert sum("suppression matched no finding (flow.yaml:9): free-text-justification" in w
               for w in report.warnings) == 2


def test_an_expired_suppression_no_longer_suppresses_and_warns():
    report = judge(_obstacle_course(), [_rule("path-length", until=EARLIER)])
    assert report.score_raw == 80 and _finding(report, "path-length").suppressed is None
    note = report.suppressions[0]
    assert (note.status, note.matched) == ("expired", 1)
    assert "suppression expired on 2000-01-01 (flow.yaml:9): path-length no longer suppressed; 1 finding(s) " \
           "it matched count again" in report.warnings


# --- every report shows it -----------------------------------------------------------------------------

@pytest.fixture
def suppressed_report() -> Report:
    return judge(_obstacle_course(), [
        _rule("path-length", reason="six steps <b>are</b> the minimum"),
        _rule("free-text-justification", kind="external", source="pyproject.toml:6", until=LATER),
        _rule("delay", until=EARLIER)])


def test_markdown_and_html_mark_suppressed_findings_and_list_the_suppressions(suppressed_report, tmp_path):
    md = render_markdown(suppressed_report)
    assert "**suppressed: six steps &lt;b&gt;are&lt;/b&gt; the minimum** (flow.yaml:9)" in md
    assert "**suppressed: reviewed with legal \\(until 2099-01-31\\)** (pyproject.toml:6)" in md
    assert "- **Points:** 0 points (suppressed) (path-length)" in md
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    assert [h.endswith("(suppressed)") for h in headings] == [False, True, False, True]
    assert "## Suppressions" in md
    assert "| delay | reviewed with legal \\(until 2000-01-01\\) | expired | flow.yaml:9 \\(inSource\\) |" in md
    assert "4 findings (2 suppressed); 40 raw points" in md
    assert "suppression expired on 2000-01-01" in md
    html = render_html(suppressed_report, tmp_path)
    assert "suppressed: six steps &lt;b&gt;are&lt;/b&gt; the minimum" in html and "<b>are</b>" not in html
    assert 'id="suppressions"' in html and "0 (suppressed)" in html


def test_json_keeps_the_suppressions_and_reads_back(suppressed_report):
    data = json.loads(render_json(suppressed_report))
    jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / "report.schema.json").read_text())).validate(data)
    again = Report.model_validate(data)
    assert again.findings == suppressed_report.findings and again.suppressions == suppressed_report.suppressions
    marked = [f for f in data["findings"] if f["suppressed"]]
    assert {f["suppressed"]["until"] for f in marked} == {None, "2099-01-31"}


def test_sarif_writes_suppressions_with_kind_and_justification(suppressed_report):
    sarif = build_sarif(suppressed_report, cwd=ROOT)
    schema = json.loads((ROOT / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    assert results["path-length"]["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "six steps <b>are</b> the minimum",
         "properties": {"source": "flow.yaml:9"}}]
    assert results["free-text-justification"]["suppressions"][0]["kind"] == "external"
    assert results["free-text-justification"]["suppressions"][0]["properties"]["until"] == "2099-01-31"
    assert "suppressions" not in results["dead-end"]
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert any("suppression expired" in n["message"]["text"] and n["level"] == "warning"
               for n in invocation["toolExecutionNotifications"])


def test_junit_never_fails_a_suppressed_finding(suppressed_report):
    suite = build_junit(suppressed_report, fail_on="high").find("testsuite")
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"asymmetric-path", "dead-end"}
    path_length = next(c for c in suite.iter("testcase") if c.get("name") == "path-length")
    assert "suppressed: six steps <b>are</b> the minimum" in path_length.find("system-out").text


# --- rescore: suppress what was reviewed after the run ----------------------------------------------------

def test_rescore_applies_the_projects_suppressions_and_names_the_source_trace(tmp_path, monkeypatch):
    run = tmp_path / "run"
    run.mkdir()
    trace_file = run / "trace.json"
    trace_file.write_text(_obstacle_course().model_dump_json())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    before = runner.invoke(app, ["rescore", str(trace_file), "--no-store", "-q", "--out", "a"])
    assert before.exit_code == Exit.DONE, before.output
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)  # fail-on high, two findings suppressed
    gated = runner.invoke(app, ["rescore", str(trace_file), "--no-store", "-q", "--out", "b"])
    assert gated.exit_code == Exit.GATE  # asymmetric-path and dead-end still count
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["score_raw"] == 40 and sum(bool(f["suppressed"]) for f in report["findings"]) == 2
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["source_trace"] == str(trace_file.resolve())
    in_place = runner.invoke(app, ["rescore", str(trace_file), "--no-store", "-q", "--in-place"])
    assert in_place.exit_code == Exit.GATE
    assert "source_trace" not in json.loads((run / "manifest.json").read_text())


def test_rescore_reads_the_suppressions_of_the_flow_file_the_trace_names(tmp_path, monkeypatch):
    flow_file = tmp_path / "flow.yaml"
    flow_file.write_text(FLOW + "  - heuristic: dead-end\n    reason: the form is the legal route\n"
                                "  - heuristic: delay\n    reason: no longer slow\n")
    trace = _obstacle_course()
    trace.flow.file = str(flow_file)
    trace_file = tmp_path / "trace.json"
    trace_file.write_text(trace.model_dump_json())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["rescore", str(trace_file), "--no-store", "-q", "--out", "r",
                                      "--format", "sarif"])
    assert result.exit_code == Exit.DONE, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["score_raw"] == 60
    assert [(n["suppression"]["source"], n["status"]) for n in report["suppressions"]] == [
        (f"{flow_file}:8", "applied"), (f"{flow_file}:10", "unused")]
    sarif = json.loads((tmp_path / "r" / "report.sarif").read_text())
    dead_end = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "dead-end")
    assert dead_end["suppressions"][0]["kind"] == "inSource"


def test_a_bad_pyproject_suppression_is_exit_2_naming_the_line(tmp_path, monkeypatch):
    trace_file = tmp_path / "trace.json"
    trace_file.write_text(make_trace([make_step(1, "click", make_element(text="Reject all"))]).model_dump_json())
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit]\nsuppress = [\n  {heuristic = "delay"},\n]\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["rescore", str(trace_file), "--no-store", "-q"])
    assert result.exit_code == Exit.BAD_INPUT
    assert "pyproject.toml:3" in result.output and "missing required key 'reason'" in result.output


def test_docs_explain_suppressions():
    text = (ROOT / "docs" / "suppressions.md").read_text()
    for needed in ("inSource", "external", "until", "expired", "matched no finding", "fired"):
        assert needed in text
