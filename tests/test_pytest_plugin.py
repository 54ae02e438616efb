"""The pytest plugin, as a designer uses it: a Playwright test of their own flow, audited by consent_audit.

pytester runs a sample test file in a subprocess (a fresh pytest that loads the plugin through its
``pytest11`` entry point); the sample tests make their own browser with auditor.gather.browser and serve the
fixture sites with auditor.gather.server.serve_folder. No pytest-playwright needed.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import FIXTURES

pytest_plugins = ["pytester"]

SAMPLE = '''
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from auditor.gather.browser import launch, resolve_browser
from auditor.gather.server import serve_folder

FIXTURES = Path(r"{fixtures}")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = launch(pw, resolve_browser(None, pw))
        yield b
        b.close()


@pytest.fixture(scope="module")
def site():
    with serve_folder(FIXTURES) as url:
        yield url


def test_fair_notice_is_easy_to_object_to(consent_audit, browser, site):
    page = browser.new_page(viewport={{"width": 1280, "height": 800}})
    page.goto(site + "fair/notice.html")
    with consent_audit.record(page, goal="object") as flow:
        page.get_by_role("button", name="Object").click()
        expect(page.get_by_text("Your objection is recorded")).to_be_visible()
    other = browser.new_page(viewport={{"width": 1280, "height": 800}})
    other.goto(site + "fair/notice.html")
    with consent_audit.record(other, baseline=True):
        other.get_by_role("button", name="Accept").click()
    flow.assert_friction_below(20)
    r = flow.report
    assert r.metrics.goal_clicks == 1 == r.metrics.baseline_clicks
    assert r.paths[0].steps[0].description == 'click "Object"'
    print("FAIR", r.friction, len(r.findings), flow.run_dir)


def test_meta_replica_is_too_hard(consent_audit, browser, site):
    context = browser.new_context(viewport={{"width": 1280, "height": 800}})
    page = context.new_page()
    page.goto(site + "meta-2024/notice.html")
    with consent_audit.record(page, goal="object") as flow:
        page.get_by_text("Learn more").click()
        page.get_by_role("link", name="right to object").click()
        page.get_by_label("Email").fill("objector@example.invalid")
        page.get_by_label("Please explain how this processing impacts you").fill(
            "I object to my posts being used to train AI models.")
        page.get_by_role("button", name="Send").click()
        page.fill("#code", "123456") if page.locator("#code").count() else \\
            page.get_by_label("Confirmation code").fill("123456")
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text("request has been received")).to_be_visible()
    base = browser.new_page(viewport={{"width": 1280, "height": 800}})
    base.goto(site + "meta-2024/notice.html")
    with consent_audit.record(base, baseline=True):
        base.get_by_role("button", name="Close").click()
    print("META", flow.report.friction, flow.report.metrics.goal_clicks, flow.report.metrics.goal_typed_chars)
    flow.assert_friction_below(30)


def test_a_missing_control_makes_the_goal_unreachable(consent_audit, browser, site):
    page = browser.new_page()
    page.goto(site + "fair/notice.html")
    with pytest.raises(Exception):
        with consent_audit.record(page) as flow:
            page.get_by_role("button", name="No such button").click(timeout=500)
    goal = flow.trace.goal
    assert flow.report.status == "goal-unreachable" and goal.failed_step == 1, flow.report.reason
    assert "No such button" in goal.reason and goal.steps[0].screenshot and goal.steps[0].html


def test_a_test_that_breaks_is_reported_incomplete(consent_audit, browser, site):
    page = browser.new_page()
    page.goto(site + "fair/notice.html")
    with pytest.raises(RuntimeError):
        with consent_audit.record(page) as flow:
            raise RuntimeError("fixture server went away")
    assert flow.report.status == "incomplete" and "the test stopped" in flow.report.reason


def test_only_the_recorded_page_is_wrapped_and_dialogs_are_recorded(consent_audit, browser, site):
    from playwright.sync_api import Locator, Page

    page, other = browser.new_page(), browser.new_page()
    page.goto(site + "fair/notice.html")
    other.goto(site + "fair/notice.html")
    with consent_audit.record(page) as flow:
        page.evaluate("() => document.querySelector('button').addEventListener('click', () => confirm('Sure?'))")
        other.get_by_role("button", name="Accept").click()          # not recorded: another page
        page.get_by_role("button").first.click()
        assert type(other) is Page and type(other.get_by_role("button")) is Locator
    assert type(page) is Page
    steps = flow.trace.goal.steps
    assert len(steps) == 1 and [d.message for d in steps[0].dialogs] == ["Sure?"] and steps[0].clicks == 2
    assert steps[0].find_ms is not None and steps[0].html.endswith("goal-01.html")
'''


@pytest.fixture
def sample(pytester):
    pytester.makepyfile(test_sample=SAMPLE.format(fixtures=str(FIXTURES)))
    return pytester


def test_plugin_records_audits_and_fails_with_the_findings(sample, tmp_path):
    out = tmp_path / "reports"
    result = sample.runpytest_subprocess("-s", "-p", "no:cacheprovider", f"--consent-audit-dir={out}",
                                         timeout=240)
    result.assert_outcomes(passed=4, failed=1)
    text = result.stdout.str()
    # The Meta replica fails the friction gate; the failure message lists the findings.
    gate = re.search(r"friction (\d+) is not below 30", text)
    assert gate and int(gate.group(1)) >= 60
    for rule in ("hidden-affordance", "free-text-justification", "asymmetric-path"):
        assert rule in text, rule
    assert "[HIGH]" in text and "test_sample.py" not in text.split(gate.group(0))[0][-5:]
    friction, clicks, typed = map(int, re.search(r"META (\d+) (\d+) (\d+)", text).groups())
    assert friction >= 60 and clicks == 4 and typed > 30  # the same figures as the CLI's audit
    assert int(re.search(r"FAIR (\d+) ", text).group(1)) <= 10
    # Reports were written for each test, with screenshots of every step.
    meta_dir = out / "test_meta_replica_is_too_hard"
    report = json.loads((meta_dir / "report.json").read_text())
    assert report["metrics"]["goal_steps"] == 7 and report["metrics"]["baseline_clicks"] == 1
    assert (meta_dir / "report.html").is_file() and (meta_dir / "screenshots" / "goal-07.png").is_file()
    from auditor.evidence.manifest import verify

    assert verify(meta_dir).intact
    # A finding points at the test's own line, as a flow file's finding points at the flow's line.
    hidden = [f for f in report["findings"] if f["heuristic"] == "hidden-affordance"]
    assert hidden and all(f["flow_line"] for f in hidden)
    assert report["flow"]["file"].endswith("test_sample.py")


def test_plugin_is_registered_through_the_entry_point():
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert eps.get("consent_audit") == "auditor.gather.pytest_plugin"


def test_recording_does_not_leak_patches():
    from playwright.sync_api import Locator, Page

    assert not hasattr(Locator.click, "__consent_audit_wrapped__")
    assert not hasattr(Page.goto, "__consent_audit_wrapped__")


# A control Playwright will not act on unless forced: aria-disabled, so a plain click or set_checked waits
# for it to become enabled, and times out. Only the test's own call with ``force=True`` gets through.
FORCED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Forced</title></head><body>
<p>We use your posts to train our models.</p>
<label><input type="checkbox" checked aria-disabled="true"> Share my posts</label>
<button type="button" aria-disabled="true"
        onclick="document.getElementById('out').textContent = 'Objection sent'">Object</button>
<p id="out"></p></body></html>"""


