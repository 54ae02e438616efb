"""Issue 13's gather-side patterns in the real browser, each with a firing fixture and an honest control
(fixtures/patterns13/): a navigation that failed before a missing target is the site's fault, not the
flow's; a ``select`` step matches an option's value or the start of its text, and fails at once listing
the options when nothing fits; a refusal link partly under a chat widget is reported as partly covered.

The audits share one browser (module scope) and run the gatherer directly; the exit code is the CLI's
own rule (auditor.cli.common.gate) applied to the judged report.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.cli.common import Exit, gate
from auditor.flow.spec import load_flow, parse_flow
from auditor.judge.verdict import judge
from auditor.trace import FlowTrace
from heuristics import hidden_affordance
from tests.conftest import FIXTURES
from tests.hostile_server import hostile_server

pytestmark = pytest.mark.browser

PATTERNS = FIXTURES / "patterns13"


@pytest.fixture(scope="module")
def session():
    from auditor.gather.session import browser_session

    with browser_session() as s:
        yield s


@pytest.fixture(scope="module")
def server():
    with hostile_server(PATTERNS) as url:
        yield url


def gather(flow, session, tmp_path: Path, baseline: bool = False) -> FlowTrace:
    from auditor.gather.driver import run_flow

    return run_flow(flow, tmp_path / "run", include_baseline=baseline, session=session)


def exit_code(trace: FlowTrace) -> Exit:
    return gate(judge(trace), None, None)


# --- a navigation that failed, then a missing target ------------------------------------------------------

def nav_flow(server: str, link: str, target: str):
    text = (PATTERNS / "nav-failure" / "flow.yaml").read_text()
    return parse_flow(text.replace("{server}", server).replace("{link}", link).replace("{target}", target))


@pytest.mark.parametrize("link, why", [
    ("Privacy centre (redirects forever)", "failed (net::ERR_TOO_MANY_REDIRECTS)"),
    ("Privacy centre (never finishes loading)", "/never-ends did not finish loading within 2 s"),
])
def test_failed_navigation_is_the_sites_fault(session, server, tmp_path, link, why):
    goal = (trace := gather(nav_flow(server, link, "Opt out of advertising"), session, tmp_path)).goal
    assert (goal.status, goal.failure) == ("incomplete", "page-fault"), goal.reason
    assert why in goal.reason
    if goal.failed_step == 1:  # on a loaded machine the click itself can outlast the step timeout
        assert "click did not complete" in goal.reason
    else:
        assert goal.failed_step == 2 and 'no visible element matches button "Opt out of advertising"' in goal.reason
    assert exit_code(trace) == Exit.INCOMPLETE


def test_missing_target_on_a_page_that_loaded_is_the_flows_fault(session, server, tmp_path):
    trace = gather(nav_flow(server, "Privacy centre", "Opt out of advertising"), session, tmp_path)
    goal = trace.goal
    assert (goal.status, goal.failure, goal.failed_step) == ("goal-unreachable", "flow-mismatch", 2), goal.reason
    assert goal.reason.startswith("no visible element matches")
    assert exit_code(trace) == Exit.BAD_INPUT


# --- select: which option the flow means ------------------------------------------------------------------

SELECT = PATTERNS / "select-option"


def test_select_by_exact_text_still_works(session, tmp_path):
    goal = gather(load_flow(SELECT / "flow-exact.yaml"), session, tmp_path).goal
    assert goal.status == "complete", goal.reason
    assert goal.steps[0].warnings == []


def test_select_matches_start_of_text_or_value(session, tmp_path):
    goal = gather(load_flow(SELECT / "flow-loose.yaml"), session, tmp_path).goal
    assert goal.status == "complete", goal.reason
    assert goal.steps[0].warnings == [
        'select: "accept all" was read as the start of the text of the option "Accept all purposes"']
    assert goal.steps[1].warnings == [
        'select: "reject-all" was read as the exact value of the option "Reject all purposes"']


@pytest.mark.parametrize("case, says", [
    ("nomatch", 'no option of the select matches "Decline everything" (by text, value or part of the text); '
                'its options: "Choose…" (value ""); "Accept all purposes" (value "accept-all"); '
                '"Reject all purposes" (value "reject-all"); "Only necessary cookies" (value "necessary")'),
    ("ambiguous", '"purposes" matches the part of the text of 2 options of the select'),
])
def test_select_with_no_fitting_option_fails_at_once_listing_them(session, tmp_path, case, says):
    started = time.monotonic()
    trace = gather(load_flow(SELECT / f"flow-{case}.yaml"), session, tmp_path)
    goal = trace.goal
    assert (goal.status, goal.failure, goal.failed_step) == ("goal-unreachable", "flow-mismatch", 1)
    assert says in goal.reason
    assert time.monotonic() - started < 12.0  # well within the step timeout (20 s): it did not wait for one
    assert exit_code(trace) == Exit.BAD_INPUT


def test_select_option_listing_is_bounded():
    from auditor.gather.choose_option import match_option

    options = [{"label": f"Purpose {i} " + "x" * 200, "value": str(i), "disabled": False} for i in range(30)]
    option, why = match_option(options, "nothing like it")
    assert option is None and why.count("(value ") == 20 and why.endswith("and 10 more")
    assert "x" * 90 not in why  # each page-given text is cut short


# --- a refusal link partly covered ------------------------------------------------------------------------

def test_partly_covered_refusal_link_is_reported(session, tmp_path):
    trace = gather(load_flow(PATTERNS / "partly-covered" / "flow.yaml"), session, tmp_path)
    el = trace.goal.steps[0].target_element
    assert trace.goal.status == "complete" and el.covered is False and el.covered_fraction == pytest.approx(0.4)
    [found] = hidden_affordance.check(trace)
    assert "partly_covered" in found.measured["strong_signals"] and "partly covered (40%)" in found.title


def test_chat_widget_clear_of_the_link_is_no_finding(session, tmp_path):
    trace = gather(load_flow(PATTERNS / "partly-covered" / "flow-control.yaml"), session, tmp_path)
    el = trace.goal.steps[0].target_element
    assert trace.goal.status == "complete" and el.covered_fraction == 0.0
    assert hidden_affordance.check(trace) == []
