"""Runs a flow's paths in Chromium and records the FlowTrace: the gatherer of the pipeline.

Each path (goal, then baseline) runs in a fresh browser context, so no cookie or storage of one choice
leaks into the other. Before every action the driver takes one snapshot and one full-page screenshot of
the page as the person sees it, then acts, then counts what the action cost (clicks, typed characters,
page loads, dialogs). Whatever goes wrong, the path ends with a status and a reason, and everything
captured up to that point is kept.
"""

from __future__ import annotations

import fnmatch
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from auditor import __version__, snapshot
from auditor.browser import BrowserChoice, launch, resolve_browser
from auditor.evidence import EvidenceOptions
from auditor.flow import Done, Flow, Locator, Step
from auditor.locate import TargetNotFound, find
from auditor.server import serve_folder
from auditor.trace import BrowserInfo, Dialog, FlowInfo, FlowTrace, PathTrace, StepTrace

_CLICKS = {"click": 1, "check": 1, "uncheck": 1, "select": 1}


class FlowTimeout(Exception):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class _PathRun:
    """State of one path's run: the current page (pop-ups replace it), dialogs and loads per step."""

    def __init__(self, context, flow: Flow, kind: str, run_dir: Path, deadline: float):
        self.context, self.flow, self.kind, self.run_dir = context, flow, kind, run_dir
        self.deadline = deadline
        self.page: Page = context.new_page()
        self.loads = 0
        self.dialogs: list[Dialog] = []
        self.notes: list[str] = []
        self.popup: Page | None = None
        self._watch(self.page)
        context.on("page", self._on_popup)

    def _watch(self, page: Page) -> None:
        page.on("load", lambda _: self._count_load())
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)

    def _count_load(self) -> None:
        self.loads += 1

    def _on_dialog(self, dialog) -> None:
        settings = self.flow.settings
        answer = settings.dialogs
        self.dialogs.append(Dialog(kind=dialog.type, message=dialog.message[:2000], answer=answer))
        try:
            if answer == "accept":
                dialog.accept(settings.prompt_answer) if dialog.type == "prompt" else dialog.accept()
            else:
                dialog.dismiss()
        except PlaywrightError:
            pass

    def _on_download(self, download) -> None:
        # Downloads are refused by the context; the attempt itself is evidence.
        self.notes.append(f"the page started a download ({download.suggested_filename[:120]!r}); refused")
        try:
            download.cancel()
        except PlaywrightError:
            pass

    def _on_popup(self, page: Page) -> None:
        self._watch(page)
        self.popup = page

    # --- evidence -------------------------------------------------------------------------------------

    def remaining(self, step_timeout: float) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FlowTimeout()
        return min(step_timeout, left)

    def screenshot(self, name: str) -> str | None:
        rel = f"screenshots/{self.kind}-{name}.png"
        try:
            self.page.screenshot(path=str(self.run_dir / rel), full_page=True, timeout=10_000,
                                 animations="disabled")
        except PlaywrightError:
            return None
        return rel

    def capture(self, handle=None, box=None, tag=None):
        snap, index = snapshot.take(self.page, handle)
        if index is None and box is not None:
            index = snapshot.match_by_box(snap, box, tag)
        return snap, index


def _step_timeout(flow: Flow, step: Step) -> float:
    return step.timeout or flow.settings.step_timeout


def _act(run: _PathRun, step: Step, target, timeout_s: float) -> None:
    ms = timeout_s * 1000
    args = step.args
    if step.action == "click":
        target.locator.click(timeout=ms)
    elif step.action == "fill":
        target.locator.fill(args.value, timeout=ms)
    elif step.action == "check":
        target.locator.check(timeout=ms)
    elif step.action == "uncheck":
        target.locator.uncheck(timeout=ms)
    elif step.action == "select":
        target.locator.select_option(label=args.value, timeout=ms)
    elif step.action == "press":
        if target is not None:
            target.locator.press(args.key, timeout=ms)
        else:
            run.page.keyboard.press(args.key)
    elif step.action == "goto":
        run.page.goto(urljoin(run.page.url, args.url), timeout=ms)
    elif step.action == "wait":
        if args.text is not None:
            find(run.page, Locator(text=args.text), timeout_s)
        elif args.seconds:
            run.page.wait_for_timeout(min(args.seconds, timeout_s) * 1000)


