"""Runs one flow step: find its target, record the page (auditor.gather.recorder), act, let the page settle.

Acting as a person would (clicking again when a click changed nothing, flipping a switch through what is
visible) is auditor.gather.person's; bounding every call is the watchdog's (auditor.gather.path_run).
A step that cannot go on raises; auditor.gather.outcome turns that into the path's status.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor.flow.spec import Locator, Step
from auditor.gather import recorder
from auditor.gather.capture import OPENS_TAB_JS
from auditor.gather.choose_option import select_option
from auditor.gather.locate import BadLocator, Target, TargetNotFound, find
from auditor.gather.outcome import StepFailed, short
from auditor.gather.path_run import PathRun
from auditor.gather.person import ToggleFailed
from auditor.gather.watchdog import KILL_GRACE_S, PageHung
from auditor.trace import PathTrace, StepTrace

WEB_SCHEMES = ("http", "https")

# Counts window.open() calls per document (installed in every page of a path's context), so the driver
# knows to wait for the pop-up a click opened even when the browser announces it late.
COUNT_OPENS_JS = """(() => { const open = window.open; let n = 0;
  try { Object.defineProperty(window, '__consentAuditOpens', { get: () => n, configurable: false }); } catch (e) {}
  window.open = function (...args) { n += 1; return open.apply(this, args); }; })();"""
_OPENED_JS = "() => window.__consentAuditOpens || 0"


def step_record(run: PathRun, step: Step, number: int) -> StepTrace:
    return StepTrace(number=number, action=step.action, spec=step.raw, flow_line=step.line,
                     url=run.page.url if not run.page.is_closed() else "")


def step_costs(run: PathRun, step: Step, record: StepTrace) -> None:
    typed = len(step.args.value) if step.action == "fill" else 0
    recorder.record_costs(run, record, recorder.CLICKS.get(step.action, 0), typed)


def run_step(run: PathRun, step: Step, number: int, trace: PathTrace) -> None:
    """Runs ``step``; its record is appended to ``trace`` as soon as the page was captured."""
    run.check()
    timeout_s = run.remaining(step.timeout or run.settings.step_timeout)
    record = step_record(run, step, number)
    started = time.monotonic()
    run.events.loads, run.events.popup = 0, None
    target, missing = _find_target(run, step, timeout_s, record, started)
    shape = recorder.TargetShape()
    if target is not None:
        shape = recorder.measure_target(run, target.locator, target.frame is run.page.main_frame, timeout_s,
                                        target.handle)
    trace.steps.append(record)
    navigations = run.events.navigations
    try:
        # evidence of the page as the person saw it, kept also when the target was not found
        recorder.capture_before_action(run, record, shape, target.frame if target is not None else None,
                                       settles=step.action not in recorder.NO_SETTLING, quiet_down=missing is None)
        if missing is not None:
            _raise_missing(run, record, missing)
        _act_and_settle(run, step, target, record, timeout_s, shape.opens_tab)
    finally:
        if run.events.navigations == navigations:  # else the handle went with its document: no round trip
            shape.dispose()
    record.url_after = run.page.url
    record.duration_ms = round((time.monotonic() - started) * 1000, 1)


def _find_target(run: PathRun, step: Step, timeout_s: float, record: StepTrace,
                 started: float) -> tuple[Target | None, TargetNotFound | None]:
    """(target, None), or (None, why not) when no visible element matched within the step's time."""
    if step.locator is None:
        return None, None
    try:
        with run.guard(timeout_s + KILL_GRACE_S, f"looking for {step.locator.describe()}"):
            target = find(run.page, step.locator, timeout_s, check=run.check, keep_handle=True)
    except TargetNotFound as exc:
        return None, exc
    record.find_ms = round((time.monotonic() - started) * 1000, 1)
    record.warnings.extend(target.warnings)
    return target, None


def _raise_missing(run: PathRun, record: StepTrace, missing: TargetNotFound) -> None:
    """The target never appeared: the page's fault when it navigated away by itself meanwhile."""
    now = run.page.url if not run.page.is_closed() else ""
    if now and now != record.url and not isinstance(missing, BadLocator):
        record.url_after = now
        raise StepFailed("page-fault", f"the page navigated away by itself (from {record.url[:200]} to "
                                       f"{now[:200]}) while the step waited for its target; {missing}")
    raise missing


def _act_and_settle(run: PathRun, step: Step, target: Target | None, record: StepTrace, timeout_s: float,
                    opens_tab: bool | None = None) -> None:
    acting, url_before = time.monotonic(), run.page.url
    try:
        with run.guard(timeout_s + KILL_GRACE_S, f"doing the {step.action}"):
            retried = _act(run, step, target, timeout_s, opens_tab)
        if retried:
            record.retried, record.retry_reason = True, retried
            run.notes.append(retried)
    except PlaywrightTimeout as exc:
        why = _explain_timeout(run, step, target, url_before, timeout_s, exc)
        if run.events.nav_failed:  # the action's navigation failed (a redirect loop): the site's fault
            raise StepFailed("page-fault", f"{run.events.nav_failed}; {why}") from None
        raise StepFailed("timeout", why) from None
    finally:
        step_costs(run, step, record)
    record.action_ms = round((time.monotonic() - acting) * 1000, 1)
    with run.guard(timeout_s + KILL_GRACE_S, "waiting for the page to load"):
        _settle_after_action(run, timeout_s)
    step_costs(run, step, record)


