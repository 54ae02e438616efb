"""The fourth outcome, ``incomplete`` (axe-core's "incomplete"): a heuristic that applied but could not make a
measurement it needs says so, and every report shows it beside passed / not applicable / error.

"Checked and fine" and "could not check" must never read the same: an incomplete check adds no points and
trips no gate (it is no internal error), but the score is then a lower bound, and each format says which
heuristic could not complete its check and why. Browser-free: hand-made traces judged by the registry.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from rich.console import Console

from auditor.cli.common import Exit, gate
from auditor.judge.verdict import judge
from auditor.report.html import render_html
from auditor.report.junit import build_junit
from auditor.report.markdown import render_markdown
from auditor.report.model import checked_rows, lower_bound_text
from auditor.report.sarif import build_sarif
from auditor.report.terminal import render_terminal
from heuristics.base import Checked, Heuristic, HeuristicMeta, outcome_of
from tests.conftest import ROOT
from tests.test_unknown_contrast import WHY, choice, reject
from tests.trace_factory import make_element

META = HeuristicMeta(id="half-blind", title="Measures what it can", severity="medium", measures="a contrast",
                     why="A test double.", edpb=(), provisions=(), fix="-")
UNKNOWN = f'the contrast of "Reject all" could not be measured ({WHY})'


def _unmeasured():
    """A fair choice whose refusal's contrast could not be measured: nothing fires."""
    return judge(choice(reject(contrast=None, contrast_unknown=WHY)))


# ---------------------------------------------------------------- how a check says it

def test_outcome_of_a_check_result():
    h = Heuristic(META, lambda trace: [])
    assert outcome_of(h, []).kind == "passed" and outcome_of(h, []).text == "checked a contrast"
    o = outcome_of(h, Checked([], summary="the size was measured", incomplete=UNKNOWN))
    assert (o.kind, o.text, o.incomplete, o.findings) == ("incomplete", "the size was measured", UNKNOWN, ())
    assert outcome_of(h, Checked([], incomplete=UNKNOWN)).text == "checked a contrast"
    fired = outcome_of(h, Checked(["a finding"], incomplete=UNKNOWN))  # findings stand; the note is kept
    assert (fired.kind, fired.findings, fired.incomplete) == ("fired", ("a finding",), UNKNOWN)


def test_the_score_is_unchanged_but_a_lower_bound():
    measured, unmeasured = judge(choice(reject())), _unmeasured()
    assert (unmeasured.friction, unmeasured.score_raw) == (measured.friction, measured.score_raw)
    assert not measured.friction_is_lower_bound and unmeasured.friction_is_lower_bound
    assert unmeasured.heuristic_failures == []  # not an error
    assert lower_bound_text(unmeasured) == (
        "2 heuristics could not complete their check (hidden-affordance, visual-asymmetry): what could not be "
        "measured was not judged, so their points may be understated.")


def test_an_incomplete_check_fails_no_gate():
    report = _unmeasured()
    assert gate(report, max_friction=0, fail_on="info") == Exit.DONE


# ---------------------------------------------------------------- every report format

def test_markdown_and_html_list_incomplete_checks_in_their_own_group(tmp_path):
    report = _unmeasured()
    kinds = [kind for _, kind, _, _ in checked_rows(report)]
    assert kinds == sorted(kinds, key=["error", "incomplete", "passed", "not-applicable"].index)
    md = render_markdown(report).replace("\\", "")
    assert "18 heuristics: 12 passed, 2 incomplete, 4 not applicable." in md
    assert f"| hidden-affordance | incomplete | {UNKNOWN}; its other signals were checked: none fired |" in md
    assert "> **2 heuristics could not complete their check (hidden-affordance, visual-asymmetry)" in md
    assert "No findings; 2 heuristics could not complete their check, so this is not a verdict" in md
    assert "Friction at least 0/100" in md
    html = render_html(report, tmp_path)
    assert '<tr class="outcome-incomplete"><td><code>hidden-affordance</code></td><td>incomplete</td>' in html
    assert "≥" in html and "could not complete their check" in html


def test_a_fired_check_that_was_partly_incomplete_is_listed_too():
    plain = reject(has_fill=False, contrast=None, contrast_unknown=WHY)  # visual-asymmetry fires on style
    report = judge(choice(plain))
    [row] = [r for r in checked_rows(report) if r[0] == "visual-asymmetry"]
    assert row == ("visual-asymmetry", "incomplete", "fired, check partly incomplete",
                   f'contrast not compared ("Reject all": {WHY}); its findings stand')
    assert report.friction_is_lower_bound and report.findings


def test_terminal_prints_a_line_per_incomplete_check():
    console = Console(record=True, width=300)
    render_terminal(_unmeasured(), console)
    text = console.export_text()
    assert f"check incomplete: hidden-affordance: {UNKNOWN}" in text
    assert "2 incomplete" in text and "at least 0/100" in text


def test_sarif_reports_an_incomplete_check_as_a_review_result():
    doc = build_sarif(_unmeasured())
    jsonschema.Draft4Validator(json.loads((ROOT / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())).validate(doc)
    run = doc["runs"][0]
    reviews = {r["ruleId"]: r for r in run["results"] if r.get("kind") == "review"}
    assert set(reviews) == {"hidden-affordance", "visual-asymmetry"}
    r = reviews["hidden-affordance"]
    assert r["level"] == "none"  # SARIF: a result whose kind is not "fail" has level "none"
    assert r["message"]["text"] == f"Check incomplete: {UNKNOWN}; its other signals were checked: none fired."
    assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == "hidden-affordance"
    assert run["invocations"][0]["executionSuccessful"] is True  # nothing crashed
    assert run["properties"]["outcomes"]["hidden-affordance"] == "incomplete"
    assert run["properties"]["frictionIsLowerBound"] is True


def test_junit_runs_an_incomplete_check_and_says_so():
    suite = build_junit(_unmeasured()).find("testsuite")
    case = next(c for c in suite.findall("testcase") if c.get("name") == "hidden-affordance")
    assert [child.tag for child in case] == ["system-out"]  # not skipped (it applied), not failed, not errored
    assert case.find("system-out").text == (f"incomplete: {UNKNOWN}; its other signals were checked: none fired "
                                            "(the friction score is a lower bound)")
    assert (suite.get("failures"), suite.get("errors")) == ("0", "0")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["incomplete"] == "hidden-affordance, visual-asymmetry"


def test_report_json_carries_the_outcome_and_matches_the_schema():
    report = json.loads(_unmeasured().model_dump_json())
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "report.schema.json").read_text()))
    o = {o["id"]: o for o in report["outcomes"]}["hidden-affordance"]
    assert (o["outcome"], o["incomplete"]) == ("incomplete", UNKNOWN)


@pytest.mark.parametrize("contrast", [7.0, 1.1])
def test_a_known_contrast_is_never_incomplete(contrast):
    o = {o.id: o for o in judge(choice(reject(contrast=contrast))).outcomes}
    assert o["hidden-affordance"].incomplete == "" and o["hidden-affordance"].outcome in ("passed", "fired")
    assert o["visual-asymmetry"].incomplete == ""


def test_an_accept_control_without_text_contrast_keeps_the_pass():
    accept = make_element(text="Accept all", path="#accept", box=reject().box.model_copy(update={"x": 300}),
                          contrast=None)
    assert {o.id: o for o in judge(choice(reject(), accept)).outcomes}["visual-asymmetry"].outcome == "passed"
