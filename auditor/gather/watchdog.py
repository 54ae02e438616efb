"""The watchdog: bounds every call the auditor makes to a page, even one blocked inside the browser.

The synchronous Playwright API blocks the calling thread until the browser answers; a page whose script
never yields (``while (true) {}``) never answers. Playwright's own event loop keeps running meanwhile, so
a timer on it is the one place a blocked call can still be ended: it stops the page's scripts (CDP
``Runtime.terminateExecution``), and closes the page ``KILL_GRACE_S`` later if that did not help.

Reaching that loop needs Playwright's private API (``_loop``, ``_impl_obj``). This module is the only
code in the project that touches it; ``PRIVATE_API`` names every attribute used, and
tests/test_watchdog.py pins them, so an upgrade that renames one fails loudly instead of leaving a hung
page unbounded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from auditor.gather.locate import PageGone, TargetNotFound

KILL_GRACE_S = 3.0  # after stopping a busy script, wait this long before closing the page

# (object, attribute path) for every private attribute below: what tests/test_watchdog.py pins.
PRIVATE_API = (("Page", "_loop"), ("Page", "_impl_obj.close"), ("CDPSession", "_impl_obj.send"))


class PrivateApiChanged(RuntimeError):
    """The installed Playwright no longer has an attribute the watchdog relies on."""


class PageHung(Exception):
    def __init__(self, what: str, seconds: float):
        super().__init__(f"the page stopped responding while {what}: its scripts kept it busy for more than "
                         f"{seconds:g} s, so the auditor stopped them")


def check_private_api(page: Page, cdp=None) -> None:
    """Raises PrivateApiChanged naming the first missing attribute and the installed Playwright."""
    objects = {"Page": page, "CDPSession": cdp}
    for owner, path in PRIVATE_API:
        obj = objects[owner]
        if obj is None:
            continue
        for part in path.split("."):
            if not hasattr(obj, part):
                raise PrivateApiChanged(f"{owner}.{path} is missing in playwright {version('playwright')}: the "
                                        f"watchdog (auditor/gather/watchdog.py) cannot bound a hung page; "
                                        f"update it for this version")
            obj = getattr(obj, part)


async def _quietly(coro) -> None:
    try:
        await coro
    except Exception:  # the page may already be gone; the watchdog has done what it could
        pass


class Watchdog:
    """Timers on the Playwright event loop that ``page`` belongs to (every page of one Playwright shares it)."""

    def __init__(self, page: Page):
        self._loop: asyncio.AbstractEventLoop = page._loop

    def after(self, seconds: float, callback: Callable[[], None]) -> asyncio.TimerHandle:
        """Runs ``callback`` on the event loop ``seconds`` from now; the handle's ``cancel()`` stops it."""
        return self._loop.call_later(max(seconds, 0), callback)

    def close_page(self, page: Page, reason: str, threadsafe: bool = False) -> None:
        """Closes ``page`` from the event loop, so a call blocked on it returns now. ``threadsafe`` for
        callers outside the loop's thread's current call (a signal handler)."""
        def close() -> None:
            self._loop.create_task(_quietly(page._impl_obj.close(False, reason)))

        if threadsafe:
            self._loop.call_soon_threadsafe(close)
        else:
            close()

    def stop_scripts(self, cdp) -> None:
        """Ends the script running in the page (its event loop goes on, so the page stays usable)."""
        if cdp is not None:
            self._loop.create_task(_quietly(cdp._impl_obj.send("Runtime.terminateExecution", None, None)))

    @contextmanager
    def bound(self, page: Page, cdp, seconds: float, what: str) -> Iterator[None]:
        """Runs a block that talks to ``page``; if it is still blocked after ``seconds``, stops the page's
        scripts, and ``KILL_GRACE_S`` later closes the page. Either way the block ends with PageHung."""
        fired: list[float] = []

        def terminate() -> None:
            fired.append(time.monotonic())
            self.stop_scripts(cdp)

        handles = [self.after(seconds, terminate),
                   self.after(seconds + KILL_GRACE_S,
                              lambda: self.close_page(page, f"the page did not respond while {what}"))]
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
