"""A sign-in that failed on the goal path is not tried again for the baseline (auditor/gather/driver.py):
the same login from the same page would fail the same way, and a hung one would double the audit's time.
The baseline ends incomplete at once, with the goal's failure and reason."""

from __future__ import annotations

import pytest

from tests.test_situations import PASSWORD, _flow, _site_module


@pytest.fixture(scope="module")
def signin_site():
    from auditor.gather.session import browser_session

    with browser_session() as session, _site_module().site(PASSWORD) as (origin, _):
        yield session, origin


def _counting_sign_ins(monkeypatch) -> list[str]:
    """The start page of every login the driver runs (auditor.gather.context imports sign_in when it runs)."""
    from auditor.gather import login

    real, starts = login.sign_in, []

    def sign_in(context, flow, path_start):
        starts.append(path_start)
        return real(context, flow, path_start)
    monkeypatch.setattr(login, "sign_in", sign_in)
    return starts


@pytest.mark.browser
def test_a_failed_sign_in_is_not_tried_again_for_the_baseline(signin_site, tmp_path, monkeypatch):
    from auditor.gather.driver import run_flow

    session, origin = signin_site
    monkeypatch.setenv("SITUATIONS_PASSWORD", "Wrong-Secret-3x")
    flow = _flow("signin", origin, tmp_path)
    flow.login.done.timeout = 1
    starts = _counting_sign_ins(monkeypatch)
    trace = run_flow(flow, tmp_path / "run", session=session)
    goal, baseline = trace.goal, trace.baseline
    assert len(starts) == 1  # the goal's login only
    assert "the sign-in (login) failed before the path began" in goal.reason
    assert (baseline.status, baseline.failure, baseline.reason, baseline.steps) == \
        ("incomplete", goal.failure, goal.reason, [])
    assert baseline.kind == "baseline" and baseline.situation == goal.situation


@pytest.mark.browser
def test_a_sign_in_that_worked_runs_again_for_the_baseline(signin_site, tmp_path, monkeypatch):
    from auditor.gather.driver import run_flow

    session, origin = signin_site
    monkeypatch.setenv("SITUATIONS_PASSWORD", PASSWORD)
    starts = _counting_sign_ins(monkeypatch)
    trace = run_flow(_flow("signin", origin, tmp_path), tmp_path / "run", session=session)
    assert len(starts) == 2 and trace.baseline.status == "complete", trace.baseline.reason
