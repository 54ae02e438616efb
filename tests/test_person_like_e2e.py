"""The driver acts like a person on the pages consent libraries make (auditor/gather/person.py).

Sites live in fixtures/person/<name>/: handlers attached late or on the first interaction, slider
switches over hidden checkboxes, a layer that fades in, a banner hidden from automated browsers. Each
proves one behaviour in the real browser; two small pages written here prove the failures say why.
"""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.trace_factory import make_step, make_trace

from heuristics import delay

NOTICE_STYLE = "<style>.btn{width:200px;height:44px}</style>"


def _site(tmp_path, html: str, flow: str):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8>{NOTICE_STYLE}"
                                     f"<title>News</title></head><body>{html}</body></html>")
    (site / "flow.yaml").write_text(flow)
    return site / "flow.yaml"


def _audit(flow, tmp_path, *extra):
    proc = run_cli("audit", str(flow), "--out", str(tmp_path / "run"), "--no-store", *extra, timeout=120)
    return proc, json.loads((tmp_path / "run" / "trace.json").read_text())


# --- clicks before the consent script is ready -------------------------------------------------------------

def test_a_click_that_changed_nothing_is_retried_once(audit_fixture):
    result = audit_fixture("person/handlers-on-interaction")
    assert result.report.status == "complete", result.report.reason
    for path in (result.trace.goal, result.trace.baseline):
        [step] = path.steps
        assert step.retried and "the second click took effect" in step.retry_reason
        assert step.clicks == 1  # the flow's click, not the auditor's second try
    assert any(w.startswith("goal step 1: the click changed nothing within 1 s") for w in result.report.warnings)
    assert not [f for f in result.report.findings if f.heuristic in ("dead-end", "delay")]


def test_banner_whose_handlers_attach_late_is_audited(audit_fixture):
    result = audit_fixture("person/late-handlers")
    assert result.report.status == "complete", result.report.reason
    assert result.trace.baseline.status == "complete"
    assert result.report.friction <= 10 and not [f for f in result.report.findings if f.severity != "low"]


def test_the_first_click_waits_for_the_pages_pending_short_timers(audit_fixture):
    # tarteaucitron paints its banner, then attaches the handlers in a 500 ms timer that also changes the
    # DOM: a click before it did nothing, and the timer's change passed for the click's effect.
    result = audit_fixture("person/handlers-in-a-timer")
    assert result.report.status == "complete", result.report.reason
    assert result.trace.baseline.status == "complete", result.trace.baseline.reason
    for path in (result.trace.goal, result.trace.baseline):
        [step] = path.steps
        assert not step.retried, step.retry_reason


def test_a_dead_button_is_retried_then_reported_as_changing_nothing(tmp_path):
    flow = _site(tmp_path, '<p>We use cookies.</p><button class="btn">Reject all</button>',
                 "name: Dead button\nstart: index.html\ngoal: reject\n"
                 "path: [{click: {role: button, name: Reject all}}]\ndone: {text: Rejected}\n"
                 "settings: {step_timeout: 1}\n")
    proc, trace = _audit(flow, tmp_path, "--no-baseline")
    [step] = trace["goal"]["steps"]
    assert step["retried"] and step["retry_reason"].endswith("the second click changed nothing either")
    assert 1000 <= step["action_ms"] < 4000  # one second of patience, then one more second for the retry
    assert (proc.returncode, trace["goal"]["status"]) == (2, "goal-unreachable")


# --- status and exit codes ---------------------------------------------------------------------------------

