"""Acting like a person: wait for the page to settle, notice a click that did nothing, use the switch one sees.

Consent scripts paint their banner before they attach its handlers, fade their layers in, and hide their
checkboxes under styled sliders. A script that clicks at once, measures mid-fade and clicks the hidden
input gets a different page from the one a person gets, and the audit then blames the page for the
auditor's haste. So the driver asks this module to:

- **settle** before it captures a page, until running finite animations and transitions have ended (at
  most ``ANIMATION_MAX_S``; infinite ones, spinners, are ignored), and before it acts on a page it has not
  acted on yet, until no request has been in flight and the DOM has not changed for ``QUIET_S`` (at most
  ``SETTLE_MAX_S``; requests open longer than ``LONG_REQUEST_S``, streams and long polls, are ignored) and
  no short timer of the page is pending: a library still building its banner, or waiting in a timer
  before it attaches its handlers, is not ready for a click. The quiet window runs while
  the page is captured, and the capture is taken again if a request started or the DOM changed meanwhile,
  so a static page pays for the window once, not on top of its capture;
- **click** and, when the click changed nothing at all (no DOM mutation in any frame or shadow root, no
  URL, storage, cookie or checked-state change, no request, dialog, load or new tab) within
  ``RETRY_AFTER_S``, click once more (if the target is still there), as a person would after a second,
  and say so;
- **toggle** (``check`` / ``uncheck``) through what a person sees: the label the flow names, the visible
  switch covering a visually hidden input, or the input's label; then verify the state changed.
"""

from __future__ import annotations

import time
from typing import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

SETTLE_MAX_S = 2.0  # network quiet: the longest wait before acting on a page not yet acted on
QUIET_S = 0.2  # network quiet means no request in flight for this long
LONG_REQUEST_S = 1.0  # a request open longer than this (a stream, a long poll) does not keep the page busy
ANIMATION_MAX_S = 1.0  # the longest wait for running finite animations/transitions before a capture
RETRY_AFTER_S = 1.0  # a click that changed nothing: wait this long for an effect, then click once more
POLL_S = 0.05
_LATEST_NEWS_S = 1.0  # a request's own end time is trusted when it is at most this long before Python heard of it
_WAKE_S = 0.005  # a wait for the page to become quiet ends this long after the earliest moment it can be

# Counts DOM mutations per document, shadow roots included (a document's observer does not see into them,
# so attachShadow is wrapped to observe each new root); installed in every frame of a path's context. A
# click that mutates nothing anywhere, and changes nothing else, did not reach the page's handlers.
# The auditor's own traces are not counted: a <style> added or removed on its own (the snapshot's probe)
# and the style attribute of text fields (Playwright hides their caret during a screenshot).
# It also keeps the page's short timers (setTimeout of at most SHORT_TIMER_MS) that have not run yet: a
# library that paints its banner and attaches the click handlers in a timer (tarteaucitron waits 500 ms)
# leaves the DOM quiet while it is not ready, so the page is quiet only when no such timer is pending.
# __consentAuditQuietMs is how long the page has been quiet (since its DOM last changed or a short timer
# last ran), or minus the ms until its last pending short timer is due.
SHORT_TIMER_MS = 1000
WATCH_JS = """(() => { let n = 0, last = 0; const due = new Map();
  const ours = m => (m.type === 'childList' && [...m.addedNodes, ...m.removedNodes].every(x => x.nodeName === 'STYLE')) ||
    (m.type === 'attributes' && m.attributeName === 'style' && ['INPUT', 'TEXTAREA'].includes(m.target.nodeName));
  const observe = root => { try { new MutationObserver(r => { for (const m of r) if (!ours(m)) { n += 1; last = performance.now(); } }).observe(root,
          {subtree: true, childList: true, attributes: true, characterData: true}); } catch (e) {} };
  observe(document);
  try { const attach = Element.prototype.attachShadow;
        Element.prototype.attachShadow = function (...args) { const root = attach.apply(this, args);
          observe(root); return root; }; } catch (e) {}
  try { const set = window.setTimeout, clear = window.clearTimeout;
        const native = f => { try { Object.defineProperty(f, 'toString', {value: set.toString.bind(set)}); } catch (e) {} return f; };
        window.setTimeout = native(function setTimeout(fn, ms, ...args) {
          const wait = Number(ms) || 0;
          if (typeof fn !== 'function' || wait > %(short)d) return set.call(window, fn, ms, ...args);
          const id = set.call(window, function () { due.delete(id); last = Math.max(last, performance.now());
                                                    return fn.apply(this, arguments); }, ms, ...args);
          due.set(id, performance.now() + wait); return id; });
        window.clearTimeout = native(function clearTimeout(id) { due.delete(id); return clear.call(window, id); }); }
  catch (e) {}
  try { Object.defineProperty(window, '__consentAuditMutations', { get: () => n, configurable: false });
        Object.defineProperty(window, '__consentAuditQuietMs', { configurable: false, get: () => {
          const now = performance.now(); let busy = 0;
          for (const t of due.values()) busy = Math.max(busy, t - now, 1);
          return busy ? -busy : now - last; } }); }
  catch (e) {} })();""" % {"short": SHORT_TIMER_MS}
