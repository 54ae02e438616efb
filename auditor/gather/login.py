"""Signs in before a path, the way the flow's ``login`` says, and leaves no trace of how.

The login runs in a context of its own (auditor.gather.context.situate) with no HAR, video, Playwright
trace or screenshot; only its cookies and storage (Playwright's storage state) reach the path's context.
Its steps are not the person's effort to object, so they are neither counted nor judged; the path's trace
says only "signed in: login ran, N steps". ``{env.NAME}`` placeholders are filled here, at the last moment,
and every filled value is masked out of anything this module says (an error can quote a URL or a value).

The login is bounded as a path is (auditor/gather/watchdog.py, docs/reliability.md): every call to its page
runs under the watchdog (a script that never yields is stopped, the page closed ``KILL_GRACE_S`` later),
and the whole login gets the flow's ``flow_timeout``. A login page that hangs is the site's fault: the
path is incomplete (exit 3) and the reason says where the sign-in hung.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor.flow.spec import ENV_PLACEHOLDER, Flow, Locator, Step
from auditor.gather.context import secret
from auditor.gather.done import holds, not_reached
from auditor.gather.locate import PageGone, TargetNotFound, find
from auditor.gather.watchdog import KILL_GRACE_S, PageHung, Watchdog

MASK = "***"


class LoginFailed(Exception):
    """The login did not reach its done condition; the message holds no secret."""

    def __init__(self, failure: str, message: str):
        super().__init__(message)
        self.failure = failure


def login_start(flow: Flow, path_start: str) -> str:
    """Where the login begins: its own ``start`` (absolute, or relative to the flow file like the flow's
    start, served from the same folder), else the path's start page."""
    start = flow.login.start if flow.login else None
    if start is None:
        return path_start
    if urlparse(start).scheme:
        return start
    served_root = not urlparse(flow.start).scheme
    return urljoin(path_start, "/" + start) if served_root else urljoin(path_start, start)


class _Bounds:
    """The login page under the watchdog: each call bounded like a path's, the whole login by flow_timeout."""

    def __init__(self, context, page, flow_timeout: float):
        self.page, self.flow_timeout, self.overtime = page, flow_timeout, False
        self.watchdog = Watchdog(page)
        try:
            self.cdp = context.new_cdp_session(page)
        except PlaywrightError:
            self.cdp = None  # scripts cannot be stopped; the page is still closed when a call hangs
        self._timer = self.watchdog.after(flow_timeout + KILL_GRACE_S, self._overtime)

    def _overtime(self) -> None:
        self.overtime = True
        self.watchdog.close_page(self.page, f"the sign-in took longer than {self.flow_timeout:g} s")

    def guard(self, seconds: float, what: str):
        return self.watchdog.bound(self.page, self.cdp, seconds + KILL_GRACE_S, f"signing in ({what})")

    def close(self) -> None:
        self._timer.cancel()


def sign_in(context, flow: Flow, path_start: str) -> int:
    """Runs the login's steps in ``context`` and waits for its done condition; returns how many steps ran."""
    login, settings = flow.login, flow.settings
    timeout_s = settings.step_timeout
    used: list[str] = []
    page = context.new_page()
    bounds = _Bounds(context, page, settings.flow_timeout)
    try:
        with bounds.guard(timeout_s, "opening the login page"):
            page.goto(secret_of(login_start(flow, path_start), flow, ("login", "start"), used),
                      timeout=timeout_s * 1000)
        for index, step in enumerate(login.path):
            _do(page, step, ("login", "path", index), flow, timeout_s, used, bounds)
        wait = login.done.timeout or timeout_s
        deadline = time.monotonic() + wait
        with bounds.guard(wait, "checking the login's done condition"):
            while not holds(page, login.done):
                if time.monotonic() >= deadline:
                    raise LoginFailed("flow-mismatch", not_reached(login.done, timeout_s))
                time.sleep(0.1)
        return len(login.path)
    except (PlaywrightError, TargetNotFound, PageGone, PageHung) as exc:
        if bounds.overtime:  # the page was closed under a call: the time, not the closed page, is the cause
            raise LoginFailed("timeout", f"the sign-in took longer than the flow_timeout of "
                                         f"{settings.flow_timeout:g} s") from None
        first_line = masked((str(exc).strip().splitlines() or [type(exc).__name__])[0], used)[:300]
        if isinstance(exc, PlaywrightTimeout):  # a step's own bound ran out first (a slow machine): the same hang
            raise LoginFailed("timeout", f"the sign-in did not answer within the step_timeout of "
                                         f"{settings.step_timeout:g} s ({first_line})") from None
        raise LoginFailed("flow-mismatch" if isinstance(exc, TargetNotFound) else "page-fault", first_line) from None
    finally:
        bounds.close()
        try:
            page.close()
        except PlaywrightError:
            pass  # the watchdog closed it already


def secret_of(value: str, flow: Flow, loc: tuple, used: list[str]) -> str:
    """``value`` with its secrets filled (fill and select values, URLs); each is remembered for masking."""
    filled = secret(value, flow, loc)  # FlowError, naming the line, when a variable is not set
    used.extend(os.environ[m.group(1)] for m in ENV_PLACEHOLDER.finditer(value) if os.environ[m.group(1)])
    return filled


def masked(text: str, used: list[str]) -> str:
    for value in sorted(used, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def _do(page, step: Step, loc: tuple, flow: Flow, timeout_s: float, used: list[str], bounds: _Bounds) -> None:
    """One login step, done plainly (no capture, no retry, no judging), each call under the watchdog."""
    where = f"login step {loc[-1] + 1}, {step.action}"
    with bounds.guard(timeout_s, f"{where}: looking for the target"):
        target = find(page, step.locator, timeout_s).locator if step.locator is not None else None
    with bounds.guard(timeout_s, where):
        _act(page, step, target, loc, flow, timeout_s, used)
    with bounds.guard(timeout_s, f"{where}: waiting for the page to load"):
        page.wait_for_load_state("load", timeout=timeout_s * 1000)


def _act(page, step: Step, target, loc: tuple, flow: Flow, timeout_s: float, used: list[str]) -> None:
    ms = timeout_s * 1000
    args = step.args
    if step.action == "click":
        target.click(timeout=ms)
    elif step.action == "fill":
        target.fill(secret_of(args.value, flow, loc, used), timeout=ms)
    elif step.action in ("check", "uncheck"):
        target.set_checked(step.action == "check", timeout=ms)
    elif step.action == "select":
        target.select_option(label=secret_of(args.value, flow, loc, used), timeout=ms)
    elif step.action == "press":
        if target is not None:
            target.press(args.key, timeout=ms)
        else:
            page.keyboard.press(args.key)
    elif step.action == "goto":
        page.goto(urljoin(page.url, secret_of(args.url, flow, loc, used)), timeout=ms)
    elif step.action == "wait":
        if args.text is not None:
            find(page, Locator(text=args.text), timeout_s)
        else:
            page.wait_for_timeout(min(args.seconds or 0, timeout_s) * 1000)
