"""The watchdog (auditor/gather/watchdog.py) is the only code on Playwright's private API, and it works.

A Playwright upgrade that renames ``_loop`` or ``_impl_obj``, or changes the private ``close`` / ``send``
signatures the watchdog calls, must fail here by name, not leave a hung page unbounded in production.
"""

from __future__ import annotations

import inspect
import re
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from auditor.gather.watchdog import (
    KILL_GRACE_S,
    PRIVATE_API,
    PageHung,
    PrivateApiChanged,
    Watchdog,
    check_private_api,
)

ROOT = Path(__file__).resolve().parent.parent
HUNG_BOUND_S = 1.0


@pytest.fixture(scope="module")
def browser():
    from auditor.gather.session import browser_session

    with browser_session() as session:
        yield session.browser


@pytest.fixture
def page_and_cdp(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<button>Object</button>")
    yield page, context.new_cdp_session(page)
    context.close()


def test_private_api_the_watchdog_uses_is_there(page_and_cdp):
    page, cdp = page_and_cdp
    check_private_api(page, cdp)  # raises PrivateApiChanged naming the attribute and the version
    pinned = {"Page._impl_obj.close": (page._impl_obj.close, ["run_before_unload", "reason"]),
              "CDPSession._impl_obj.send": (cdp._impl_obj.send, ["method", "params", "timeout"])}
    for name, (method, params) in pinned.items():
        got = list(inspect.signature(method).parameters)
        assert got == params, (f"{name} takes {got} in playwright {version('playwright')}, the watchdog passes "
                               f"{params} positionally: update auditor/gather/watchdog.py")


def test_a_missing_private_attribute_is_named_with_the_version():
    class NoLoop:
        _impl_obj = object()

    with pytest.raises(PrivateApiChanged) as caught:
        check_private_api(NoLoop())
    message = str(caught.value)
    assert "Page._loop" in message and f"playwright {version('playwright')}" in message


def test_no_other_module_touches_private_playwright_api():
    private = re.compile(r"\._loop\b|\b_impl_obj\b|\._dispatcher_fiber\b|\._channel\b")
    offenders = [f"{path.relative_to(ROOT)}:{n}"
                 for folder in ("auditor", "heuristics") for path in sorted((ROOT / folder).rglob("*.py"))
                 if path.name != "watchdog.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if private.search(line)]
    assert offenders == []
    assert {attr.split(".")[0] for _, attr in PRIVATE_API} == {"_loop", "_impl_obj"}


def test_a_page_stuck_in_a_busy_loop_is_stopped_within_its_bound(page_and_cdp):
    page, cdp = page_and_cdp
    started = time.monotonic()
    with pytest.raises(PageHung, match="spinning"), Watchdog(page).bound(page, cdp, HUNG_BOUND_S, "spinning"):
        page.evaluate("() => { while (true) {} }")
    seconds = time.monotonic() - started
    assert HUNG_BOUND_S <= seconds < HUNG_BOUND_S + KILL_GRACE_S, seconds
    # Stopping the script kept the page: it answers again.
    assert not page.is_closed() and page.evaluate("1 + 1") == 2


def test_without_cdp_the_page_is_closed_after_the_grace(page_and_cdp):
    page, _ = page_and_cdp
    started = time.monotonic()
    with pytest.raises(PageHung), Watchdog(page).bound(page, None, HUNG_BOUND_S, "spinning"):
        page.evaluate("() => { while (true) {} }")
    seconds = time.monotonic() - started
    assert seconds < HUNG_BOUND_S + KILL_GRACE_S + 3, seconds
    assert page.is_closed()


def test_a_block_that_ends_in_time_is_left_alone(page_and_cdp):
    page, cdp = page_and_cdp
    with Watchdog(page).bound(page, cdp, HUNG_BOUND_S, "reading"):
        assert page.evaluate("() => 42") == 42
    time.sleep(HUNG_BOUND_S + 0.2)  # the cancelled timers must not fire later
    assert page.evaluate("() => document.querySelector('button').textContent") == "Object"