MUTATIONS_JS = "() => window.__consentAuditMutations || 0"  # DOM changes so far (WATCH_JS)
# How long (ms, the page's own clock) the page has been quiet, negative while a short timer is pending
# (null where the watcher could not be installed), and its DOM changes so far: one round trip for both.
_DOM_QUIET_JS = f"""() => [typeof window.__consentAuditQuietMs === 'number' ? window.__consentAuditQuietMs : null,
  ({MUTATIONS_JS})()]"""

# What a click could change in one document besides its DOM: cookies, storage, and checked states (a
# property, not an attribute, so no mutation). Cookies the page cannot read (HttpOnly) come with a
# response, which the request counter sees. A 32-bit hash keeps the round trip small.
_DOCUMENT_STATE_JS = """() => { let s = '';
  try { s += document.cookie + '|'; } catch (e) {}
  try { for (const st of [localStorage, sessionStorage])
          for (let i = 0; i < st.length; i++) { const k = st.key(i); s += k + '=' + st.getItem(k) + ';'; } }
  catch (e) {}
  try { s += '|' + document.querySelectorAll(':checked').length; } catch (e) {}
  let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return [window.__consentAuditMutations || 0, h]; }"""

# The longest time (ms) still to run of the document's running finite animations and transitions.
RUNNING_ANIMATIONS_JS = """() => { let longest = 0;
  try { for (const a of document.getAnimations()) {
    if (a.playState !== 'running' || !a.effect) continue;
    const t = a.effect.getComputedTiming();
    if (!isFinite(t.endTime) || t.localTime === null) continue;
    longest = Math.max(longest, (t.endTime - t.localTime) / Math.abs(a.playbackRate || 1)); } }
  catch (e) {}
  return longest; }"""

_TOGGLE_HELPERS = """
  const isToggle = e => !!e && ((e.tagName === 'INPUT' && ['checkbox', 'radio'].includes(e.type)) ||
    (['switch', 'checkbox', 'menuitemcheckbox'].includes(e.getAttribute('role') || '') && e.hasAttribute('aria-checked')));
  const controlOf = el => {
    if (isToggle(el)) return el;
    if (el.tagName === 'LABEL' && isToggle(el.control)) return el.control;
    const label = el.closest('label');
    if (label && isToggle(label.control)) return label.control;
    return el.querySelector('input[type=checkbox], input[type=radio], [role=switch][aria-checked], [role=checkbox][aria-checked]');
  };
  const checkedOf = c => c.tagName === 'INPUT' ? c.checked : c.getAttribute('aria-checked') === 'true';
"""

# The toggle the target names (itself, the control of its label, or the one inside it) and its state.
_TOGGLE_STATE_JS = f"""el => {{ {_TOGGLE_HELPERS}
  const c = controlOf(el); return c ? checkedOf(c) : null; }}"""