@pytest.mark.browser
def test_an_option_the_person_does_not_take_reaches_the_tests_own_call_and_is_recorded(tmp_path):
    """``force`` is no option of the person's (auditor/gather/recording.py): the action must be the test's
    own Playwright call with its options, and still be recorded as a step with its cost."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    from auditor.gather.pytest_plugin import ConsentAudit
    from auditor.gather.server import serve_folder
    from auditor.gather.session import browser_session

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notice.html").write_text(FORCED_PAGE, "utf-8")
    with browser_session() as session, serve_folder(tmp_path / "site") as site:
        page = session.browser.new_page()
        page.goto(site + "notice.html")
        with pytest.raises(PlaywrightError, match="Timeout"):  # unforced, Playwright waits for it to be enabled
            page.get_by_role("button", name="Object").click(timeout=300)
        audit = ConsentAudit("forced", tmp_path / "run")
        with audit.record(page, goal="object") as flow:
            page.get_by_label("Share my posts").set_checked(False, force=True, timeout=3000)
            page.get_by_role("button", name="Object").click(force=True, timeout=3000)
            expect(page.get_by_text("Objection sent")).to_be_visible()
        assert not page.get_by_label("Share my posts").is_checked()
    goal = flow.trace.goal
    assert goal.status == "complete", goal.reason
    assert [(s.action, s.clicks, s.error) for s in goal.steps] == [("uncheck", 1, None), ("click", 1, None)]
    assert [s.target_element.label_text for s in goal.steps] == ["Share my posts", "Object"]
    assert all(s.screenshot for s in goal.steps)
