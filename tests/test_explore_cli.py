"""`consent-audit explore`: explored paths written as flows, replayed, reported, and mapped to exit codes.

Unit tests build Explorations by hand (auditor.gather.explore.to_flow needs no browser); the replay test
stands a hand-made Exploration in for the search, so the integration is tested on its own; the CLI tests
run the real search on fixtures/explore pages served on 127.0.0.1.
"""

from __future__ import annotations

import json

import pytest

from auditor.exploration import Action, Exploration, FoundPath
from auditor.flow.spec import load_flow, parse_flow
from auditor.gather.explore.to_flow import (
    NotReplayable,
    flow_yaml,
    locator_for,
    save_flow,
    to_flow,
)
from tests.conftest import FIXTURES, run_cli


def _act(label: str, role: str | None = "button", kind: str = "click", css: str | None = None,
         affordance: str = "other") -> Action:
    return Action(kind=kind, label=label, role=role, css=css, affordance=affordance, score=0.9)


def _path(*actions: Action, closed: bool = True, stored: dict | None = None) -> FoundPath:
    return FoundPath(actions=list(actions), clicks=len(actions), closed=closed, stored_choice=stored or {})


def _exploration(goal_path: FoundPath | None, baseline: FoundPath | None = None, status: str = "found",
                 url: str = "https://news.example.com/today") -> Exploration:
    return Exploration(url=url, goal="reject", status=status, goal_path=goal_path, baseline_path=baseline,
                       states_visited=7, actions_spent=9, page_loads=5, seconds=3.2, user_agent="Mozilla/5.0 Test")


# --- to_flow: hand-made Explorations --------------------------------------------------------------------

def test_buttons_and_links_are_found_by_role_and_name():
    assert locator_for(_act("Reject all")) == {"role": "button", "name": "Reject all"}
    assert locator_for(_act("Continue without accepting", role="link")) == {"role": "link",
                                                                            "name": "Continue without accepting"}


def test_a_control_without_a_readable_role_is_found_by_its_text():
    assert locator_for(_act("Tout refuser", role=None)) == {"text": "Tout refuser"}
    assert locator_for(_act("Tout refuser", role="generic")) == {"text": "Tout refuser"}


def test_css_only_when_the_label_is_empty():
    assert locator_for(_act("  ", css="#close")) == {"css": "#close"}
    with pytest.raises(NotReplayable):
        locator_for(_act("", css=None))


@pytest.mark.skipif("label_unique" not in Action.model_fields, reason="Action.label_unique not yet in result.py")
def test_css_when_the_label_is_shared_by_several_controls():
    action = _act("OK", css="#cmp button.deny")
    action.label_unique = False
    assert locator_for(action) == {"css": "#cmp button.deny"}


def test_toggles_become_check_and_uncheck_steps():
    flow = to_flow(_exploration(_path(_act("Settings"), _act("Marketing", role="switch", kind="uncheck"),
                                      _act("Analytics", role="checkbox", kind="uncheck"), _act("Save"))))
    assert [s.action for s in flow.path] == ["click", "uncheck", "uncheck", "click"]
    assert flow.path[1].locator.role == "switch" and flow.path[1].locator.name == "Marketing"


def test_flow_has_goal_path_baseline_and_done_from_what_was_proved():
    e = _exploration(_path(_act("Settings"), _act("Reject all")), _path(_act("Accept all")))
    flow = to_flow(e)
    assert flow.start == e.url and flow.goal == "reject"
    assert [s.locator.name for s in flow.path] == ["Settings", "Reject all"]
    assert flow.done.gone == "Reject all"  # the closing control is gone when the notice closed
    assert [s.locator.name for s in flow.baseline.path] == ["Accept all"]
    assert flow.baseline.done.gone == "Accept all"


def test_a_panel_that_stays_open_is_proved_by_the_choice_it_stored():
    e = _exploration(_path(_act("Deny all"), _act("Save"), closed=False, stored={"consent": '{"ads":false}'}))
    done = to_flow(e).done
    assert done.stored == {"consent": '{"ads":false}'} and done.gone is None
    with pytest.raises(NotReplayable):  # neither closed nor stored: nothing proves the goal
        to_flow(_exploration(_path(_act("Deny all"), closed=False)))


def test_a_chosen_user_agent_is_kept_for_the_replay():
    e = _exploration(_path(_act("Reject all")))
    assert to_flow(e, user_agent="Mozilla/5.0 Custom").settings.user_agent == "Mozilla/5.0 Custom"
    assert to_flow(e).settings.user_agent is None  # default: the installed browser as an ordinary Chrome
    assert to_flow(e).settings.after_choice is True  # a real site: is the refusal respected?


def test_page_text_with_yaml_syntax_round_trips_and_stays_out_of_comments():
    tricky = 'Accept: all # "now"\n- [x] {ok}'
    text = flow_yaml(_exploration(_path(_act(tricky))))
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments and not any("Accept" in line or "now" in line for line in comments)
    assert parse_flow(text).path[0].locator.name == " ".join(tricky.split())


def test_nothing_to_write_without_a_found_path():
    with pytest.raises(NotReplayable):
        to_flow(_exploration(None, status="no-consent-ui"))


def test_saved_flow_loads_with_the_flow_loader(tmp_path):
    e = _exploration(_path(_act("Reject all")), _path(_act("Accept all")))
    flow = load_flow(save_flow(e, tmp_path / "found.yaml"))
    assert flow.path[0].locator.name == "Reject all" and flow.baseline is not None
    assert (tmp_path / "found.yaml").read_text(encoding="utf-8").startswith("# Found by consent-audit")


