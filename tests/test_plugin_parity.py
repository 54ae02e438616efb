"""The pytest plugin and the CLI's driver are one gatherer: the same steps give the same judgement.

For each fixture flow (see FLOWS), the flow is audited (auditor.pipeline.audit), then a plain Playwright
"test" performs the same steps on the same page inside ``consent_audit.record`` blocks, as a designer who
knows the page would write it: the locator the flow names, in the frame and with the exactness the audit
found it, and the flow's done condition as its last expectation. Both must give the same findings
(heuristic, path, step) and the same friction score. One browser serves both.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import FIXTURES


# Every fixture flow that a designer's test could pass through (the hostile pages, built to break a run, are
# the driver's own contract: tests/test_hostile_e2e.py). Two recordings of every path take minutes for all
# of them, so `make prove` runs the whole set (marker `exhaustive`) and every test run a few of each kind.
FLOWS = sorted([*FIXTURES.glob("*/flow.yaml"), *FIXTURES.glob("patterns/*/flow.yaml"),
                *FIXTURES.glob("tricks/*/flow.yaml"), *FIXTURES.glob("person/*/flow.yaml"),
                *FIXTURES.glob("libraries/*/*.yaml")])
IN_EVERY_RUN = {"meta-2024/flow", "fair/flow", "patterns/nagging/flow", "patterns/confirmshaming-ok/flow",
                "tricks/iframe/flow", "tricks/covered/flow", "libraries/klaro/preticked-hu",
                "libraries/vanilla-cookieconsent/compliant-de"}


def _case(flow: Path):
    name = str(flow.relative_to(FIXTURES).with_suffix(""))
    return pytest.param(flow, id=name, marks=[] if name in IN_EVERY_RUN else [pytest.mark.exhaustive])


@pytest.fixture(scope="module")
def session():
    from auditor.gather.session import browser_session

    with browser_session() as shared:
        yield shared


def _scope(page, in_iframe: bool):
    return page.frame_locator("iframe").first if in_iframe else page


def _locator(page, loc, audited_step):
    """The Playwright locator a test would write for the flow's locator, on the frame the audit found it in."""
    element = audited_step.target_element if audited_step is not None else None
    scope = _scope(page, bool(element and element.in_iframe))
    partial = audited_step is not None and any("partial match" in w for w in audited_step.warnings)
    exact = loc.exact if loc.exact is not None else not partial
    if loc.text is not None:
        found = scope.get_by_text(loc.text, exact=exact)
    elif loc.role is not None:
        found = scope.get_by_role(loc.role, name=loc.name, exact=exact) if loc.name else scope.get_by_role(loc.role)
    elif loc.label is not None:
        found = scope.get_by_label(loc.label, exact=exact)
    elif loc.placeholder is not None:
        found = scope.get_by_placeholder(loc.placeholder, exact=exact)
    elif loc.testid is not None:
        found = scope.get_by_test_id(loc.testid)
    else:
        found = scope.locator(loc.css)
    return found.filter(visible=True).first


def _perform(page, steps, audited_steps, timeout_ms: float) -> None:
    for i, step in enumerate(steps):
        audited = audited_steps[i] if i < len(audited_steps) else None
        target = _locator(page, step.locator, audited) if step.locator is not None else None
        if step.action == "click":
            target.click(timeout=timeout_ms)
        elif step.action == "fill":
            target.fill(step.args.value, timeout=timeout_ms)
        elif step.action in ("check", "uncheck"):  # recorded, it is flipped through the visible switch
            target.set_checked(step.action == "check", timeout=timeout_ms)
        else:
            raise NotImplementedError(step.action)


def _expect_done(page, done, timeout_s: float) -> None:
    """The flow's done condition as the test's final expectation (in every frame, as the driver checks it)."""
    from auditor.gather.done import holds

    deadline = time.monotonic() + timeout_s
    while not holds(page, done):
        if time.monotonic() > deadline:
            raise AssertionError(f"the done condition did not hold within {timeout_s:g} s")
        page.wait_for_timeout(100)


def _record_path(audit_fixture, browser, flow, kind, start, steps, done, audited) -> None:
    from auditor.gather.browser import ordinary_user_agent

    s = flow.settings
    context = browser.new_context(viewport=s.viewport, locale=s.locale, timezone_id=s.timezone,
                                  accept_downloads=False, service_workers="block",
                                  user_agent=ordinary_user_agent(browser))
    try:
        page = context.new_page()
        page.goto(start)
        timeout_ms = s.step_timeout * 1000
        try:
            with audit_fixture.record(page, goal=flow.goal, baseline=kind == "baseline"):
                _perform(page, steps, audited.steps if audited else [], timeout_ms)
                _expect_done(page, done, done.timeout or s.step_timeout)
        except Exception:  # the path failed as the audit's did: the trace says so
            pass
    finally:
        context.close()


@pytest.mark.parametrize("flow_file", [_case(f) for f in FLOWS])
def test_plugin_judges_a_flow_as_audit_does(flow_file: Path, session, tmp_path):
    from auditor.flow.spec import load_flow
    from auditor.gather.pytest_plugin import ConsentAudit
    from auditor.gather.server import serve_folder
    from auditor.pipeline import audit

    flow = load_flow(flow_file)
    audited = audit(flow, tmp_path / "audit", session=session)
    recorded = ConsentAudit(flow.name, tmp_path / "plugin")
    with serve_folder(Path(flow.base_dir)) as site:
        _record_path(recorded, session.browser, flow, "goal", urljoin(site, flow.start), flow.path, flow.done,
                     audited.trace.goal)
        if flow.baseline is not None:
            b = flow.baseline
            _record_path(recorded, session.browser, flow, "baseline", urljoin(site, b.start or flow.start), b.path,
                         b.done, audited.trace.baseline)
    mine = recorded.report
    expected = sorted((f.heuristic, f.path, f.step) for f in audited.report.findings)
    assert sorted((f.heuristic, f.path, f.step) for f in mine.findings) == expected
    assert mine.friction == audited.report.friction
