"""Runs a flow's paths in Chromium and records the FlowTrace: the gatherer of the pipeline.

Each path (goal, then baseline) runs in a fresh browser context, so no cookie or storage of one choice
leaks into the other. Before every action the driver takes one snapshot and one full-page screenshot of
the page as the person sees it, then acts, then counts what the action cost (clicks, typed characters,
page loads, dialogs). Whatever goes wrong, the path ends with a status and a reason, and everything
captured up to that point is kept. Acting as a person would (letting the page settle first, clicking
again when a click changed nothing, flipping a switch through what is visible) is auditor/person.py's.

Bounds (a hostile page cannot keep the audit running; see docs/reliability.md):

- every step waits at most its step timeout (``settings.step_timeout``, default 10 s, or the step's own
  ``timeout``) for its target, for its action and for the page to settle;
- every path ends within ``settings.flow_timeout`` (default 180 s) plus ``KILL_GRACE_S``: at the deadline a
  watchdog closes the page, so even a call blocked inside the browser returns;
- a page whose script never yields (``while (true) {}``) cannot hang a snapshot, a screenshot or a query:
  each such call runs under a watchdog that stops the page's script (CDP ``Runtime.terminateExecution``)
  when the call's bound passes, and closes the page ``KILL_GRACE_S`` later if that did not help;
- SIGINT / SIGTERM end the run at once with a partial trace (``failure: interrupted``); a second signal
  raises KeyboardInterrupt.

The watchdog runs as a timer on Playwright's own event loop, which keeps running while the synchronous API
waits for the browser: it is the one place where a blocked call can still be cancelled.
"""

from __future__ import annotations

import fnmatch
import signal
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from auditor import __version__, snapshot
from auditor.atomic import RunFolderError, write_bytes_atomic
from auditor.browser import BrowserChoice, launch, ordinary_user_agent, resolve_browser
from auditor.evidence import EvidenceOptions
from auditor.flow import Done, Flow, Locator, Step
from auditor.locate import BadLocator, PageGone, TargetNotFound, find
from auditor.person import WATCH_JS, Person, ToggleFailed
from auditor.server import serve_folder
from auditor.trace import BrowserInfo, Dialog, FlowInfo, FlowTrace, PathTrace, StepTrace

_CLICKS = {"click": 1, "check": 1, "uncheck": 1, "select": 1}
_NO_SETTLING = {"wait", "goto"}  # they do not act on the page: the page is captured as it is when they begin
KILL_GRACE_S = 3.0  # after stopping a busy script, wait this long before closing the page
SNAPSHOT_MIN_S = 3.0  # a snapshot may always take this long, even with a very short step timeout
SCREENSHOT_MAX_S = 10.0
SCREENSHOT_MAX_HEIGHT = 10_000  # px: taller pages (infinite feeds) would take seconds and hundreds of MB
MAX_DIALOGS_PER_STEP = 20  # a page that loops on alert() gets the rest dismissed and unrecorded
WEB_SCHEMES = ("http", "https")


class FlowTimeout(Exception):
    pass


class Interrupted(Exception):
    pass


class PageCrashed(Exception):
    pass


class PageHung(Exception):
    def __init__(self, what: str, seconds: float):
        super().__init__(f"the page stopped responding while {what}: its scripts kept it busy for more than "
                         f"{seconds:g} s, so the auditor stopped them")


class StepFailed(Exception):
    def __init__(self, failure: str, reason: str):
        super().__init__(reason)
        self.failure, self.reason = failure, reason


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


async def _quietly(coro) -> None:
    try:
        await coro
    except Exception:  # the page may already be gone; the watchdog has done what it could
        pass


