"""Waiting like a person before acting: until the page has stopped preparing its consent notice.

Consent scripts paint a banner and attach its handlers later (``setTimeout(..., 400)``), fade layers in
and fetch their texts after ``load``. A click before that does nothing, and the explorer would wrongly
conclude a control is dead. Instead of a fixed pause (slow on every page, too short on some), an init
script counts what the page still has pending: short timers (``setTimeout`` up to ``SHORT_TIMER_MS``; a
longer one, an interval, or timers firing ``LOOP_FIRINGS_PER_S`` times a second, a framework's scheduler
or a poll, are not preparation), DOM mutations (open shadow roots included), running
finite animations; the context counts requests in flight. The page is settled when nothing is pending
and the DOM has been still for ``QUIET_S``, bounded by ``LOAD_MAX_S`` after a load and ``CLICK_MAX_S``
after a click (person.py does the same for scripted flows).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

SHORT_TIMER_MS = 2500
LOOP_FIRINGS_PER_S = 10  # timers firing this often are a loop, not a page getting ready
QUIET_S = 0.12
LOAD_MAX_S = 4.0
CLICK_MAX_S = 2.5
POLL_S = 0.05

BUSY_JS = """(() => { if (window.__exploreBusy) return;
  let mutations = 0; const pending = new Map();  // timer id -> when it is due
  const observe = (root) => { try { new MutationObserver((r) => { mutations += r.length; })
    .observe(root, {subtree: true, childList: true, attributes: true, characterData: true}); } catch (e) {} };
  observe(document);
  try { const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (...a) { const r = attach.apply(this, a); observe(r); return r; }; } catch (e) {}
  const set = window.setTimeout;
  const fired = [];  // when timers fired lately: many per second is a loop (a framework's scheduler, a poll)
  window.setTimeout = function (fn, ms, ...rest) {
    const delay = Number(ms) || 0;
    if (typeof fn !== 'function') return set.call(window, fn, ms, ...rest);
    let id = null;
    id = set.call(window, function () { pending.delete(id); fired.push(performance.now());
      if (fired.length > 50) fired.shift(); return fn.apply(this, arguments); }, ms, ...rest);
    if (delay <= __SHORT_TIMER_MS__) pending.set(id, performance.now() + delay);
    return id; };
  for (const name of ['clearTimeout', 'clearInterval']) {  // ids are shared: pages clear timeouts with either
    const clear = window[name];
    window[name] = function (id) { pending.delete(id); return clear.call(window, id); };
  }
  // A timer counts until shortly after it is due: one cleared some other way must not keep the page busy.
  const due = () => { const now = performance.now(); let n = 0;
    if (fired.filter((t) => t > now - 1000).length >= __LOOP_FIRINGS__) return 0;
    for (const [id, at] of pending) { if (at + 250 < now) pending.delete(id); else n += 1; } return n; };
  Object.defineProperty(window, '__exploreBusy', {value: () => ({timers: due(), mutations}), configurable: false});
})();""".replace("__SHORT_TIMER_MS__", str(SHORT_TIMER_MS)).replace("__LOOP_FIRINGS__", str(LOOP_FIRINGS_PER_S))


class Requests:
    """Requests in flight in one browser context (long ones, streams and polls, are not waited for), and
    every origin the context has talked to (whose storage a restart must clear)."""

    LONG_S = 1.5

    def __init__(self, context) -> None:
        self.open: dict = {}
        self.origins: set[str] = set()
        context.on("request", self._start)
        context.on("requestfinished", lambda r: self.open.pop(r, None))
        context.on("requestfailed", lambda r: self.open.pop(r, None))

    def _start(self, request) -> None:
        self.open[request] = time.monotonic()
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            self.origins.add(f"{parts.scheme}://{parts.netloc}")

    def busy(self) -> bool:
        now = time.monotonic()
        return any(now - since < self.LONG_S for since in self.open.values())


def _busy_state(page: Page) -> tuple:
    """(pending timers, mutation count, animating) summed over the page's frames."""
    timers = mutations = 0
    animating = False
    for frame in page.frames:
        try:
            t, m, a = frame.evaluate("""() => { const b = window.__exploreBusy ? window.__exploreBusy() : {timers: 0, mutations: 0};
              let a = false; try { a = document.getAnimations().some((x) => x.playState === 'running' && x.effect &&
                isFinite(x.effect.getComputedTiming().endTime)); } catch (e) {}
              return [b.timers, b.mutations, a]; }""")
        except PlaywrightError:
            continue  # a frame going away is part of the change being waited out
        timers, mutations, animating = timers + t, mutations + m, animating or a
    return timers, mutations, animating


def wait_until_settled(page: Page, requests: Requests, bound_s: float) -> float:
    """Blocks until the page is settled (see module doc) or ``bound_s`` passed; returns seconds waited."""
    start = time.monotonic()
    deadline = start + bound_s
    last_mutations, still_since = None, time.monotonic()
    while time.monotonic() < deadline:
        timers, mutations, animating = _busy_state(page)
        now = time.monotonic()
        if mutations != last_mutations:
            last_mutations, still_since = mutations, now
        if not timers and not animating and not requests.busy() and now - still_since >= QUIET_S:
            break
        page.wait_for_timeout(POLL_S * 1000)
    return time.monotonic() - start