# --- the replay, with a hand-made Exploration standing in for the search --------------------------------

@pytest.fixture(scope="module")
def session():
    from auditor.gather.session import browser_session

    with browser_session() as shared:
        yield shared


@pytest.fixture(scope="module")
def served():
    from auditor.gather.server import serve_folder

    with serve_folder(FIXTURES / "explore") as base:
        yield base


def _stand_in_for_the_search(monkeypatch, exploration: Exploration) -> None:
    """explore_and_audit imports the search when it runs: a module holding only this answer replaces it."""
    import sys
    import types

    fake = types.ModuleType("auditor.gather.explore.search")
    fake.explore = lambda *args, **kwargs: exploration
    monkeypatch.setitem(sys.modules, "auditor.gather.explore.search", fake)


def test_explore_and_audit_replays_the_paths_and_reports_how_they_were_found(served, session, tmp_path,
                                                                            monkeypatch):
    from auditor.pipeline import explore_and_audit

    url = served + "first-layer-en/index.html"
    found = _exploration(_path(_act("Reject all", affordance="reject")),
                         _path(_act("Accept all", affordance="accept")), url=url)
    _stand_in_for_the_search(monkeypatch, found)
    result = explore_and_audit(url, "reject", tmp_path, session=session)
    assert result.report.status == "complete"
    assert (result.report.metrics.goal_clicks, result.report.metrics.baseline_clicks) == (1, 1)
    assert result.trace.exploration == found
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["exploration"]["states_visited"] == 7 and report["exploration"]["user_agent"] == "Mozilla/5.0 Test"
    assert "How the paths were found" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "How the paths were found" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "explored-flow.yaml").is_file()


# --- the command line -------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["example.com", "file:///etc/passwd", "https://", "http://host:99999/",
                                 "javascript:alert(1)"])
def test_only_absolute_web_urls_are_explored(url):
    from auditor.cli.common import BadInput
    from auditor.cli.run import _page_url

    with pytest.raises(BadInput, match="http:// or https://"):
        _page_url(url)
    assert _page_url("https://example.com/news?a=1") == "https://example.com/news?a=1"


def test_bad_url_is_bad_input_naming_the_url(tmp_path):
    res = run_cli("explore", "example.com/news", "--out", str(tmp_path / "run"), "--no-store", timeout=60)
    assert res.returncode == 2, res.stderr
    assert "'example.com/news'" in res.stderr and not (tmp_path / "run").exists()


needs_search = pytest.mark.skipif(
    not (FIXTURES.parent / "auditor" / "gather" / "explore" / "search.py").is_file(),
    reason="the search (auditor/gather/explore/search.py) is not written yet")


@needs_search
def test_cli_explores_audits_and_saves_a_flow_that_round_trips(served, session, tmp_path):
    from auditor.pipeline import audit

    url = served + "settings-reject-de/index.html"
    flow_file = tmp_path / "found.yaml"
    res = run_cli("explore", url, "--out", str(tmp_path / "run"), "--save-flow", str(flow_file), "--no-store",
                  "--max-seconds", "40")
    assert res.returncode == 0, res.stdout + res.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    assert (report["metrics"]["goal_clicks"], report["metrics"]["baseline_clicks"]) == (2, 1)
    assert report["exploration"]["status"] == "found" and report["exploration"]["user_agent"]
    assert "How the paths were found" in res.stdout
    again = audit(load_flow(flow_file), tmp_path / "again", session=session)  # what `audit FILE` runs
    assert again.report.status == "complete"
    assert (again.report.metrics.goal_clicks, again.report.metrics.baseline_clicks) == (2, 1)


def _explored(served, session, tmp_path, page: str, **budget):
    from auditor.exploration import Budget
    from auditor.pipeline import explore_and_audit

    return explore_and_audit(served + page, "reject", tmp_path, budget=Budget(max_seconds=30, **budget),
                             session=session)


@needs_search
def test_no_consent_ui_is_its_own_status_and_exits_0(served, session, tmp_path):
    from auditor.cli.common import Exit
    from auditor.cli.run import _explore_exit

    result = _explored(served, session, tmp_path, "no-consent-ui-ro/index.html")
    assert result.report.status == "no-consent-ui" and result.report.findings == []
    assert _explore_exit(result, max_friction=0, fail_on="low") == Exit.DONE


@needs_search
def test_refusal_out_of_budget_is_a_dead_end_finding_that_says_what_was_tried(served, session, tmp_path):
    from auditor.cli.common import Exit
    from auditor.cli.run import _explore_exit

    result = _explored(served, session, tmp_path, "settings-reject-de/index.html", max_depth=1)  # needs 2
    assert result.report.status == "goal-unreachable"
    assert result.report.exploration.tried
    dead_end = [f for f in result.report.findings if f.heuristic == "dead-end"]
    assert dead_end and "tried" in dead_end[0].detail.lower()
    assert _explore_exit(result, None, None) == Exit.DONE
    assert _explore_exit(result, None, "high") == Exit.GATE


@needs_search
def test_page_that_does_not_load_is_incomplete(session, tmp_path):
    import socket

    from auditor.cli.common import Exit
    from auditor.cli.run import _explore_exit

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _explored(f"http://127.0.0.1:{port}/", session, tmp_path, "")
    assert result.report.status == "incomplete" and result.report.exploration.status == "page-failed"
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["status"] == "incomplete"
    assert _explore_exit(result, None, None) == Exit.INCOMPLETE
