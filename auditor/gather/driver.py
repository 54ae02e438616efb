"""Runs a flow's paths in Chromium and records the FlowTrace: the gatherer of the pipeline.

Each path (goal, then baseline) runs in a fresh browser context, so no cookie or storage of one choice
leaks into the other. The flow's login runs before each path; one that failed for the goal path is not
tried again for the baseline, which ends incomplete with the same reason. Every step is run by
auditor.gather.steps and recorded by auditor.gather.recorder (one snapshot, one full-page screenshot and
the rendered HTML before the action; what the action cost after it). Whatever goes wrong, the path ends
with a status and a reason decided by auditor.gather.outcome, and everything captured up to that point is
kept.

Bounds (a hostile page cannot keep the audit running; see docs/reliability.md): every step waits at most
its step timeout (``settings.step_timeout``, default 10 s, or the step's own ``timeout``); every path ends
within ``settings.flow_timeout`` (default 180 s) plus ``KILL_GRACE_S``; a page whose script never yields
cannot hang a call (auditor.gather.watchdog); SIGINT / SIGTERM end the run at once with a partial trace
(auditor.gather.path_run.Stop).
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urljoin
from weakref import WeakKeyDictionary

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor import __version__
from auditor.clock import utc_now
from auditor.evidence.atomic import RunFolderError
from auditor.evidence.run_folder import EvidenceOptions
from auditor.flow.spec import Done, Flow, Step
from auditor.gather import outcome, recorder
from auditor.gather.browser import ordinary_user_agent
from auditor.gather.aftermath import AfterChoice
from auditor.gather.aftermath import enabled as after_choice_enabled
from auditor.gather.context import Situated, refuse_path, situate
from auditor.gather.done import not_reached, wait_done
from auditor.gather.locate import PageGone
from auditor.gather.login import login_start
from auditor.gather.outcome import ENDS_PATH, FlowTimeout, Interrupted, PageCrashed
from auditor.gather.path_run import PathRun, Stop
from auditor.gather.person import WATCH_JS
from auditor.gather.server import serve_folder
from auditor.gather.session import BrowserSession, browser_session
from auditor.gather.steps import COUNT_OPENS_JS, fail_step, run_step
from auditor.gather.watchdog import KILL_GRACE_S, PageHung
from auditor.trace import BrowserInfo, FlowInfo, FlowTrace, PathTrace

__all__ = ["BrowserSession", "browser_session", "run_flow"]  # the session moved to session.py; old imports keep working

_START_FAILURES = (PlaywrightError, PageHung, FlowTimeout, Interrupted, PageCrashed, PageGone)
# The counters every document of a path gets (window.open calls, DOM changes), in one init script (one
# round trip per context); each runs even if the other throws.
_INIT_JS = "\n".join(f"try {{ {script} }} catch (e) {{}}" for script in (COUNT_OPENS_JS, WATCH_JS))


_AGENTS: WeakKeyDictionary = WeakKeyDictionary()


def _ordinary_agent(browser) -> str | None:
    """ordinary_user_agent, asked once per browser (three round trips): a browser's agent never changes."""
    if browser not in _AGENTS:
        _AGENTS[browser] = ordinary_user_agent(browser)
    return _AGENTS[browser]


def _new_context(browser, situated: Situated, kind: str, run_dir: Path, evidence: EvidenceOptions | None):
    """A fresh context per path: no cookie, storage or cache of one path reaches the other, and nothing
    persists after the run (no user data dir). Downloads are refused; service workers blocked. Device,
    proxy and sign-in state come from auditor.gather.context (``situated.options``)."""
    context = browser.new_context(**situated.options,
                                  **(evidence.context_options(run_dir, kind) if evidence else {}))
    if evidence:
        evidence.start(context)
    context.add_init_script(_INIT_JS)
    return context