class _Stop:
    """SIGINT/SIGTERM during a run: the first ends the run gracefully, a second raises KeyboardInterrupt."""

    def __init__(self) -> None:
        self.requested: str | None = None
        self.run: _PathRun | None = None
        self._old: dict = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, self._handle)
            except (ValueError, OSError):
                pass

    def restore(self) -> None:
        for sig, old in self._old.items():
            try:
                signal.signal(sig, old)
            except (ValueError, OSError, TypeError):
                pass
        self._old = {}

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = signal.Signals(signum).name
        if self.run is not None:
            self.run.abort(f"interrupted by {self.requested}", threadsafe=True)


class _PathRun:
    """State of one path's run: the current page (pop-ups replace it), dialogs and loads per step."""

    def __init__(self, context, flow: Flow, kind: str, run_dir: Path, deadline: float, stop: _Stop):
        self.context, self.flow, self.kind, self.run_dir = context, flow, kind, run_dir
        self.deadline, self.stop = deadline, stop
        self.loads = 0
        self.dialogs: list[Dialog] = []
        self.dialogs_ignored = 0
        self.notes: list[str] = []
        self.popup: Page | None = None
        self.expect_tab = False
        self.crashed = False
        self.overtime = False
        self.doc_status: tuple[str, int] | None = None  # the main document's last HTTP response
        self.cdp = None
        self.person = Person(context)  # listens to the context's requests: before the first page opens
        self.page: Page = context.new_page()
        self._adopt(self.page)
        context.on("page", self._on_popup)
        loop = self.page._loop
        self._deadline_timer = loop.call_later(max(deadline - time.monotonic(), 0) + KILL_GRACE_S, self._overtime)

    def _adopt(self, page: Page) -> None:
        self.page = page
        try:
            self.cdp = self.context.new_cdp_session(page)
        except PlaywrightError:
            self.cdp = None
        if page not in getattr(self, "_watched", ()):
            self._watch(page)

    def _watch(self, page: Page) -> None:
        self._watched = getattr(self, "_watched", []) + [page]
        page.on("load", lambda _: self._count_load())
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)
        page.on("crash", lambda _: self._on_crash(page))
        page.on("response", lambda r: self._on_response(page, r))
        page.on("framenavigated", lambda f: self._on_navigated(page, f))

    def close(self) -> None:
        self._deadline_timer.cancel()

    # --- events -----------------------------------------------------------------------------------------

    def _count_load(self) -> None:
        self.loads += 1

    def _on_dialog(self, dialog) -> None:
        settings = self.flow.settings
        answer = settings.dialogs
        if len(self.dialogs) >= MAX_DIALOGS_PER_STEP:
            self.dialogs_ignored += 1
            answer = "dismiss"
        else:
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
        self.notes.append(f"the page started a download ({download.suggested_filename[:120]!r} from "
                          f"{download.url[:200]}); refused, nothing was saved")
        try:
            download.cancel()
        except PlaywrightError:
            pass

    def _on_popup(self, page: Page) -> None:
        self._watch(page)
        self.popup = page

    def _on_crash(self, page: Page) -> None:
        if page is self.page:
            self.crashed = True

    def _on_navigated(self, page: Page, frame) -> None:
        if page is self.page and frame == page.main_frame:
            self.person.fresh = True

    def _on_response(self, page: Page, response) -> None:
        try:
            if page is self.page and response.request.is_navigation_request() and response.frame == page.main_frame:
                self.doc_status = (response.url, response.status)
        except PlaywrightError:
            pass

    # --- stopping a page that will not stop ---------------------------------------------------------------

    def abort(self, reason: str, threadsafe: bool = False) -> None:
        """Closes the current page from Playwright's event loop, so a call blocked on it returns now."""
        page = self.page
        loop = page._loop

        def close() -> None:
            loop.create_task(_quietly(page._impl_obj.close(False, reason)))

        if threadsafe:
            loop.call_soon_threadsafe(close)
        else:
            close()

    def _overtime(self) -> None:
        self.overtime = True
        self.abort(f"the path took longer than {self.flow.settings.flow_timeout:g} s")

    @contextmanager
    def guard(self, seconds: float, what: str):
        """Runs a block that talks to the page; if it is still blocked after ``seconds``, stops the page's
        scripts, and ``KILL_GRACE_S`` later closes the page. Either way the block ends with PageHung."""
        page, cdp = self.page, self.cdp
        loop = page._loop
        fired: list[float] = []

        def terminate() -> None:
            fired.append(time.monotonic())
            if cdp is not None:
                loop.create_task(_quietly(cdp._impl_obj.send("Runtime.terminateExecution", None, None)))

        def close() -> None:
            loop.create_task(_quietly(page._impl_obj.close(False, f"the page did not respond while {what}")))

        handles = [loop.call_later(seconds, terminate), loop.call_later(seconds + KILL_GRACE_S, close)]
        try:
            yield
        except (PlaywrightError, TargetNotFound, PageGone):
            if fired:
                raise PageHung(what, seconds) from None
            raise
        finally:
            for h in handles:
                h.cancel()
        if fired:
            raise PageHung(what, seconds)

    def check(self) -> None:
        """Raises when the run must end now: interrupted, out of time, or the page is gone."""
        if self.stop.requested:
            raise Interrupted()
        if self.overtime:
            raise FlowTimeout()
        if self.crashed:
            raise PageCrashed()
        if self.page.is_closed():
            raise PageGone("the page was closed")

    # --- evidence -------------------------------------------------------------------------------------

    def remaining(self, step_timeout: float) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FlowTimeout()
        return min(step_timeout, left)

    def snapshot_bound(self) -> float:
        return max(SNAPSHOT_MIN_S, self.flow.settings.step_timeout)

    def screenshot(self, name: str, snap=None) -> str | None:
        """A full-page screenshot saved as ``screenshots/<path>-<name>.png``; the name is the tool's (a
        step number or 'final'), never the page's. A very tall page is cut at SCREENSHOT_MAX_HEIGHT."""
        rel = f"screenshots/{self.kind}-{name}.png"
        bound = min(SCREENSHOT_MAX_S, self.snapshot_bound())
        clip = None
        if snap is not None and snap.page_height > SCREENSHOT_MAX_HEIGHT:
            clip = {"x": 0, "y": 0, "width": max(snap.page_width, 1), "height": SCREENSHOT_MAX_HEIGHT}
            self.notes.append(f"the page is {snap.page_height:.0f} px tall; its screenshot shows the top "
                              f"{SCREENSHOT_MAX_HEIGHT} px")
        try:
            with self.guard(bound + 1, "taking a screenshot"):
                data = self.page.screenshot(full_page=True, timeout=bound * 1000, animations="disabled", clip=clip)
        except (PlaywrightError, PageHung):
            return None
        try:
            write_bytes_atomic(self.run_dir / rel, data)
        except OSError as exc:
            raise RunFolderError(f"cannot write evidence to the run folder {self.run_dir} "
                                 f"({exc.strerror or exc}); the audit was stopped") from None
        return rel

    def capture(self, handle=None, box=None, tag=None):
        with self.guard(self.snapshot_bound(), "taking a snapshot"):
            try:
                try:
                    snap, index = snapshot.take(self.page, handle)
                except PlaywrightError as exc:  # a navigation replaced the document mid-snapshot: once more
                    if "context was destroyed" not in str(exc) or self.page.is_closed():
                        raise
                    snap, index = snapshot.take(self.page, None)
            except (KeyError, TypeError, ValueError) as exc:  # the page tampered with what the script returns
                self.notes.append(f"the page's snapshot could not be read ({type(exc).__name__}); none was kept")
                return None, None
            except PlaywrightError as exc:
                if self.page.is_closed() or self.crashed or self.stop.requested or self.overtime:
                    raise
                # The page replaced built-ins the snapshot script uses: the flow goes on without this snapshot.
                self.notes.append(f"the page broke the snapshot script ({_short(exc)}); none was kept for this step")
                return None, None
        if index is None and box is not None:
            index = snapshot.match_by_box(snap, box, tag)
        return snap, index

    def status_note(self) -> str | None:
        if self.doc_status and self.doc_status[1] >= 400:
            url, status = self.doc_status
            return f"the server answered HTTP {status} for {url[:200]}"
        return None