def test_a_flow_that_does_not_fit_is_goal_unreachable_and_exits_2(tmp_path):
    flow = _site(tmp_path, '<p>We use cookies.</p><button class="btn">Accept all</button>',
                 "name: No such button\nstart: index.html\ngoal: reject\n"
                 "path: [{click: {role: button, name: Reject all}}]\ndone: {text: Rejected}\n"
                 "settings: {step_timeout: 1}\n")
    proc, trace = _audit(flow, tmp_path, "--no-baseline")
    goal = trace["goal"]
    assert (goal["status"], goal["failure"], goal["failed_step"]) == ("goal-unreachable", "flow-mismatch", 1)
    assert proc.returncode == 2 and "does not fit the page at step 1" in proc.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["status"] == "goal-unreachable" and report["headline"].startswith("Audit goal-unreachable")


# --- switches -------------------------------------------------------------------------------------------------

def test_slider_switches_are_flipped_through_what_a_person_sees(audit_fixture):
    result = audit_fixture("person/slider-switches")
    goal = result.trace.goal
    assert goal.status == "complete" and goal.done, goal.reason  # done: "only strictly necessary cookies"
    steps = {s.number: s for s in goal.steps}
    assert any("clicked the visible switch covering it" in w for w in steps[2].warnings)  # opacity 0 under a slider
    assert any("clicked its label" in w for w in steps[3].warnings)  # clipped to 1 px
    assert not any("clicked" in w for w in steps[4].warnings)  # role="switch": the switch itself


def test_a_switch_that_does_not_flip_fails_with_a_clear_reason(tmp_path):
    html = ('<label><input type="checkbox" id="ads" checked style="opacity:0;position:absolute">'
            '<span style="display:inline-block;width:44px;height:24px;background:#1b5fc4"></span> Advertising</label>'
            '<script>document.getElementById("ads").onclick = e => e.preventDefault();</script>')
    flow = _site(tmp_path, html, "name: Stuck switch\nstart: index.html\ngoal: reject\n"
                 "path: [{uncheck: {label: Advertising}}]\ndone: {text: Saved}\nsettings: {step_timeout: 2}\n")
    proc, trace = _audit(flow, tmp_path, "--no-baseline")
    goal = trace["goal"]
    assert (goal["status"], goal["failure"], goal["failed_step"]) == ("incomplete", "page-fault", 1)
    assert goal["reason"] == "uncheck: clicked its label twice, 1 s apart, but the switch stayed checked"
    assert proc.returncode == 3


# --- snapshots after transitions ------------------------------------------------------------------------------

def test_a_layer_fading_in_is_measured_after_the_fade(audit_fixture):
    result = audit_fixture("person/fade-in-layer")
    assert result.report.status == "complete", result.report.reason
    reject = result.trace.goal.steps[1].target_element
    assert reject.label_text == "Reject all" and reject.opacity > 0.99
    assert not [f for f in result.report.findings if f.heuristic == "hidden-affordance"]


# --- pages that hide from automation --------------------------------------------------------------------------

def test_banner_hidden_from_automation_is_shown_to_the_auditor(audit_fixture):
    result = audit_fixture("person/hides-from-bots")
    assert result.report.status == "complete", result.report.reason
    browser = result.trace.browser
    assert browser.looks_ordinary and "Headless" not in browser.user_agent
    assert f"Chrome/{browser.version.split('.')[0]}." in browser.user_agent


# --- scripted waits both paths share --------------------------------------------------------------------------

def _wait(number: int, seconds: float):
    return make_step(number, "wait", spec={"wait": {"seconds": seconds}}, action_ms=seconds * 1000)


def test_a_wait_both_paths_script_is_not_charged_to_the_page():
    assert delay.check(make_trace([_wait(1, 3)], [_wait(1, 3)])) == []


def test_a_wait_only_the_goal_path_needs_is_still_charged():
    [f] = delay.check(make_trace([_wait(1, 3)], []))
    assert f.measured["total_wait_ms"] == 3000.0
    [f] = delay.check(make_trace([_wait(1, 3), _wait(2, 3)], [_wait(1, 1), _wait(2, 3)]))
    assert [(w["step"], w["ms"]) for w in f.measured["waits"]] == [(2, 3000.0)]  # one 3 s wait is paired