# What a person would click to flip the toggle, and how it was chosen: the label the flow named; the
# control itself when it is shown and on top; else the visible element covering the control's centre
# (a styled slider; not a container of the control), else the control's visible label, else a visible
# sibling (a slider beside an input nobody labelled).
_PERSON_TARGET_JS = f"""el => {{ {_TOGGLE_HELPERS}
  const c = controlOf(el); if (!c) return null;
  const shown = e => {{ const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    let o = 1; for (let a = e; a && a.nodeType === 1; a = a.parentElement) o *= parseFloat(getComputedStyle(a).opacity) || 0;
    return r.width >= 4 && r.height >= 4 && s.visibility !== 'hidden' && o > 0.1 &&
      !/rect\\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\\)/.test(s.clip) && s.clipPath !== 'inset(50%)'; }};
  if (el !== c && el.closest('label') && shown(el)) return [el, 'its label'];
  if (c.scrollIntoViewIfNeeded) c.scrollIntoViewIfNeeded(); else c.scrollIntoView({{block: 'center'}});
  const r = c.getBoundingClientRect(), root = c.getRootNode();
  const at = (root.elementFromPoint ? root : document).elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  if (shown(c) && at && (at === c || c.contains(at))) return [c, 'itself'];
  const near = at && !at.contains(c) &&
    (Array.from(c.labels || []).some(l => l.contains(at)) || (c.parentElement && c.parentElement.contains(at)));
  if (near && shown(at)) return [at, 'the visible switch covering it'];
  for (const l of Array.from(c.labels || [])) if (shown(l)) return [l, 'its label'];
  for (const s of [c.nextElementSibling, c.previousElementSibling]) if (s && shown(s)) return [s, 'the visible switch beside it'];
  if (el !== c && shown(el)) return [el, 'the element the flow names'];
  return null; }}"""


def _mutations(page: Page) -> int | None:
    """DOM changes the page has made so far (WATCH_JS); None while the document is being replaced or gone
    (the driver's own checks say why)."""
    try:
        return page.evaluate(MUTATIONS_JS)
    except PlaywrightError:
        return None


def _dom_quiet_s(page: Page, since_s: float) -> tuple[float, int | None]:
    """How long (s) the page has been quiet (WATCH_JS, the page's own clock: since its DOM last changed or
    a short timer last ran; negative, minus the time until it is due, while a short timer is pending;
    without the watcher, the time since ``since_s``, monotonic), and its DOM changes so far (as ``_mutations``); (0, None)
    while the document is being replaced."""
    try:
        quiet_ms, mutations = page.evaluate(_DOM_QUIET_JS)
    except (PlaywrightError, TypeError, ValueError):
        return 0.0, None
    if not isinstance(quiet_ms, (int, float)):
        return time.monotonic() - since_s, mutations
    return quiet_ms / 1000, mutations


class ToggleFailed(Exception):
    def __init__(self, failure: str, reason: str):
        super().__init__(reason)
        self.failure, self.reason = failure, reason


class _Network:
    """Requests in flight in a browser context, and when the last one started or ended."""

    def __init__(self, context) -> None:
        self.open: dict = {}
        self.started = 0
        self.last_change = time.monotonic()
        self._listeners = (("request", self._start), ("requestfinished", self._end), ("requestfailed", self._end))
        for event, handler in self._listeners:
            context.on(event, handler)

    def detach(self, context) -> None:
        for event, handler in self._listeners:
            context.remove_listener(event, handler)

    def _start(self, request) -> None:
        self.open[request] = time.monotonic()
        self.started += 1
        self.last_change = time.monotonic()

    def _end(self, request) -> None:
        self.open.pop(request, None)
        self.last_change = max(self.last_change, _ended_at(request))

    def quiet_in(self) -> float:
        """Seconds until the network can be quiet at the earliest (0: it is quiet now). A request ending or
        starting meanwhile only pushes that later; one in flight may end any moment, so it says POLL_S."""
        now = time.monotonic()
        if any(now - since < LONG_REQUEST_S for since in self.open.values()):
            return POLL_S
        return max(0.0, self.last_change + QUIET_S - now)