def _act(run: PathRun, step: Step, target: Target | None, timeout_s: float,
         opens_tab: bool | None = None) -> str | None:
    """Does the step's action; returns why a click was repeated (see auditor/gather/person.py), else None.
    ``opens_tab``: whether the target opens a new tab, when the capture already asked the page."""
    ms = timeout_s * 1000
    args = step.args
    if step.action == "click":
        return _click(run, target, timeout_s, opens_tab)
    elif step.action == "fill":
        target.locator.fill(args.value, timeout=ms)
    elif step.action in ("check", "uncheck"):
        try:
            toggle_as_person(run, target.locator, step.action == "check", timeout_s)
        except ToggleFailed as exc:
            raise StepFailed(exc.failure, exc.reason) from None
    elif step.action == "select":
        note = select_option(target.locator, args.value, timeout_s)
        if note:
            run.notes.append(note)
    elif step.action == "press":
        if target is not None:
            target.locator.press(args.key, timeout=ms)
        else:
            run.page.keyboard.press(args.key)
    elif step.action == "goto":
        url = urljoin(run.page.url, args.url)
        if urlparse(url).scheme not in WEB_SCHEMES:  # flow.py refuses these too; the page's URL could differ
            raise StepFailed("flow-mismatch", f"goto {url[:200]!r}: the auditor opens only http(s) pages")
        run.page.goto(url, timeout=ms)
    elif step.action == "wait":
        if args.text is not None:
            find(run.page, Locator(text=args.text), timeout_s, check=run.check)
        elif args.seconds:
            run.page.wait_for_timeout(min(args.seconds, timeout_s) * 1000)
            if args.seconds > timeout_s:
                run.remaining(args.seconds)  # cut short by the path's deadline: the path ran out here
    return None


def _click(run: PathRun, target: Target, timeout_s: float, opens_tab: bool | None = None) -> str | None:
    """Clicks as a person would, noting whether the click will open a new tab (to wait for it)."""
    try:
        if opens_tab is None:
            opens_tab = bool(target.locator.evaluate(OPENS_TAB_JS, timeout=timeout_s * 1000))
        run.expect_tab = opens_tab
        opened = run.page.evaluate(_OPENED_JS)
    except PlaywrightError:
        run.expect_tab, opened = False, None
    retried = click_as_person(run, target.locator, timeout_s)
    try:  # window.open() called by the click: its tab may be announced a moment later
        run.expect_tab = run.expect_tab or (opened is not None and run.page.evaluate(_OPENED_JS) != opened)
    except PlaywrightError:
        pass
    return retried


def click_as_person(run: PathRun, locator, timeout_s: float) -> str | None:
    """Clicks ``locator`` through the path's person, who clicks once more when nothing changed; the
    run's own counters (dialogs, loads, a new tab) count as changes. Returns why it clicked again, else
    None. Shared with the pytest plugin's recording (auditor.gather.recording)."""
    events = run.events
    return run.person.click(run.page, locator, timeout_s,
                            lambda: (len(events.dialogs), events.loads, events.popup is not None))


def toggle_as_person(run: PathRun, locator, want: bool, timeout_s: float) -> None:
    """Sets a checkbox or switch to ``want`` through what a person sees (the visible switch over a hidden
    input), noting for the step what was clicked when it was not the control itself. Raises ToggleFailed.
    Shared with the pytest plugin's recording (auditor.gather.recording)."""
    note = run.person.toggle(locator, want, timeout_s)
    if note:
        run.notes.append(note)


def _settle_after_action(run: PathRun, timeout_s: float) -> None:
    """After an action: follow a pop-up, and let a started navigation finish loading."""
    events = run.events
    if run.expect_tab and events.popup is None:  # a target=_blank tab arrives a moment after the click
        end = time.monotonic() + min(2.0, timeout_s)
        try:
            while events.popup is None and time.monotonic() < end:
                run.page.wait_for_timeout(50)
        except PlaywrightError:
            pass
    run.expect_tab = False
    try:
        run.page.wait_for_load_state("load", timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        run.events.load_unfinished(run.page.url, timeout_s)
    if events.popup is not None and not events.popup.is_closed():
        popup, events.popup = events.popup, None
        run.adopt(popup)
        try:
            run.page.wait_for_load_state("load", timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            run.events.load_unfinished(run.page.url, timeout_s, "the new tab")
        run.notes.append(f"the step opened a new tab ({run.page.url[:200]}); the flow continued there")


def _explain_timeout(run: PathRun, step: Step, target: Target | None, url_before: str, timeout_s: float,
                     exc: BaseException) -> str:
    why = f"{step.action} did not complete within {timeout_s:g} s"
    try:
        if not run.page.is_closed() and run.page.url != url_before:
            return f"{why}: the page navigated away during the step (from {url_before[:200]} to {run.page.url[:200]})"
        if target is not None:
            with run.guard(2.0, "checking the target"):
                if target.locator.count() == 0:
                    return f"{why}: the target was found, then removed from the page before the {step.action}"
    except (PlaywrightError, PageHung):
        pass
    return f"{why} ({short(exc)})"


def fail_step(run: PathRun, trace: PathTrace, step: Step, number: int) -> None:
    """The path ends at this step: makes sure the step has a record with the evidence of its page."""
    if not trace.steps or trace.steps[-1].number != number:
        record = step_record(run, step, number)
        trace.steps.append(record)
        step_costs(run, step, record)
    recorder.complete_evidence(run, trace.steps[-1])