def _step_timeout(flow: Flow, step: Step) -> float:
    return step.timeout or flow.settings.step_timeout


def _act(run: _PathRun, step: Step, target, timeout_s: float) -> str | None:
    """Does the step's action; returns why a click was repeated (see auditor/person.py), else None."""
    ms = timeout_s * 1000
    args = step.args
    if step.action == "click":
        try:
            run.expect_tab = bool(target.locator.evaluate(_OPENS_TAB_JS, timeout=ms))
            opened = run.page.evaluate(_OPENED_JS)
        except PlaywrightError:
            run.expect_tab, opened = False, None
        page = run.page
        retried = run.person.click(page, target.locator, timeout_s,
                                   lambda: (len(run.dialogs), run.loads, run.popup is not None))
        try:  # window.open() called by the click: its tab may be announced a moment later
            run.expect_tab = run.expect_tab or (opened is not None and page.evaluate(_OPENED_JS) != opened)
        except PlaywrightError:
            pass
        return retried
    elif step.action == "fill":
        target.locator.fill(args.value, timeout=ms)
    elif step.action in ("check", "uncheck"):
        try:
            note = run.person.toggle(target.locator, step.action == "check", timeout_s)
        except ToggleFailed as exc:
            raise StepFailed(exc.failure, exc.reason) from None
        if note:
            run.notes.append(note)
    elif step.action == "select":
        target.locator.select_option(label=args.value, timeout=ms)
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


