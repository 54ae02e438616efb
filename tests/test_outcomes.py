"""Every heuristic gets exactly one outcome per audit (fired, passed, incomplete, not-applicable, error), and
every report shows it: "no findings" must differ visibly from "nothing was checked" and from "a heuristic
crashed". The incomplete outcome has its own file, tests/test_incomplete_outcome.py.

Browser-free: hand-made traces (tests/trace_factory.py) judged by the real registry.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from rich.console import Console
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace
from typer.testing import CliRunner

from auditor.cli.common import Exit, gate
from auditor.judge.verdict import judge
from auditor.report.html import render_html
from auditor.report.junit import build_junit
from auditor.report.markdown import render_markdown
from auditor.report.sarif import build_sarif
from auditor.report.terminal import render_terminal
from heuristics import registry
from heuristics.base import Checked, Heuristic, HeuristicMeta, NotApplicable, TracePart
from tests.conftest import ROOT

NOTICE = "We use your data to train our models. You can object at any time."


def _fair() -> object:
    """One click on a clear 'Reject all' beside 'Accept all'; the baseline accepts in one click."""
    reject = make_element(text="Reject all", path="#reject")
    accept = make_element(text="Accept all", path="#accept", box=make_element().box.model_copy(update={"x": 300}))
    snap = make_snapshot([reject, accept], text=NOTICE)
    return make_trace([make_step(1, "click", reject, snapshot=snap)],
                      baseline_steps=[make_step(1, "click", accept, snapshot=snap)])


def _obstacle_course() -> object:
    """Six clicks and a required reason to fill: path-length, asymmetric-path and free-text fire."""
    link = make_element(text="Object", path="#object")
    reason = make_element(tag="textarea", role="textbox", text="", name="Why do you object?",
                          label="Why do you object?", required=True, path="#reason", has_fill=False)
    steps = [make_step(n, "click", link, text=NOTICE) for n in range(1, 6)]
    steps.append(make_step(6, "fill", reason, typed_chars=40, text="Tell us why you object."))
    steps.append(make_step(7, "click", make_element(text="Send", path="#send")))
    return make_trace(steps, baseline_steps=[make_step(1, "click", make_element(text="Accept all"))])


TRACES = {
    "no steps, no baseline": lambda: make_trace([]),
    "fair one-click choice": _fair,
    "obstacle course": _obstacle_course,
    "incomplete goal path": lambda: make_trace([make_step(1, "click", make_element(text="Settings"))],
                                               goal_status="incomplete"),
}


@pytest.mark.parametrize("name", sorted(TRACES))
def test_every_heuristic_has_exactly_one_outcome(name):
    report = judge(TRACES[name]())
    ids = [o.id for o in report.outcomes]
    assert sorted(ids) == sorted(registry.metadata()) and len(ids) == len(set(ids))
    for o in report.outcomes:
        assert (o.findings > 0) == (o.outcome == "fired"), o
        assert o.outcome == "fired" or o.text, o  # every pass, absence and error says why
        assert sum(f.heuristic == o.id for f in report.findings) == o.findings
    assert sum(o.points for o in report.outcomes) == pytest.approx(report.score_raw)


def test_fired_outcome_carries_its_findings_and_points():
    report = judge(_obstacle_course())
    o = {o.id: o for o in report.outcomes}
    assert o["path-length"].outcome == "fired" and o["path-length"].findings == 1
    assert o["path-length"].points == 20.0  # one high finding
    assert o["free-text-justification"].outcome == "fired"


def test_passed_outcome_says_what_was_measured():
    o = {o.id: o for o in judge(_fair()).outcomes}
    assert o["path-length"].outcome == "passed"
    assert o["path-length"].text == ("1 action and 0 page loads on the goal path; fires from 3 actions or "
                                     "3 page loads")
    assert o["asymmetric-path"].outcome == "passed" and "no more than the baseline" in o["asymmetric-path"].text
    assert o["no-first-layer-option"].outcome == "passed" and '"Reject all"' in o["no-first-layer-option"].text
    assert o["nagging"].text.startswith("0 dialogs and 0 confirmation clicks on the goal path")
    assert o["delay"].outcome == "passed" and o["delay"].text.startswith("0.0 s of forced waiting")
    # A heuristic without a summary of its own passes with what it measures.
    assert o["confirmshaming"].outcome == "passed" and o["confirmshaming"].text.startswith("checked guilt")


def test_not_applicable_names_the_missing_part():
    o = {o.id: o for o in judge(make_trace([make_step(1, "click", make_element(text="Object"))])).outcomes}
    assert o["asymmetric-path"].outcome == "not-applicable"
    assert o["asymmetric-path"].missing == ["baseline"]
    assert o["asymmetric-path"].text == TracePart.BASELINE.absent
    assert o["default-on"].outcome == "not-applicable" and o["default-on"].missing == ["toggles"]
    assert o["free-text-justification"].missing == ["form"]
    empty = {o.id: o for o in judge(make_trace([])).outcomes}
    assert empty["path-length"].missing == ["goal-steps"]
    assert empty["dead-end"].outcome == "passed"  # it needs nothing: a dead end is judged on every trace


def test_a_heuristic_may_declare_itself_not_applicable_at_run_time():
    """visual-asymmetry has a choice pair, but the baseline's accept sits in another layer and the refusal's
    own layer has none: nothing to compare it with."""
    reject = make_element(text="Reject all", path="#reject", layer="#settings")
    other = make_element(text="Accept all", path="#accept", layer="#banner")
    trace = make_trace([make_step(1, "click", reject)], baseline_steps=[make_step(1, "click", other)])
    assert TracePart.CHOICE_PAIR.present(trace)
    o = {o.id: o for o in judge(trace).outcomes}["visual-asymmetry"]
    assert o.outcome == "not-applicable" and '"Reject all"' in o.text and o.missing == []


BROKEN = HeuristicMeta(id="broken-rule", title="Always raises", severity="high", measures="nothing",
                       why="A test double.", edpb=(), provisions=(), fix="-")


def _raise(trace):
    raise ZeroDivisionError("division by zero in the test double")


@pytest.fixture
def with_broken(monkeypatch):
    """The registry plus one heuristic that always raises."""
    builtin = registry.all_heuristics()
    monkeypatch.setattr(registry, "all_heuristics", lambda: (*builtin, Heuristic(BROKEN, _raise)))


def test_an_error_is_an_outcome_and_makes_the_score_a_lower_bound(with_broken):
    report = judge(_fair())
    o = {o.id: o for o in report.outcomes}
    assert o["broken-rule"].outcome == "error"
    assert o["broken-rule"].text == "ZeroDivisionError: division by zero in the test double"
    assert len(report.outcomes) == len(registry.metadata())  # the others still ran
    assert report.friction_is_lower_bound and report.status == "complete"
    assert report.heuristic_failures == ["broken-rule: ZeroDivisionError: division by zero in the test double"]


def test_an_error_is_shown_in_every_report(with_broken, tmp_path):
    report = judge(_fair())
    console = Console(record=True, width=200)
    render_terminal(report, console)
    terminal = console.export_text()
    assert "heuristic failed: broken-rule" in terminal and "1 error" in terminal
    assert "raised an error (broken-rule)" in terminal
    md = render_markdown(report).replace("\\", "")  # unescaped: the words, not the Markdown
    assert "raised an error (broken-rule), so what it checks was not judged" in md
    assert "| broken-rule | error | ZeroDivisionError" in md
    assert "No findings from the heuristics that ran; 1 heuristic raised an error" in md
    html = render_html(report, tmp_path)
    assert '<tr class="outcome-error"><td><code>broken-rule</code></td><td>error</td>' in html
    assert "≥" in html  # the score is shown as a lower bound
    assert json.loads(report.model_dump_json())["outcomes"]
    sarif_doc = build_sarif(report)
    jsonschema.Draft4Validator(json.loads((ROOT / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())).validate(sarif_doc)
    invocation = sarif_doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["associatedRule"]["id"] == "broken-rule" and "ZeroDivisionError" in note["message"]["text"]
    suite = build_junit(report).find("testsuite")
    [case] = [c for c in suite.findall("testcase") if c.get("name") == "broken-rule"]
    assert case.find("error") is not None and suite.get("errors") == "1"


def test_an_error_fails_the_gates_unless_allowed(with_broken):
    report = judge(_fair())
    assert report.friction == 0
    assert gate(report, max_friction=50, fail_on=None) == Exit.GATE
    assert gate(report, max_friction=None, fail_on="high") == Exit.GATE
    assert gate(report, max_friction=50, fail_on="high", allow_heuristic_errors=True) == Exit.DONE
    assert gate(report, max_friction=None, fail_on=None) == Exit.DONE  # no gate asked for, none fails


def test_reports_list_what_was_checked(tmp_path):
    report = judge(make_trace([make_step(1, "click", make_element(text="Object"))]))
    md = render_markdown(report)
    section = md.split("## What was checked", 1)[1].split("\n## ", 1)[0]
    for o in report.outcomes:
        if o.outcome != "fired":
            assert f"| {o.id} |" in section.replace("\\-", "-"), o.id
    assert "| asymmetric-path | not applicable | no completed baseline" in section.replace("\\-", "-")
    html = render_html(report, tmp_path)
    assert '<section id="checked">' in html and '<tr class="outcome-passed"><td><code>path-length</code>' in html
    assert '<tr class="outcome-not-applicable"><td><code>asymmetric-path</code>' in html


def test_junit_skips_the_not_applicable_and_tells_what_passed_checked():
    report = judge(make_trace([make_step(1, "click", make_element(text="Object"))]))
    suite = build_junit(report).find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert "no completed baseline" in cases["asymmetric-path"].find("skipped").get("message")
    assert cases["path-length"].find("system-out").text.startswith("checked: 1 action")
    assert int(suite.get("skipped")) == sum(o.outcome == "not-applicable" for o in report.outcomes)


def test_a_plain_list_still_works_as_a_check_result():
    """Third-party heuristics return lists; Checked is a list, so built-in checks still compare equal to []."""
    assert Checked([], summary="nothing") == [] and Checked([], summary="x").summary == "x"
    h = Heuristic(BROKEN, lambda trace: [])
    assert registry.run_one(h, _fair()).kind == "passed"
    assert registry.run_one(h, _fair()).text == "checked nothing"
    picky = Heuristic(BROKEN, lambda trace: (_ for _ in ()).throw(NotApplicable("no notice text")))
    assert (registry.run_one(picky, _fair()).kind, registry.run_one(picky, _fair()).text) == (
        "not-applicable", "no notice text")


# --- the catalogue command ------------------------------------------------------------------------------

def test_heuristics_command_never_cuts_ids_short_when_piped():
    from auditor.cli import app

    result = CliRunner().invoke(app, ["heuristics"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    listed = [line.split("\t")[0] for line in result.output.splitlines()[1:]]
    assert listed == [h.id for h in registry.all_heuristics()]


def test_heuristics_command_prints_the_catalogue_as_json():
    from auditor.cli import app

    result = CliRunner().invoke(app, ["heuristics", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert set(rows) == set(registry.metadata())
    assert rows["asymmetric-path"]["requires"] == ["goal-steps", "baseline"]
    assert set(rows["path-length"]) == {"id", "title", "severity", "version", "edpb", "provisions", "requires"}
    assert CliRunner().invoke(app, ["heuristics", "--format", "yaml"]).exit_code == 2


def test_every_builtin_declares_known_trace_parts():
    for h in registry.all_heuristics():
        assert all(isinstance(p, TracePart) for p in h.meta.requires), h.id


def test_rescore_gate_fails_on_a_heuristic_error_unless_allowed(with_broken, tmp_path):
    from auditor.cli import app

    run = tmp_path / "run"
    run.mkdir()
    (run / "trace.json").write_text(_fair().model_dump_json(), encoding="utf-8")
    args = ["rescore", str(run / "trace.json"), "--quiet", "--no-store", "--max-friction", "50"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert result.exit_code == 1, result.output
    assert "gate: heuristic error (broken-rule)" in result.output
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "b"), "--allow-heuristic-errors"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["friction_is_lower_bound"] is True
    assert {o["id"]: o["outcome"] for o in report["outcomes"]}["broken-rule"] == "error"