def _ended_at(request) -> float:
    """When ``request`` ended (monotonic clock), by the browser's own timing where it has one: on a busy
    machine the event reaches Python late, and the quiet window counts from the end, not from the news
    of it. Without a response (a failed request), or with a clock that disagrees, the time it was heard."""
    now = time.monotonic()
    try:
        timing = request.timing
        if timing["startTime"] > 0 and timing["responseEnd"] >= 0:
            ago = time.time() - (timing["startTime"] + timing["responseEnd"]) / 1000
            if 0 < ago <= _LATEST_NEWS_S:
                return now - ago
    except (PlaywrightError, KeyError, TypeError):
        pass
    return now


class Person:
    """One path's person: settles pages, notices clicks that did nothing, flips switches it can see."""

    def __init__(self, context, touch: bool = False) -> None:
        self.network = _Network(context)
        self.fresh = True  # the current page has not been acted on yet: wait for its network to go quiet
        self.touch = touch  # a phone or tablet: a person taps (touch events), not clicks with a mouse

    def press(self, target, timeout_ms: float) -> None:
        """A tap on a touch screen, a mouse click elsewhere: pages that listen only to touch events get them."""
        if self.touch:
            target.tap(timeout=timeout_ms)
        else:
            target.click(timeout=timeout_ms)

    def detach(self, context) -> None:
        """Stops listening to ``context`` (one the pytest plugin records in belongs to the test)."""
        self.network.detach(context)

    # --- settling -----------------------------------------------------------------------------------

    def mark(self, page: Page) -> tuple:
        """What a capture taken now is compared against: requests started and DOM changes so far, and when."""
        return (self.network.started, _mutations(page), time.monotonic())

    def quiet_down(self, page: Page, since: tuple, bound_s: float) -> bool:
        """On a page not yet acted on, waits (bounded) until no request has been in flight and the DOM has
        not changed for QUIET_S: a consent script still building its banner is not ready for a click, and
        its changes would pass for the click's effect. True when the page changed after ``since`` (a
        ``mark``), so its capture must be taken again."""
        if not self.fresh:
            return False
        deadline = time.monotonic() + min(bound_s, SETTLE_MAX_S)
        now = None  # (requests started, DOM changes) when the page was found quiet
        while time.monotonic() < deadline:
            # The page's own clock says when its DOM last changed, so a page built well before the
            # capture began needs no further wait (the capture overlaps the quiet window).
            wait_s = self.network.quiet_in()
            if wait_s <= 0:
                quiet_s, mutations = _dom_quiet_s(page, since[2])
                if quiet_s >= QUIET_S:
                    now = (self.network.started, mutations)
                    break
                wait_s = QUIET_S - quiet_s if mutations is not None else POLL_S
            # Until the earliest moment the page can be quiet (a change meanwhile only pushes it later):
            # no poll interval is added to the quiet window.
            page.wait_for_timeout(max(0.0, min(wait_s + _WAKE_S, deadline - time.monotonic())) * 1000)
        self.fresh = False
        return (now or self.mark(page)[:2]) != since[:2]

    def settle(self, page: Page, frame: Frame | None, bound_s: float) -> None:
        """Waits (bounded) until running finite animations and transitions on the page and in ``frame``
        have ended, so a layer fading in is captured as a person sees it."""
        deadline = time.monotonic() + min(bound_s, ANIMATION_MAX_S)
        for f in dict.fromkeys(x for x in (page.main_frame, frame) if x is not None):
            while time.monotonic() < deadline:
                try:
                    left_ms = f.evaluate(RUNNING_ANIMATIONS_JS)
                except PlaywrightError:
                    if page.is_closed():
                        raise
                    break  # a detached frame has nothing left to animate
                if not isinstance(left_ms, (int, float)) or left_ms <= 0:
                    break
                page.wait_for_timeout(min(left_ms + 20, (deadline - time.monotonic()) * 1000))

    # --- clicks that change nothing ------------------------------------------------------------------

    def _state(self, page: Page, events: Callable[[], tuple]) -> tuple:
        docs = []
        for f in page.frames:
            try:
                docs.append(tuple(f.evaluate(_DOCUMENT_STATE_JS)))
            except PlaywrightError:
                docs.append(None)  # detached or navigating: compared like any other change
        return (page.url, tuple(docs), self.network.started, events())

    def _changed_without_asking(self, page: Page, before: tuple, events: Callable[[], tuple]) -> bool:
        """The parts of ``_state`` known without a round trip to the page (URL, requests, the driver's
        counters): a click that navigated or sent a request needs no look into the documents."""
        return page.url != before[0] or self.network.started != before[2] or events() != before[3]

    def _changed_within(self, page: Page, before: tuple, events: Callable[[], tuple], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            if page.is_closed() or self._changed_without_asking(page, before, events) or \
                    self._state(page, events) != before:
                return True
            if time.monotonic() >= deadline:
                return False
            page.wait_for_timeout(POLL_S * 2000)

    def click(self, page: Page, locator, timeout_s: float, events: Callable[[], tuple]) -> str | None:
        """Clicks; if nothing at all changed within RETRY_AFTER_S, clicks once more. Returns why it
        retried (and what came of it), or None when the first click took effect.

        ``events`` returns the driver's own counters (dialogs, loads, new tabs) so they count as changes.
        A target that is no longer visible is not clicked again: its click did something we did not see.
        """
        before = self._state(page, events)
        self.press(locator, timeout_s * 1000)
        if self._changed_within(page, before, events, RETRY_AFTER_S):
            return None
        try:
            if not locator.is_visible():
                return None
        except PlaywrightError:
            return None
        self.press(locator, timeout_s * 1000)
        took = self._changed_within(page, before, events, RETRY_AFTER_S)
        return (f"the click changed nothing within {RETRY_AFTER_S:g} s (no DOM, URL, storage, cookie or "
                f"checked-state change, no request, dialog or navigation), so it was clicked once more, as a "
                f"person would; " + ("the second click took effect" if took else "the second click changed "
                                     "nothing either"))

    # --- switches ---------------------------------------------------------------------------------------

    def toggle(self, locator, want: bool, timeout_s: float) -> str | None:
        """Sets a checkbox or switch to ``want`` by clicking what a person sees, then verifies it.

        Returns a note when it clicked something other than the control itself; raises ToggleFailed when
        the target is no toggle, nothing visible flips it, or the state did not change.
        """
        ms = timeout_s * 1000
        verb = "check" if want else "uncheck"
        state = locator.evaluate(_TOGGLE_STATE_JS, timeout=ms)
        if state is None:
            raise ToggleFailed("flow-mismatch", f"{verb}: the target is not a checkbox or switch, nor the label "
                                                f"of one")
        if state == want:
            return None
        chosen = locator.evaluate_handle(_PERSON_TARGET_JS, timeout=ms)
        try:
            proxy = chosen.evaluate_handle("p => p && p[0]").as_element()
            how = chosen.evaluate("p => p && p[1]")
            if proxy is None:
                raise ToggleFailed("page-fault", f"{verb}: the checkbox is hidden and neither a visible switch nor "
                                                 f"a visible label belongs to it, so a person could not {verb} it")
            for attempt in (1, 2):
                self.press(proxy, ms)
                deadline = time.monotonic() + RETRY_AFTER_S
                while locator.evaluate(_TOGGLE_STATE_JS, timeout=ms) != want and time.monotonic() < deadline:
                    time.sleep(POLL_S)
                if locator.evaluate(_TOGGLE_STATE_JS, timeout=ms) == want:
                    break
            else:
                raise ToggleFailed("page-fault", f"{verb}: clicked {how} twice, {RETRY_AFTER_S:g} s apart, but the "
                                                 f"switch stayed {'un' if want else ''}checked")
        finally:
            chosen.dispose()
        notes = []
        if how != "itself":
            notes.append(f"{verb}: the control is not the visible part of the switch; clicked {how}")
        if attempt == 2:
            notes.append(f"{verb}: the first click did not flip the switch within {RETRY_AFTER_S:g} s; clicked again")
        return "; ".join(notes) or None
