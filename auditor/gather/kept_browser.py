"""A Chromium that outlives many audits and can be killed from another thread: the browser of a batch worker.

Sync Playwright blocks the calling thread while the browser works, so a site that hangs (a page that never
loads, a script that never yields) cannot be stopped from inside. ``kill_browser`` ends this driver's
Chromium processes from any thread: the blocked call then fails at once, and the next ``session()``
launches a fresh browser. The Playwright driver (node) is left running; only its children are killed, so
nothing else on the machine is touched. Kept in gather/ because it is the only other place that starts
Playwright besides session.py (tests/test_layout.py: only the gatherer drives a browser).
"""

from __future__ import annotations

import psutil
from playwright.sync_api import sync_playwright

from auditor.gather.browser import launch, resolve_browser
from auditor.gather.session import BrowserSession


class KeptBrowser:
    """The calling thread's Playwright driver and Chromium; the browser is relaunched when a site killed it."""

    def __init__(self, browser_path: str | None):
        self.browser_path = browser_path
        before = {p.pid for p in psutil.Process().children()}
        self._playwright = sync_playwright().start()
        self.driver_pids = {p.pid for p in psutil.Process().children()} - before
        self.choice = resolve_browser(browser_path, self._playwright)
        self._browser = None

    def session(self) -> BrowserSession:
        if self._browser is None or not self._browser.is_connected():
            self._browser = launch(self._playwright, self.choice)
        return BrowserSession(self._browser, self.choice)

    def forget(self) -> None:
        """After a kill: the next site launches a new browser (the old object may not know yet it is dead)."""
        self._browser = None

    def close(self) -> None:
        """From the thread that started it: the browser, then the driver."""
        try:
            if self._browser is not None and self._browser.is_connected():
                self._browser.close()
        finally:
            self._playwright.stop()

    def kill_browser(self) -> None:
        """Ends the browser from any thread: every process under this Playwright's driver."""
        for pid in self.driver_pids:
            kill_tree(pid, include_root=False)


def kill_tree(pid: int, include_root: bool) -> None:
    try:
        root = psutil.Process(pid)
        victims = root.children(recursive=True) + ([root] if include_root else [])
    except psutil.Error:
        return
    for proc in victims:  # no waiting: their parent reaps them, and Playwright sees the pipe close at once
        try:
            proc.kill()
        except psutil.Error:  # already gone
            pass
