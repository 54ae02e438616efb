"""The state of one path's run: its page, its bounds, and how it is stopped.

Bounds (a hostile page cannot keep the audit running; see docs/reliability.md): every call to the page
runs under ``guard`` (auditor.gather.watchdog); at the path's deadline plus ``KILL_GRACE_S`` the watchdog
closes the page, so even a call blocked inside the browser returns; SIGINT / SIGTERM end the run at once
with a partial trace (``failure: interrupted``), and a second signal raises KeyboardInterrupt.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from auditor.flow.spec import Settings
from auditor.gather.locate import PageGone
from auditor.gather.outcome import FlowTimeout, Interrupted, PageCrashed
from auditor.gather.page_events import PageEvents
from auditor.gather.person import Person
from auditor.gather.watchdog import KILL_GRACE_S, Watchdog

SNAPSHOT_MIN_S = 3.0  # a snapshot may always take this long, even with a very short step timeout


class Stop:
    """SIGINT/SIGTERM during a run: the first ends the run gracefully, a second raises KeyboardInterrupt."""

    def __init__(self) -> None:
        self.requested: str | None = None
        self.run: PathRun | None = None
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


class PathRun:
    """One path: the page it acts on (a pop-up replaces it), the person acting, the page's events, and
    the deadline. ``page`` is given when the caller owns it (the pytest plugin); else a new one opens.
    ``deadline`` (time.monotonic()) is None when the caller bounds the path itself."""

    def __init__(self, context, settings: Settings, kind: str, run_dir: Path, deadline: float | None,
                 stop: Stop | None = None, page: Page | None = None, touch: bool = False):
        self.context, self.settings, self.kind, self.run_dir = context, settings, kind, run_dir
        self.deadline, self.stop = deadline, stop or Stop()
        self.expect_tab = False
        self.overtime = False
        self.cdp = None
        self.person = Person(context, touch)  # listens to the context's requests: before the first page opens
        self.events = PageEvents(settings, on_navigated=self._page_changed)
        page = page or context.new_page()
        self.watchdog = Watchdog(page)
        self.adopt(page)
        self._deadline_timer = None if deadline is None else self.watchdog.after(
            deadline - time.monotonic() + KILL_GRACE_S, self._overtime)

    @property
    def page(self) -> Page:
        return self.events.current

    @property
    def notes(self) -> list[str]:
        """Warnings for the step being recorded."""
        return self.events.notes

    def adopt(self, page: Page) -> None:
        """Makes ``page`` the one the path acts on (the first page, or a pop-up a step opened)."""
        self.events.current = page
        self.events.watch(page)
        try:
            self.cdp = self.context.new_cdp_session(page)
        except PlaywrightError:
            self.cdp = None

    def close(self) -> None:
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()

    def release(self) -> None:
        """Stops listening to a page and context the caller keeps (the pytest plugin's)."""
        self.close()
        try:
            if self.cdp is not None:
                self.cdp.detach()
        except PlaywrightError:
            pass
        self.events.unwatch()
        self.person.detach(self.context)

    def _page_changed(self) -> None:
        self.person.fresh = True

    # --- bounds ------------------------------------------------------------------------------------------

    def abort(self, reason: str, threadsafe: bool = False) -> None:
        """Closes the current page, so a call blocked on it returns now."""
        self.watchdog.close_page(self.page, reason, threadsafe)

    def _overtime(self) -> None:
        self.overtime = True
        self.abort(f"the path took longer than {self.settings.flow_timeout:g} s")

    @contextmanager
    def guard(self, seconds: float, what: str):
        """A block that talks to the current page, bounded by the watchdog (it ends with PageHung)."""
        with self.watchdog.bound(self.page, self.cdp, seconds, what):
            yield

    def check(self) -> None:
        """Raises when the run must end now: interrupted, out of time, or the page is gone."""
        if self.stop.requested:
            raise Interrupted()
        if self.overtime:
            raise FlowTimeout()
        if self.events.crashed:
            raise PageCrashed()
        if self.page.is_closed():
            raise PageGone("the page was closed")

    def remaining(self, step_timeout: float) -> float:
        if self.deadline is None:
            return step_timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FlowTimeout()
        return min(step_timeout, left)

    def snapshot_bound(self) -> float:
        return max(SNAPSHOT_MIN_S, self.settings.step_timeout)

    def gone_or_stopping(self) -> bool:
        return self.page.is_closed() or self.events.crashed or bool(self.stop.requested) or self.overtime