def _settle(run: _PathRun, timeout_s: float) -> None:
    """After an action: follow a pop-up, and let a started navigation finish loading."""
    if run.popup is not None and not run.popup.is_closed():
        run.page, run.popup = run.popup, None
        run.notes.append(f"the step opened a new tab ({run.page.url[:200]}); the flow continued there")
    try:
        run.page.wait_for_load_state("load", timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        run.notes.append(f"the page did not finish loading within {timeout_s:g} s")


def _run_step(run: _PathRun, step: Step, number: int, trace: PathTrace) -> None:
    timeout_s = run.remaining(_step_timeout(run.flow, step))
    record = StepTrace(number=number, action=step.action, spec=step.raw, flow_line=step.line, url=run.page.url)
    started = time.monotonic()
    run.loads, run.dialogs, run.notes = 0, [], []
    target, missing = None, None
    if step.locator is not None:
        try:
            target = find(run.page, step.locator, timeout_s)
            record.find_ms = round((time.monotonic() - started) * 1000, 1)
            record.warnings.extend(target.warnings)
        except TargetNotFound as exc:
            missing = exc
    # Evidence of the page as the person saw it, kept also when the target was not found.
    handle, box, tag = None, None, None
    if target is not None:
        try:
            if target.frame is run.page.main_frame:
                handle = target.locator.element_handle(timeout=timeout_s * 1000)
            else:
                box = target.locator.bounding_box(timeout=timeout_s * 1000)
                tag = target.locator.evaluate("e => e.tagName.toLowerCase()")
        except PlaywrightError:
            pass
    record.snapshot, record.target = run.capture(handle, box, tag)
    record.screenshot = run.screenshot(f"{number:02d}")
    if handle is not None:
        handle.dispose()
    trace.steps.append(record)
    if missing is not None:
        raise missing
    acting = time.monotonic()
    _act(run, step, target, timeout_s)
    record.action_ms = round((time.monotonic() - acting) * 1000, 1)
    _settle(run, timeout_s)
    record.url_after = run.page.url
    record.clicks = _CLICKS.get(step.action, 0) + len(run.dialogs)
    record.typed_chars = len(step.args.value) if step.action == "fill" else 0
    record.page_loads = run.loads
    record.dialogs = list(run.dialogs)
    record.warnings.extend(run.notes)
    record.duration_ms = round((time.monotonic() - started) * 1000, 1)


def _done_holds(page: Page, done: Done) -> bool:
    def visible(loc: Locator) -> bool:
        for frame in page.frames:
            try:
                if frame.get_by_text(loc.text, exact=False).filter(visible=True).count() if loc.text \
                        else frame.locator(loc.css).filter(visible=True).count():
                    return True
            except PlaywrightError:
                continue
        return False

    if done.url is not None and not fnmatch.fnmatch(page.url, done.url):
        return False
    if done.text is not None and not visible(Locator(text=done.text)):
        return False
    if done.css is not None and not visible(Locator(css=done.css)):
        return False
    if done.gone is not None:
        gone = done.gone if isinstance(done.gone, Locator) else Locator(text=done.gone)
        if gone.text is None and gone.css is None:
            raise ValueError("done.gone takes text or css")
        if visible(gone):
            return False
    return True


def _wait_done(run: _PathRun, done: Done) -> bool:
    deadline = time.monotonic() + run.remaining(done.timeout or run.flow.settings.step_timeout)
    while True:
        if _done_holds(run.page, done):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _describe_done(done: Done) -> str:
    parts = [f"{k}: {v!r}" for k, v in done.model_dump(exclude_none=True).items() if k != "timeout"]
    return "{" + ", ".join(parts) + "}"


def _run_path(browser, flow: Flow, kind: str, start: str, steps: list[Step], done: Done,
              run_dir: Path, evidence: EvidenceOptions | None = None) -> tuple[PathTrace, dict]:
    s = flow.settings
    trace = PathTrace(kind=kind, start=start)
    context = browser.new_context(viewport=s.viewport, locale=s.locale, timezone_id=s.timezone,
                                  accept_downloads=False, service_workers="block",
                                  **(evidence.context_options(run_dir, kind) if evidence else {}))
    if evidence:
        evidence.start(context)
    info = {}
    run = _PathRun(context, flow, kind, run_dir, time.monotonic() + s.flow_timeout)
    try:
        info["user_agent"] = run.page.evaluate("navigator.userAgent")
        try:
            run.page.goto(start, timeout=run.remaining(s.step_timeout) * 1000)
        except PlaywrightError as exc:
            trace.status, trace.failure = "incomplete", "page-fault"
            trace.reason = f"could not open the start page {start}: {_short(exc)}"
            trace.final, _ = _safe_capture(run)
            trace.final_screenshot = run.screenshot("final")
            return trace, info
        for number, step in enumerate(steps, start=1):
            try:
                _run_step(run, step, number, trace)
            except TargetNotFound as exc:
                _fail(trace, run, number, step, "flow-mismatch", str(exc))
                return trace, info
            except FlowTimeout:
                _fail(trace, run, number, step, "timeout", f"the path took longer than {s.flow_timeout:g} s")
                return trace, info
            except PlaywrightTimeout as exc:
                _fail(trace, run, number, step, "timeout", f"{step.action} did not complete: {_short(exc)}")
                return trace, info
            except PlaywrightError as exc:
                _fail(trace, run, number, step, "page-fault", f"{step.action} failed: {_short(exc)}")
                return trace, info
        try:
            reached = _wait_done(run, done)
        except FlowTimeout:
            reached = False
        trace.final, _ = _safe_capture(run)
        trace.final_screenshot = run.screenshot("final")
        trace.done = reached
        if reached:
            trace.status = "complete"
        else:
            trace.status, trace.failure = "goal-unreachable", "flow-mismatch"
            trace.reason = (f"after the last step the done condition {_describe_done(done)} did not hold within "
                            f"{done.timeout or s.step_timeout:g} s")
        return trace, info
    finally:
        if evidence:
            evidence.stop(context, run_dir, kind)
        try:
            context.close()
        except PlaywrightError:
            pass


def _safe_capture(run: _PathRun):
    try:
        return run.capture()
    except PlaywrightError:
        return None, None


def _fail(trace: PathTrace, run: _PathRun, number: int, step: Step, failure: str, reason: str) -> None:
    """Ends a path at a failed step, keeping the evidence of the page it failed on."""
    if not trace.steps or trace.steps[-1].number != number:
        record = StepTrace(number=number, action=step.action, spec=step.raw, flow_line=step.line,
                           url=run.page.url if not run.page.is_closed() else "")
        record.snapshot, _ = _safe_capture(run)
        record.screenshot = run.screenshot(f"{number:02d}")
        trace.steps.append(record)
    trace.steps[-1].error = reason
    trace.status, trace.failure, trace.reason, trace.failed_step = "incomplete", failure, reason, number


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _start_url(start: str, served: str | None) -> str:
    return start if start.startswith(("http://", "https://")) else urljoin(served or "", start)


def run_flow(flow: Flow, run_dir: Path, browser_path: str | None = None, headless: bool = True,
             include_baseline: bool = True, evidence: EvidenceOptions | None = None) -> FlowTrace:
    """Audits ``flow``: runs the goal path and the baseline, writing screenshots under ``run_dir``."""
    (run_dir / "screenshots").mkdir(parents=True, exist_ok=True)
    started = _now()
    needs_server = not flow.start.startswith(("http://", "https://")) or (
        flow.baseline is not None and flow.baseline.start and not flow.baseline.start.startswith(("http://", "https://")))
    with ExitStack() as stack:
        served = stack.enter_context(serve_folder(Path(flow.base_dir or "."))) if needs_server else None
        pw = stack.enter_context(sync_playwright())
        choice: BrowserChoice = resolve_browser(browser_path, pw)
        browser = launch(pw, choice, headless=headless)
        stack.callback(browser.close)
        goal, info = _run_path(browser, flow, "goal", _start_url(flow.start, served), flow.path, flow.done, run_dir,
                               evidence)
        baseline = None
        if include_baseline and flow.baseline is not None:
            b = flow.baseline
            baseline, _ = _run_path(browser, flow, "baseline", _start_url(b.start or flow.start, served), b.path,
                                    b.done, run_dir, evidence)
        browser_info = BrowserInfo(version=browser.version, executable=choice.executable or "playwright-bundled",
                                   user_agent=info.get("user_agent", ""), viewport=flow.settings.viewport,
                                   locale=flow.settings.locale, timezone=flow.settings.timezone)
    return FlowTrace(tool_version=__version__,
                     flow=FlowInfo(name=flow.name, goal=flow.goal, start=flow.start, file=flow.source,
                                   sha256=flow.sha256),
                     browser=browser_info, started_at=started, ended_at=_now(), goal=goal, baseline=baseline)