# The clicked element is (in) a link or form that opens its result in another tab or window.
_OPENS_TAB_JS = """e => { const a = e.closest('a[target], area[target], form[target]');
  const t = a ? (a.getAttribute('target') || '').toLowerCase() : '';
  return !!t && !['_self', '_parent', '_top'].includes(t); }"""


# Counts window.open() calls per document (installed in every page of a path's context), so the driver
# knows to wait for the pop-up a click opened even when the browser announces it late.
_COUNT_OPENS_JS = """(() => { const open = window.open; let n = 0;
  try { Object.defineProperty(window, '__consentAuditOpens', { get: () => n, configurable: false }); } catch (e) {}
  window.open = function (...args) { n += 1; return open.apply(this, args); }; })();"""
_OPENED_JS = "() => window.__consentAuditOpens || 0"


def _settle(run: _PathRun, timeout_s: float) -> None:
    """After an action: follow a pop-up, and let a started navigation finish loading."""
    if run.expect_tab and run.popup is None:  # a target=_blank tab arrives a moment after the click
        end = time.monotonic() + min(2.0, timeout_s)
        try:
            while run.popup is None and time.monotonic() < end:
                run.page.wait_for_timeout(50)
        except PlaywrightError:
            pass
    run.expect_tab = False
    try:
        run.page.wait_for_load_state("load", timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        run.notes.append(f"the page did not finish loading within {timeout_s:g} s")
    if run.popup is not None and not run.popup.is_closed():
        popup, run.popup = run.popup, None
        run._adopt(popup)
        try:
            run.page.wait_for_load_state("load", timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            run.notes.append(f"the new tab did not finish loading within {timeout_s:g} s")
        run.notes.append(f"the step opened a new tab ({run.page.url[:200]}); the flow continued there")


def _run_step(run: _PathRun, step: Step, number: int, trace: PathTrace) -> None:
    run.check()
    timeout_s = run.remaining(_step_timeout(run.flow, step))
    record = StepTrace(number=number, action=step.action, spec=step.raw, flow_line=step.line, url=run.page.url)
    started = time.monotonic()
    run.loads, run.popup = 0, None
    target, missing = None, None
    if step.locator is not None:
        try:
            with run.guard(timeout_s + KILL_GRACE_S, f"looking for {step.locator.describe()}"):
                target = find(run.page, step.locator, timeout_s, check=run.check)
            record.find_ms = round((time.monotonic() - started) * 1000, 1)
            record.warnings.extend(target.warnings)
        except TargetNotFound as exc:
            missing = exc
    # Evidence of the page as the person saw it, kept also when the target was not found.
    handle, box, tag = None, None, None
    if target is not None:
        try:
            with run.guard(timeout_s + KILL_GRACE_S, "measuring the target"):
                if target.frame is run.page.main_frame:
                    handle = target.locator.element_handle(timeout=timeout_s * 1000)
                else:
                    box = target.locator.bounding_box(timeout=timeout_s * 1000)
                    tag = target.locator.evaluate("e => e.tagName.toLowerCase()", timeout=timeout_s * 1000)
        except PlaywrightError:
            pass
    trace.steps.append(record)
    settles = step.action not in _NO_SETTLING
    if settles:
        _settle_before_capture(run, target.frame if target is not None else None)
        since = run.person.mark(run.page)
    record.snapshot, record.target = run.capture(handle, box, tag)
    record.screenshot = run.screenshot(f"{number:02d}", record.snapshot)
    if settles and missing is None and _quiet_down(run, since):  # the page changed while it was captured
        record.snapshot, record.target = run.capture(handle, box, tag)
        record.screenshot = run.screenshot(f"{number:02d}", record.snapshot)
    if handle is not None:
        try:
            handle.dispose()
        except PlaywrightError:
            pass
    if missing is not None:
        now = run.page.url if not run.page.is_closed() else ""
        if now and now != record.url and not isinstance(missing, BadLocator):
            record.url_after = now
            raise StepFailed("page-fault", f"the page navigated away by itself (from {record.url[:200]} to "
                                           f"{now[:200]}) while the step waited for its target; {missing}")
        raise missing
    acting, url_before = time.monotonic(), run.page.url
    try:
        with run.guard(timeout_s + KILL_GRACE_S, f"doing the {step.action}"):
            retried = _act(run, step, target, timeout_s)
        if retried:
            record.retried, record.retry_reason = True, retried
            run.notes.append(retried)
    except PlaywrightTimeout as exc:
        raise StepFailed("timeout", _explain_timeout(run, step, target, url_before, timeout_s, exc)) from None
    finally:
        _record_costs(run, step, record)
    record.action_ms = round((time.monotonic() - acting) * 1000, 1)
    with run.guard(timeout_s + KILL_GRACE_S, "waiting for the page to load"):
        _settle(run, timeout_s)
    _record_costs(run, step, record)
    record.url_after = run.page.url
    record.duration_ms = round((time.monotonic() - started) * 1000, 1)


def _settle_before_capture(run: _PathRun, frame) -> None:
    """Lets running transitions end before the page is captured, so the evidence does not catch a layer
    half faded in. Bounded: see person.py."""
    with run.guard(run.snapshot_bound(), "waiting for the page to settle"):
        run.person.settle(run.page, frame, run.remaining(run.flow.settings.step_timeout))


def _quiet_down(run: _PathRun, since: tuple) -> bool:
    """Before the first action on a page: lets its network go quiet (scripts attach their handlers); the
    wait overlaps the capture just taken. True when the page changed since ``since``."""
    with run.guard(run.snapshot_bound(), "waiting for the page to settle"):
        return run.person.quiet_down(run.page, since, run.remaining(run.flow.settings.step_timeout))


def _record_costs(run: _PathRun, step: Step, record: StepTrace) -> None:
    """Moves what the page did during the step (dialogs, loads, notes) into the step's record."""
    record.dialogs.extend(run.dialogs)
    record.clicks = _CLICKS.get(step.action, 0) + len(record.dialogs)
    record.typed_chars = len(step.args.value) if step.action == "fill" else 0
    record.page_loads += run.loads
    if run.dialogs_ignored:
        run.notes.append(f"the page opened {run.dialogs_ignored} more dialogs; dismissed without recording")
    record.warnings.extend(run.notes)
    status = run.status_note()
    if status and run.loads:
        record.http_status = run.doc_status[1]
        record.warnings.append(status)
    run.loads, run.dialogs, run.dialogs_ignored, run.notes = 0, [], 0, []


def _explain_timeout(run: _PathRun, step: Step, target, url_before: str, timeout_s: float, exc) -> str:
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
    return f"{why} ({_short(exc)})"


def _done_holds(page: Page, done: Done) -> bool:
    def visible(loc: Locator) -> bool:
        for frame in page.frames:
            try:
                if frame.get_by_text(loc.text, exact=False).filter(visible=True).count() if loc.text \
                        else frame.locator(loc.css).filter(visible=True).count():
                    return True
            except PlaywrightError:
                if page.is_closed():
                    raise
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
            raise StepFailed("flow-mismatch", "done.gone takes text or css")
        if visible(gone):
            return False
    return True


def _wait_done(run: _PathRun, done: Done) -> bool:
    wait = run.remaining(done.timeout or run.flow.settings.step_timeout)
    deadline = time.monotonic() + wait
    with run.guard(wait + KILL_GRACE_S, "checking the done condition"):
        while True:
            run.check()
            if _done_holds(run.page, done):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


def _describe_done(done: Done) -> str:
    parts = [f"{k}: {v!r}" for k, v in done.model_dump(exclude_none=True).items() if k != "timeout"]
    return "{" + ", ".join(parts) + "}"


def _classify(run: _PathRun, exc: BaseException, action: str) -> tuple[str, str]:
    """(failure, reason) for whatever ended a path; the most specific true cause wins."""
    s = run.flow.settings
    if run.stop.requested:
        return "interrupted", f"the audit was interrupted ({run.stop.requested}); everything captured so far is kept"
    if run.overtime or isinstance(exc, FlowTimeout):
        return "timeout", f"the path took longer than its flow_timeout of {s.flow_timeout:g} s"
    if run.crashed or isinstance(exc, PageCrashed):
        return "page-fault", f"the page's renderer crashed during the {action}"
    if isinstance(exc, PageHung):
        return "page-fault", str(exc)
    if isinstance(exc, StepFailed):
        return exc.failure, exc.reason
    if isinstance(exc, PageGone):
        return "page-fault", f"the page closed itself during the {action}"
    if isinstance(exc, BadLocator):
        return "flow-mismatch", str(exc)
    if isinstance(exc, TargetNotFound):
        status = run.status_note()
        if status:
            return "page-fault", f"{status}; {exc}"
        return "flow-mismatch", str(exc)
    if isinstance(exc, PlaywrightTimeout):
        return "timeout", f"{action} did not complete: {_short(exc)}"
    return "page-fault", f"{action} failed: {_short(exc)}"


_ENDS_PATH = (TargetNotFound, PageGone, FlowTimeout, Interrupted, PageCrashed, PageHung, StepFailed, PlaywrightError)


def _run_path(browser, flow: Flow, kind: str, start: str, steps: list[Step], done: Done,
              run_dir: Path, evidence: EvidenceOptions | None = None,
              stop: _Stop | None = None) -> tuple[PathTrace, dict]:
    s = flow.settings
    stop = stop or _Stop()
    trace = PathTrace(kind=kind, start=start)
    info: dict = {}
    if stop.requested:
        trace.status, trace.failure = "incomplete", "interrupted"
        trace.reason = f"the audit was interrupted ({stop.requested}) before the {kind} path began"
        return trace, info
    # A fresh context per path: no cookie, storage or cache of one path reaches the other, and nothing
    # persists after the run (no user data dir). Downloads are refused; service workers blocked.
    user_agent = ordinary_user_agent(browser)
    context = browser.new_context(viewport=s.viewport, locale=s.locale, timezone_id=s.timezone,
                                  accept_downloads=False, service_workers="block", user_agent=user_agent,
                                  **(evidence.context_options(run_dir, kind) if evidence else {}))
    if evidence:
        evidence.start(context)
    context.add_init_script(_COUNT_OPENS_JS)
    context.add_init_script(WATCH_JS)
    run = _PathRun(context, flow, kind, run_dir, time.monotonic() + s.flow_timeout, stop)
    stop.run = run
    try:
        try:
            with run.guard(s.step_timeout, "reading the user agent"):
                info["user_agent"] = run.page.evaluate("navigator.userAgent")
                info["looks_ordinary"] = user_agent is not None and not run.page.evaluate("navigator.webdriver")
            _open_start(run, trace, start)
        except (PlaywrightError, PageHung, FlowTimeout, Interrupted, PageCrashed, PageGone) as exc:
            failure, reason = _classify(run, exc, "opening the start page")
            trace.status, trace.failure = "incomplete", failure
            trace.reason = f"could not open the start page {start}: {reason}"
            if not run.page.is_closed() and run.page.url not in ("", "about:blank"):
                _final_evidence(run, trace)  # else nothing was shown, and a pending load would block the capture
            return trace, info
        for number, step in enumerate(steps, start=1):
            try:
                _run_step(run, step, number, trace)
            except _ENDS_PATH as exc:
                failure, reason = _classify(run, exc, step.action)
                _fail(trace, run, number, step, failure, reason)
                return trace, info
        try:
            reached = _wait_done(run, done)
            failure = reason = None
        except _ENDS_PATH as exc:
            reached = False
            failure, reason = _classify(run, exc, "check of the done condition")
        _final_evidence(run, trace)
        trace.done = reached
        if reached:
            trace.status = "complete"
        elif failure is not None and failure != "flow-mismatch":
            trace.status, trace.failure, trace.reason = "incomplete", failure, reason
        else:
            trace.status, trace.failure = "goal-unreachable", "flow-mismatch"
            trace.reason = reason or (f"after the last step the done condition {_describe_done(done)} did not hold "
                                      f"within {done.timeout or s.step_timeout:g} s")
            status = run.status_note()
            if status and failure is None:
                trace.status, trace.failure = "incomplete", "page-fault"
                trace.reason = f"{status}; {trace.reason}"
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


def _open_start(run: _PathRun, trace: PathTrace, start: str) -> None:
    """Opens the start page. A page that commits but never finishes loading is used as it is (a person
    would), with a note on the first step; one that never answers ends the path."""
    timeout_s = run.remaining(run.flow.settings.step_timeout)
    run.check()
    with run.guard(timeout_s + KILL_GRACE_S, "opening the start page"):
        try:
            response = run.page.goto(start, timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            if run.page.url in ("", "about:blank"):
                raise
            response = None
            run.notes.append(f"the start page did not finish loading within {timeout_s:g} s; the flow went on")
    if response is not None:
        trace.start_status = response.status
        if response.status >= 400:
            run.notes.append(f"the server answered HTTP {response.status} for the start page {start[:200]}")
    run.loads = 0


def _final_evidence(run: _PathRun, trace: PathTrace) -> None:
    try:
        _settle_before_capture(run, None)
    except (PlaywrightError, PageHung, FlowTimeout):
        pass  # the capture below says what state the page is in
    trace.final, _ = _safe_capture(run)
    trace.final_screenshot = run.screenshot("final", trace.final)


def _safe_capture(run: _PathRun):
    try:
        return run.capture()
    except (PlaywrightError, PageHung):
        return None, None


def _fail(trace: PathTrace, run: _PathRun, number: int, step: Step, failure: str, reason: str) -> None:
    """Ends a path at a failed step, keeping the evidence of the page it failed on."""
    if not trace.steps or trace.steps[-1].number != number:
        record = StepTrace(number=number, action=step.action, spec=step.raw, flow_line=step.line,
                           url=run.page.url if not run.page.is_closed() else "")
        trace.steps.append(record)
        _record_costs(run, step, record)
        record.snapshot, _ = _safe_capture(run)
        record.screenshot = run.screenshot(f"{number:02d}", record.snapshot)
    elif trace.steps[-1].snapshot is None or trace.steps[-1].screenshot is None:
        record = trace.steps[-1]
        if record.snapshot is None:
            record.snapshot, _ = _safe_capture(run)
        if record.screenshot is None:
            record.screenshot = run.screenshot(f"{number:02d}", record.snapshot)
    trace.steps[-1].error = reason
    # A flow that does not fit the page ran out of ways to the goal; anything else stopped the audit.
    trace.status = "goal-unreachable" if failure == "flow-mismatch" else "incomplete"
    trace.failure, trace.reason, trace.failed_step = failure, reason, number


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


def _start_url(start: str, served: str | None) -> str:
    return start if start.startswith(("http://", "https://")) else urljoin(served or "", start)


@dataclass(frozen=True)
class BrowserSession:
    """A launched Chromium that many audits share (a test module, a batch). Every path still runs in a
    fresh context, so audits stay independent; only the start-up (about 1 s) is paid once."""

    browser: Browser
    choice: BrowserChoice


@contextmanager
def browser_session(browser_path: str | None = None, headless: bool = True) -> Iterator[BrowserSession]:
    with sync_playwright() as pw:
        choice = resolve_browser(browser_path, pw)
        browser = launch(pw, choice, headless=headless)
        try:
            yield BrowserSession(browser, choice)
        finally:
            _close_quietly(browser)


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
    started = _now()
    needs_server = not flow.start.startswith(("http://", "https://")) or (
        flow.baseline is not None and flow.baseline.start and not flow.baseline.start.startswith(("http://", "https://")))
    stop = _Stop()
    stop.install()
    goal = baseline = None
    info: dict = {}
    browser_info = BrowserInfo(viewport=flow.settings.viewport, locale=flow.settings.locale,
                               timezone=flow.settings.timezone)
    try:
        with ExitStack() as stack:
            served = stack.enter_context(serve_folder(Path(flow.base_dir or "."))) if needs_server else None
            if session is None:
                session = stack.enter_context(browser_session(browser_path, headless))
            browser, choice = session.browser, session.choice
            browser_info.version = browser.version
            browser_info.executable = choice.executable or "playwright-bundled"
            goal, info = _run_path(browser, flow, "goal", _start_url(flow.start, served), flow.path, flow.done,
                                   run_dir, evidence, stop)
            if include_baseline and flow.baseline is not None and goal.failure != "interrupted":
                b = flow.baseline
                baseline, _ = _run_path(browser, flow, "baseline", _start_url(b.start or flow.start, served),
                                        b.path, b.done, run_dir, evidence, stop)
    except PlaywrightError:
        if goal is None and not stop.requested:  # the browser could not start: nothing was audited
            raise
        # Closing a browser that died with the run (Ctrl-C reaches the whole process group) is no loss.
    finally:
        stop.restore()
    if goal is None:
        goal = PathTrace(kind="goal", start=_start_url(flow.start, None), status="incomplete", failure="interrupted",
                         reason=f"the audit was interrupted ({stop.requested}) before the goal path began")
    browser_info.user_agent = info.get("user_agent", "")
    browser_info.looks_ordinary = info.get("looks_ordinary", False)
    return FlowTrace(tool_version=__version__,
                     flow=FlowInfo(name=flow.name, goal=flow.goal, start=flow.start, file=flow.source,
                                   sha256=flow.sha256),
                     browser=browser_info, started_at=started, ended_at=_now(), goal=goal, baseline=baseline)


def _close_quietly(browser) -> None:
    try:
        browser.close()
    except PlaywrightError:
        pass