def _run_path(browser, flow: Flow, kind: str, start: str, steps: list[Step], done: Done, run_dir: Path,
              evidence: EvidenceOptions | None = None, stop: Stop | None = None) -> tuple[PathTrace, dict]:
    stop = stop or Stop()
    trace = PathTrace(kind=kind, start=start)
    info: dict = {}
    if stop.requested:
        outcome.not_begun(trace, stop.requested)
        return trace, info
    user_agent = flow.settings.user_agent or _ordinary_agent(browser)
    situated = situate(browser, flow, user_agent, start)  # device, exit, sign-in (runs the flow's login)
    trace.situation = situated.record
    if situated.failure is not None:
        refuse_path(trace, *situated.failure)
        info["sign_in_failure"] = situated.failure
        return trace, info
    context = _new_context(browser, situated, kind, run_dir, evidence)
    after = AfterChoice(context, start, steps[0] if steps else None) if after_choice_enabled(flow) else None
    run = PathRun(context, flow.settings, kind, run_dir, time.monotonic() + flow.settings.flow_timeout, stop,
                  touch=situated.record.has_touch)
    context.on("page", run.events.on_popup)
    stop.run = run
    try:
        if _open_start(run, trace, info if kind == "goal" else None, user_agent is not None):
            if after is not None:
                after.before(run)  # what the start page did before anyone chose
            _run_steps(run, trace, steps, done)
            if after is not None:  # after the choice and after a reload (docs/after-the-choice.md)
                trace.aftermath = after.finish(run, trace.done)
        return trace, info
    finally:
        stop.run = None
        run.close()
        if evidence:
            evidence.stop(context, run_dir, kind)
        try:
            context.close()
        except PlaywrightError:
            pass


def _open_start(run: PathRun, trace: PathTrace, info: dict | None, ordinary_agent: bool) -> bool:
    """Opens the start page; False (with the path's outcome set) when it could not be opened. ``info``
    gets the user agent the site sees; None on the baseline, whose browser and context options are the
    goal path's (one round trip less)."""
    try:
        if info is not None:
            with run.guard(run.settings.step_timeout, "reading the user agent"):
                agent, webdriver = run.page.evaluate("[navigator.userAgent, navigator.webdriver]")
                info["user_agent"], info["looks_ordinary"] = agent, ordinary_agent and not webdriver
        _goto_start(run, trace)
        return True
    except _START_FAILURES as exc:
        outcome.start_failed(trace, *outcome.classify(run, exc, "opening the start page"))
        if not run.page.is_closed() and run.page.url not in ("", "about:blank"):
            recorder.final_evidence(run, trace)  # else nothing was shown, and a pending load would block it
        return False


