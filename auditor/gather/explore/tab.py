"""One page, driven like a person from a clean slate: load, settle, press, settle, look.

Every explored state is reached by replaying its click path from a clean slate, so states never leak
into each other: the tab's first load is in a fresh context; later loads (``restart``) clear the
context's cookies, the tab's session storage and, for every origin it talked to, local storage,
IndexedDB, cache storage and service workers, then load the page again in the same tab. That is the state of a fresh
context without starting a renderer per replay (the costliest step of a replay on a busy machine); if
anything stored survives the clearing, the tab falls back to a new context. The tab counts what it costs
(page loads, clicks) for the budget and the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from auditor.gather.explore.candidates import Candidate
from auditor.gather.explore.consent_ui import look
from auditor.gather.explore.fingerprint import fingerprint
from auditor.gather.explore.settle import (
    BUSY_JS,
    CLICK_MAX_S,
    LOAD_MAX_S,
    Requests,
    wait_until_settled,
)
from auditor.gather.explore.stored import changed, read_stored, same_choice
from auditor.gather.explore.view import Control, View, find_frame

CLICK_TIMEOUT_MS = 2500
NAVIGATION_TIMEOUT_MS = 20000


class PageFailed(Exception):
    """The page did not load: the exploration is incomplete."""


@dataclass
class Observation:
    view: View
    stored: dict[str, str]  # what changed since the page was loaded
    fp: str
    left: bool  # the page navigated to another document


@dataclass
class Costs:
    actions: int = 0
    page_loads: int = 0


def _same_document(a: str, b: str) -> bool:
    return a.split("#")[0] == b.split("#")[0]


class Tab:
    def __init__(self, browser: Browser, url: str, user_agent: str | None, locale: str | None, costs: Costs):
        self.url = url
        self.costs = costs
        kwargs = {"user_agent": user_agent} if user_agent else {}
        if locale:
            kwargs["locale"] = locale
        self.browser, self.context_options = browser, kwargs
        self._new_context()
        self.initial: dict[str, str] = {}
        self.first_initial: dict[str, str] | None = None  # what the first load found stored
        self.fp: str | None = None  # the state the page is in, when known

    def _new_context(self) -> None:
        self.context = self.browser.new_context(**self.context_options)
        self.context.add_init_script(BUSY_JS)
        self.requests = Requests(self.context)
        self.page = self.context.new_page()
        self.cdp = None

    def _clear(self) -> None:
        """Session storage belongs to the tab: cleared from inside each frame while the page is still there.
        Everything else an origin keeps goes through the browser (Storage.clearDataForOrigin)."""
        for frame in self.page.frames:
            try:
                frame.evaluate("() => { try { sessionStorage.clear(); } catch (e) {} }")
            except PlaywrightError:
                continue
        self.page.goto("about:blank")
        self.context.clear_cookies()
        if self.cdp is None:
            self.cdp = self.context.new_cdp_session(self.page)
        for origin in self.requests.origins:
            self.cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})

    def restart(self) -> Observation:
        """The page loaded again from a clean slate (see the module doc)."""
        self.fp = None
        try:
            self._clear()
            if self.context.cookies():
                raise PlaywrightError("cookies survived clearing")
        except PlaywrightError:
            self.close()
            self._new_context()
        obs = self.load()
        if not same_choice(self.initial, self.first_initial or {}):
            self.close()
            self._new_context()
            obs = self.load()
        return obs

    def load(self) -> Observation:
        self.costs.page_loads += 1
        try:
            response = self.page.goto(self.url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
        except PlaywrightError as error:
            raise PageFailed(str(error).splitlines()[0]) from error
        if response is not None and response.status >= 400:
            raise PageFailed(f"HTTP {response.status} for {self.url}")
        wait_until_settled(self.page, self.requests, LOAD_MAX_S)
        self.initial = read_stored(self.page)
        if self.first_initial is None:
            self.first_initial = self.initial
        return self.observe(self.initial)

    def observe(self, now_stored: dict[str, str] | None = None) -> Observation:
        view = look(self.page)
        stored = changed(self.initial, read_stored(self.page) if now_stored is None else now_stored)
        obs = Observation(view, stored, fingerprint(view, stored), not _same_document(self.page.url, self.url))
        self.fp = obs.fp
        return obs

    def _locate(self, control: Control):
        """The element at ``control``'s address (child indices through shadow roots) in its frame."""
        frame = find_frame(self.page, control.frame)
        if frame is None:
            return None
        handle = frame.evaluate_handle("""(hops) => { let root = document, el = null;
            for (const chain of hops) { if (!root) return null; let parent = root;
              for (const i of chain) { el = parent.children[i]; if (!el) return null; parent = el; }
              root = el.shadowRoot; } return el; }""", [list(h) for h in control.hops]).as_element()
        return handle

    def press(self, candidate: Candidate) -> bool:
        """Presses the candidate's control and waits for the page to settle; False if it could not be pressed."""
        self.costs.actions += 1
        self.fp = None
        try:
            handle = self._locate(candidate.control)
            if handle is None:
                handle = self._by_label(candidate.control)
            if handle is None:
                return False
            handle.click(timeout=CLICK_TIMEOUT_MS)
        except PlaywrightError:
            return False
        try:
            wait_until_settled(self.page, self.requests, CLICK_MAX_S)
        except PlaywrightError:
            pass  # navigating away: observe() will say so
        return True

    def _by_label(self, control: Control):
        """The control with the same label and role in the same frame and layer: a page that rebuilt its
        notice between the recorded press and this replay."""
        view = look(self.page)
        for c in view.controls:
            if c.identity == control.identity:
                return self._locate(c)
        return None

    def close(self) -> None:
        try:
            self.context.close()
        except PlaywrightError:
            pass
