"""A worker's browser, kept alive across the sites it runs, and the deadline that bounds one site.

A dask worker runs one site at a time (one thread). Launching Chromium costs about a second, so the thread
keeps its browser (auditor.gather.kept_browser) between sites; every path still opens a fresh context. A
site that hangs cannot be stopped from inside a sync Playwright call, so the deadline runs on a timer
thread and kills this thread's Chromium: the blocked call fails at once, the site is recorded as timed
out, and the next site gets a freshly launched browser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from distributed.diagnostics.plugin import WorkerPlugin

from auditor.gather.kept_browser import KeptBrowser, kill_tree

_local = threading.local()


def worker_browser(browser_path: str | None) -> KeptBrowser:
    """The calling thread's browser (one sync Playwright belongs to the thread that started it). A worker of
    a long-lived cluster outlives a batch; the next batch may name another browser."""
    cached: KeptBrowser | None = getattr(_local, "browser", None)
    if cached is None or cached.browser_path != browser_path:
        if cached is not None:
            cached.close()
            _started.remove(cached)
        cached = _local.browser = KeptBrowser(browser_path)
        _started.append(cached)
    return cached


_started: list[KeptBrowser] = []  # every thread's browser in this process, for the teardown


def kill_all() -> None:
    """The worker's teardown: every Playwright driver this process started, and its browser."""
    for browser in _started:
        for pid in browser.driver_pids:
            kill_tree(pid, include_root=True)
    _started.clear()


@dataclass
class Deadline:
    seconds: float
    expired: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def deadline(seconds: float, browser: KeptBrowser) -> Iterator[Deadline]:
    """Kills ``browser``'s Chromium if the block is still running after ``seconds``."""
    state = Deadline(seconds)
    done = threading.Event()

    def expire() -> None:
        with state._lock:  # held through the kill, so the block's end waits for it
            if not done.is_set():
                state.expired = True
                browser.kill_browser()

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield state
    finally:
        with state._lock:
            done.set()
        timer.cancel()
        if state.expired:
            browser.forget()


class BrowserTeardown(WorkerPlugin):
    """A dask WorkerPlugin: when the worker closes, its Playwright drivers and browsers go with it."""

    name = "consent-audit-browsers"

    def teardown(self, worker) -> None:
        kill_all()