def _goto_start(run: PathRun, trace: PathTrace) -> None:
    """A page that commits but never finishes loading is used as it is (a person would), with a note on
    the first step; one that never answers ends the path."""
    timeout_s = run.remaining(run.settings.step_timeout)
    run.check()
    with run.guard(timeout_s + KILL_GRACE_S, "opening the start page"):
        try:
            response = run.page.goto(trace.start, timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            if run.page.url in ("", "about:blank"):
                raise
            response = None
            run.events.load_unfinished(run.page.url, timeout_s, "the start page", "; the flow went on")
    if response is not None:
        trace.start_status = response.status
        if response.status >= 400:
            run.notes.append(f"the server answered HTTP {response.status} for the start page {trace.start[:200]}")
    run.events.loads = 0


def _run_steps(run: PathRun, trace: PathTrace, steps: list[Step], done: Done) -> None:
    for number, step in enumerate(steps, start=1):
        try:
            run_step(run, step, number, trace)
        except ENDS_PATH as exc:
            failure, reason = outcome.classify(run, exc, step.action)
            fail_step(run, trace, step, number)
            outcome.failed_at(trace, number, failure, reason)
            return
    try:
        reached, failure, reason = wait_done(run, done), None, None
    except ENDS_PATH as exc:
        reached = False
        failure, reason = outcome.classify(run, exc, "check of the done condition")
    recorder.final_evidence(run, trace)
    outcome.after_last_step(trace, reached, failure, reason, not_reached(done, run.settings.step_timeout),
                            run.events.fault_note())


def _signed_out_again(flow: Flow, goal: PathTrace, goal_info: dict, start: str) -> PathTrace | None:
    """The baseline, refused without a second try, when the goal path's sign-in failed and the baseline's
    would be the same login from the same page: a login that hung once would hang again, doubling the
    audit's time for the same answer (the audit is incomplete either way). None: run the baseline."""
    failure = goal_info.get("sign_in_failure")
    if failure is None or login_start(flow, start) != login_start(flow, goal.start):
        return None
    baseline = PathTrace(kind="baseline", start=start,
                         situation=goal.situation.model_copy() if goal.situation is not None else None)
    refuse_path(baseline, *failure)
    return baseline


def _start_url(start: str, served: str | None) -> str:
    return start if start.startswith(("http://", "https://")) else urljoin(served or "", start)


def _needs_server(flow: Flow) -> bool:
    starts = [flow.start] + ([flow.baseline.start] if flow.baseline is not None and flow.baseline.start else [])
    return any(not s.startswith(("http://", "https://")) for s in starts)


def run_flow(flow: Flow, run_dir: Path, browser_path: str | None = None, headless: bool = True,
             include_baseline: bool = True, evidence: EvidenceOptions | None = None,
             session: BrowserSession | None = None) -> FlowTrace:
    """Audits ``flow``: runs the goal path and the baseline, writing screenshots under ``run_dir``, in
    ``session``'s browser or (by default) one launched for this audit.

    Always returns a trace, also when the page misbehaves or the run is interrupted (SIGINT/SIGTERM):
    the trace then says ``status: incomplete`` with the failure and the step it happened at.
    """
    try:
        (run_dir / "screenshots").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunFolderError(f"cannot write to the run folder {run_dir} ({exc.strerror or exc})") from None
    started = utc_now()
    stop = Stop()
    stop.install()
    goal = baseline = None
    info: dict = {}
    browser_info = BrowserInfo(viewport=flow.settings.viewport, locale=flow.settings.locale,
                               timezone=flow.settings.timezone)
    try:
        with ExitStack() as stack:
            served = stack.enter_context(serve_folder(Path(flow.base_dir or "."))) if _needs_server(flow) else None
            if session is None:
                session = stack.enter_context(browser_session(browser_path, headless))
            browser_info.version = session.browser.version
            browser_info.executable = session.choice.executable or "playwright-bundled"
            goal, info = _run_path(session.browser, flow, "goal", _start_url(flow.start, served), flow.path,
                                   flow.done, run_dir, evidence, stop)
            if include_baseline and flow.baseline is not None and goal.failure != "interrupted":
                b = flow.baseline
                start = _start_url(b.start or flow.start, served)
                baseline = _signed_out_again(flow, goal, info, start)
                if baseline is None:
                    baseline, _ = _run_path(session.browser, flow, "baseline", start, b.path, b.done, run_dir,
                                            evidence, stop)
    except PlaywrightError:
        if goal is None and not stop.requested:  # the browser could not start: nothing was audited
            raise
        # Closing a browser that died with the run (Ctrl-C reaches the whole process group) is no loss.
    finally:
        stop.restore()
    if goal is None:
        goal = PathTrace(kind="goal", start=_start_url(flow.start, None))
        outcome.not_begun(goal, stop.requested)
    browser_info.user_agent = info.get("user_agent", "")
    browser_info.looks_ordinary = info.get("looks_ordinary", False)
    return FlowTrace(tool_version=__version__,
                     flow=FlowInfo(name=flow.name, goal=flow.goal, start=flow.start, file=flow.source,
                                   sha256=flow.sha256),
                     browser=browser_info, started_at=started, ended_at=utc_now(), goal=goal, baseline=baseline)
