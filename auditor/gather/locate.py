"""Finding the element a flow step names, the way a person would.

Exact whole-text matches beat case-insensitive substring matches; only visible elements count; open
shadow roots (Playwright's locators pierce them) and every frame are searched, main frame first. When
several elements match equally, the first in document order is taken and the ambiguity is reported,
not raised: a person would also just take the first "Accept".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import ElementHandle, Frame, Page
from playwright.sync_api import Locator as PwLocator

from auditor.flow.spec import Locator


class TargetNotFound(Exception):
    pass


class BadLocator(TargetNotFound):
    """The locator itself is wrong (an invalid CSS selector): bad input, not a page that does not fit."""


class PageGone(Exception):
    """The page was closed (by itself, by a crash or by the auditor's watchdog) while looking."""


@dataclass
class Target:
    locator: PwLocator
    frame: Frame
    matches: int
    warnings: list[str] = field(default_factory=list)
    # The first match's handle, when the lookup got it anyway (main frame): the snapshot names the target by
    # it, so the selector (an accessible-name search over the whole page) is not resolved once more.
    handle: ElementHandle | None = None


def _candidates(frame: Frame, loc: Locator, exact: bool) -> PwLocator:
    if loc.text is not None:
        found = frame.get_by_text(loc.text, exact=exact)
    elif loc.role is not None:
        found = (frame.get_by_role(loc.role, name=loc.name, exact=exact) if loc.name is not None
                 else frame.get_by_role(loc.role))
    elif loc.label is not None:
        found = frame.get_by_label(loc.label, exact=exact)
    elif loc.placeholder is not None:
        found = frame.get_by_placeholder(loc.placeholder, exact=exact)
    elif loc.testid is not None:
        found = frame.get_by_test_id(loc.testid)
    else:
        found = frame.locator(loc.css or "")
    return found.filter(visible=True)


def _exactness(loc: Locator) -> list[bool]:
    if loc.css is not None or loc.testid is not None or (loc.role is not None and loc.name is None):
        return [True]
    if loc.exact is not None:
        return [loc.exact]
    return [True, False]


def find_once(page: Page, loc: Locator, keep_handle: bool = False) -> Target | None:
    """The visible matches of ``loc`` now, main frame first; ``keep_handle``: also the first match's handle
    in the main frame (the caller disposes of it)."""
    if page.is_closed():
        raise PageGone("the page was closed")
    for exact in _exactness(loc):
        for frame in page.frames:
            try:
                found = _candidates(frame, loc, exact)
                handles = found.element_handles() if keep_handle and frame is page.main_frame else None
                n = len(handles) if handles is not None else found.count()
                for extra in (handles or [])[1:]:  # rare: an ambiguous locator
                    extra.dispose()
            except PlaywrightError as exc:
                if frame is not page.main_frame:  # a detached child frame: nothing a person could click
                    continue
                if "context was destroyed" in str(exc):  # the page is navigating: look again once it has
                    return None
                if loc.css is not None and "selector" in str(exc).lower():
                    raise BadLocator(f"css {loc.css!r} is not a valid CSS selector") from None
                raise  # the page itself failed (crashed, closed): not a question of the locator
            if n:
                warnings = []
                if n > 1:
                    warnings.append(f"{n} visible elements match {loc.describe()}; took the first in document order")
                if not exact and len(_exactness(loc)) > 1:
                    warnings.append(f"no exact match for {loc.describe()}; used a case-insensitive partial match")
                return Target(found.first, frame, n, warnings, handles[0] if handles else None)
    return None


def find(page: Page, loc: Locator, timeout_s: float, check: Callable[[], None] | None = None,
         keep_handle: bool = False) -> Target:
    """Waits up to ``timeout_s`` for a visible match, so late-rendered controls are found.

    ``check`` is called before every attempt; it raises to end the wait early (the run was interrupted).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if check is not None:
            check()
        target = find_once(page, loc, keep_handle)
        if target is not None:
            return target
        if time.monotonic() >= deadline:
            raise TargetNotFound(f"no visible element matches {loc.describe()} (waited {timeout_s:g} s)")
        time.sleep(0.1)
