"""Ground truth for the explorer: an exhaustive breadth-first search over a consent page's click paths.

The explorer (issue 12) must find the *shortest* refusal and acceptance paths. To test that claim, the
minimal click counts recorded in ``fixtures/explore/expected.yaml`` must be proved independently of the
explorer: this module tries every visible, enabled clickable element (buttons, links, ``role=button`` /
``switch``, checkboxes and radios, labels of hidden checkboxes) in the page, its frames (same- and
cross-origin) and open shadow roots, level by level, and reports the first depth at which the stored
choice is a refusal (every non-essential purpose false) and an acceptance (every purpose true).

Deliberately simple rather than clever, so it can be trusted:
- a state is the sequence of clicks from a fresh load, replayed in a fresh browser context (fresh cookies
  and storage) whenever the page has moved away from it;
- states are de-duplicated by a fingerprint of the visible text (shadow roots included), every
  checkbox/radio state and the decoded stored choice;
- a click that leaves the state unchanged is a self-loop: the page is still in the parent state, so the
  next candidate is tried there without a replay (the one speed-up, sound under the fingerprint);
- links to another document are skipped (the consent UI lives on this page); the search is pruned at
  ``max_depth`` clicks and ``max_states`` states.

Only the server and browser helpers come from the auditor, so the oracle shares no logic with the
explorer it judges.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from auditor.gather.browser import launch, ordinary_user_agent, resolve_browser
from auditor.gather.server import serve_folder

# Collects, for one frame, every clickable a person could press now. Each candidate is addressed by its
# path: child-element indices from the document, with a new list after every hop into an open shadow
# root, so a fresh replay can find the same element again.
_ENUMERATE_JS = r"""
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 4 || r.height < 4) return false;
    return el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const enabled = (el) => !el.disabled && el.getAttribute('aria-disabled') !== 'true'
    && !el.closest('fieldset[disabled]');
  const reachable = (el) => {  // not covered by an overlay (scrolled into view to check, as a click would)
    let r = el.getBoundingClientRect();
    const offScreen = (box) => box.left + box.width / 2 < 0 || box.top + box.height / 2 < 0 ||
      box.left + box.width / 2 >= innerWidth || box.top + box.height / 2 >= innerHeight;
    if (offScreen(r)) {
      const saved = [scrollX, scrollY];
      el.scrollIntoView({block: 'center', inline: 'center'});
      r = el.getBoundingClientRect();
      const covered = offScreen(r) || !hitsItself(el, r);
      scrollTo(saved[0], saved[1]);
      return !covered;
    }
    return hitsItself(el, r);
  };
  const hitsItself = (el, r) => {
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    let hit = el.getRootNode().elementFromPoint(x, y);
    while (hit && hit.shadowRoot && hit !== el) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    return !!hit && (hit === el || el.contains(hit) || hit.contains(el) ||
                     (el.labels && [...el.labels].some(l => l.contains(hit))));
  };
  const leavesPage = (el) => {
    if (el.tagName !== 'A' || !el.hasAttribute('href')) return false;
    if (el.target && el.target !== '_self') return true;
    if (el.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) return false;
    return el.href.split('#')[0] !== location.href.split('#')[0];
  };
  const pathOf = (el) => {
    const hops = [];
    let node = el, chain = [];
    while (node) {
      const parent = node.parentNode;
      if (!parent) break;
      chain.unshift([...parent.children].indexOf(node));
      if (parent instanceof ShadowRoot) { hops.unshift(chain); chain = []; node = parent.host; }
      else if (parent === document) { break; }
      else node = parent;
    }
    hops.unshift(chain);
    return hops;
  };
  const labelOf = (el) => (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText)
    || el.innerText || el.value || el.title || '')
    .replace(/\s+/g, ' ').trim().slice(0, 80);
  const SELECTOR = 'button, a, summary, label, input[type=checkbox], input[type=radio], ' +
    'input[type=button], input[type=submit], [role=button], [role=link], [role=switch], ' +
    '[role=checkbox], [role=radio], [role=tab], [role=menuitem]';
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (!el.matches(SELECTOR)) continue;
      let target = el;
      if (el.tagName === 'LABEL') {  // a label stands in for its control only when the control is hidden
        const control = el.control;
        if (!control || !['checkbox', 'radio'].includes(control.type) || visible(control)) continue;
        if (!enabled(control)) continue;
      } else if (!enabled(el)) continue;
      if (!visible(target) || leavesPage(target) || !reachable(target)) continue;
      found.push({path: pathOf(target), label: labelOf(target), tag: target.tagName.toLowerCase()});
    }
  };
  walk(document);
  return found;
}
"""

_RESOLVE_JS = r"""
(hops) => {
  let root = document, el = null;
  for (const chain of hops) {
    if (!root) return null;
    let parent = root;
    for (const i of chain) { el = parent.children[i]; if (!el) return null; parent = el; }
    root = el.shadowRoot;
  }
  return el;
}
"""

# What the person sees and what the page holds: visible text (open shadow roots included) and every
# checkbox/radio state. Hidden inputs count too: a closed settings layer keeps what was switched.
_FINGERPRINT_JS = r"""
() => {
  const parts = [], checks = [];
  const walk = (root) => {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = it.currentNode; n; n = it.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const p = n.parentElement, t = n.textContent.replace(/\s+/g, ' ').trim();
        if (t && p && !['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(p.tagName) &&
            p.checkVisibility({opacityProperty: true, visibilityProperty: true})) parts.push(t);
      } else if (n.nodeType === Node.ELEMENT_NODE) {
        if (n.shadowRoot) walk(n.shadowRoot);
        if (n.tagName === 'INPUT' && ['checkbox', 'radio'].includes(n.type)) checks.push(n.checked ? 1 : 0);
        if (n.getAttribute('role') === 'switch' || n.getAttribute('role') === 'checkbox')
          checks.push(n.getAttribute('aria-checked'));
      }
    }
  };
  walk(document.documentElement);
  return JSON.stringify([parts, checks]);
}
"""

_LAUNCH_SETTLE_MS = 400
_CLICK_SETTLE_MS = 120
_POLL_MS = 100
_SETTLE_CAP_MS = 3000
_CLICK_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class ChoiceSpec:
    """Where a page stores the visitor's choice, and how to read one purpose from it.

    formats: ``json-flags`` (JSON object, purpose -> bool), ``json-categories`` (JSON object whose
    ``categories`` list names the accepted purposes, as vanilla-cookieconsent stores it), ``bang-flags``
    (``!purpose=true!other=false``, as tarteaucitron stores it)."""

    store: str  # "cookie" or "localStorage"
    key: str
    format: str
    purposes: tuple[str, ...]

    @classmethod
    def from_dict(cls, raw: dict) -> "ChoiceSpec":
        return cls(raw["store"], raw["key"], raw["format"], tuple(raw["purposes"]))


def decode_choice(raw: str | None, spec: ChoiceSpec) -> dict[str, bool] | None:
    """The stored decision per purpose, or None while nothing (or nothing decided) is stored."""
    if not raw:
        return None
    text = urllib.parse.unquote(raw)
    try:
        if spec.format == "json-flags":
            data = json.loads(text)
            values = {p: data.get(p) for p in spec.purposes}
            return values if all(isinstance(v, bool) for v in values.values()) else None
        if spec.format == "json-categories":
            accepted = json.loads(text).get("categories")
            return {p: p in accepted for p in spec.purposes} if isinstance(accepted, list) else None
        if spec.format == "bang-flags":
            pairs = dict(item.split("=", 1) for item in text.split("!") if "=" in item)
            values = {p: pairs.get(p) for p in spec.purposes}
            if all(v in ("true", "false") for v in values.values()):
                return {p: v == "true" for p, v in values.items()}
            return None
    except (ValueError, AttributeError, TypeError):
        return None
    raise ValueError(f"unknown choice format {spec.format!r}")


@dataclass
class OracleResult:
    min_reject_clicks: int | None
    min_accept_clicks: int | None
    reject_path: list[str] | None
    accept_path: list[str] | None
    states: int
    replays: int
    capped: bool
    seconds: float
    failed_clicks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Click:
    frame: tuple[str, int]  # (frame url, index among frames with that url)
    path: tuple
    label: str

    def describe(self) -> str:
        where = "" if self.frame[0] == "" else " [frame]"
        return f"{self.label or '(unnamed)'}{where}"


@contextmanager
def oracle_browser() -> Iterator["Oracle"]:
    """One browser for many searches; each replay still gets a fresh context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, resolve_browser(playwright=p))
        try:
            yield Oracle(browser, ordinary_user_agent(browser))
        finally:
            browser.close()


class Oracle:
    def __init__(self, browser, user_agent: str | None):
        self.browser = browser
        self.user_agent = user_agent

    def search(self, url: str, spec: ChoiceSpec, max_depth: int = 6, max_states: int = 400) -> OracleResult:
        return _Search(self, url, spec, max_states).run(max_depth)


class _Search:
    def __init__(self, oracle: Oracle, url: str, spec: ChoiceSpec, max_states: int):
        self.oracle, self.url, self.spec, self.max_states = oracle, url, spec, max_states
        self.replays = 0
        self.failed: list[str] = []

    # --- one page, driven -------------------------------------------------------------------------------
    def _fresh(self, clicks: tuple[_Click, ...]):
        """A fresh context with ``clicks`` replayed; None if a click could not be repeated."""
        self.replays += 1
        context = self.oracle.browser.new_context(user_agent=self.oracle.user_agent)
        page = context.new_page()
        page.goto(self.url, wait_until="load")
        self._settle(page, _LAUNCH_SETTLE_MS)
        for click in clicks:
            if not self._click(page, click):
                context.close()
                return None
        return context, page

    def _click(self, page, click: _Click) -> bool:
        frame = self._frame(page, click.frame)
        try:
            handle = frame.evaluate_handle(_RESOLVE_JS, list(click.path)).as_element() if frame else None
            if handle is None:
                return False
            handle.click(timeout=_CLICK_TIMEOUT_MS)
        except Exception:  # a timeout or a detached frame: the edge cannot be taken...
            if frame is None or not frame.is_detached():
                self.failed.append(click.describe())
                return False
            # ...unless the click itself removed its frame: a framed notice closing after the choice.
        self._settle(page, _CLICK_SETTLE_MS)
        return True

    def _settle(self, page, at_least_ms: int) -> None:
        """Wait until the fingerprint stops changing: banners fade in, handlers attach after a timeout."""
        page.wait_for_timeout(at_least_ms)
        waited, last = at_least_ms, self._fingerprint(page)
        while waited < _SETTLE_CAP_MS:
            page.wait_for_timeout(_POLL_MS)
            waited += _POLL_MS
            now = self._fingerprint(page)
            if now == last:
                return
            last = now

    def _frames(self, page) -> list[tuple[tuple[str, int], object]]:
        seen: dict[str, int] = {}
        keyed = []
        for frame in page.frames:
            url = "" if frame == page.main_frame else frame.url
            index = seen.get(url, 0)
            seen[url] = index + 1
            keyed.append(((url, index), frame))
        return keyed

    def _frame(self, page, key):
        return next((frame for k, frame in self._frames(page) if k == key), None)

    def _choice(self, page) -> dict[str, bool] | None:
        if self.spec.store == "cookie":
            raw = next((c["value"] for c in page.context.cookies() if c["name"] == self.spec.key), None)
        else:
            raw = page.evaluate("(k) => localStorage.getItem(k)", self.spec.key)
        return decode_choice(raw, self.spec)

    def _fingerprint(self, page) -> str:
        parts = []
        for key, frame in self._frames(page):
            try:
                parts.append([key, frame.evaluate(_FINGERPRINT_JS)])
            except Exception:  # a frame going away mid-read: it is part of the change being waited out
                parts.append([key, None])
        parts.append(self._choice(page))
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    def _candidates(self, page) -> list[_Click]:
        found = []
        for key, frame in self._frames(page):
            try:
                items = frame.evaluate(_ENUMERATE_JS)
            except Exception:
                continue
            found += [_Click(key, _freeze(item["path"]), item["label"]) for item in items]
        return found

    def _left_page(self, page) -> bool:
        return page.url.split("#")[0] != self.url.split("#")[0]

    # --- the search -------------------------------------------------------------------------------------
    def run(self, max_depth: int) -> OracleResult:
        started = time.monotonic()
        best: dict[str, tuple[_Click, ...]] = {}
        opened = self._fresh(())
        context, page = opened
        seen = {self._fingerprint(page)}
        self._record_goal(page, (), best)
        frontier = [((), self._candidates(page))]
        context.close()
        capped = False
        for _depth in range(max_depth):
            if len(best) == 2 or capped:
                break
            next_frontier = []
            for path, candidates in frontier:
                opened = None
                for click in candidates:
                    if opened is None:
                        opened = self._fresh(path)
                        if opened is None:
                            break
                        parent_print = self._fingerprint(opened[1])
                    context, page = opened
                    if not self._click(page, click):
                        context.close()
                        opened = None
                        continue
                    if self._left_page(page):
                        context.close()
                        opened = None
                        continue
                    child_print = self._fingerprint(page)
                    if child_print == parent_print:
                        continue  # self-loop: the page is still in the parent state
                    if child_print not in seen:
                        seen.add(child_print)
                        child = path + (click,)
                        self._record_goal(page, child, best)
                        next_frontier.append((child, self._candidates(page)))
                    context.close()
                    opened = None
                    if len(best) == 2 or len(seen) >= self.max_states:
                        capped = len(best) < 2
                        break
                if opened is not None:
                    opened[0].close()
                if len(best) == 2 or capped:
                    break
            frontier = next_frontier
        reject, accept = best.get("reject"), best.get("accept")
        return OracleResult(
            min_reject_clicks=None if reject is None else len(reject),
            min_accept_clicks=None if accept is None else len(accept),
            reject_path=None if reject is None else [c.describe() for c in reject],
            accept_path=None if accept is None else [c.describe() for c in accept],
            states=len(seen), replays=self.replays, capped=capped,
            seconds=round(time.monotonic() - started, 2), failed_clicks=sorted(set(self.failed)))

    def _record_goal(self, page, path, best) -> None:
        choice = self._choice(page)
        if choice is None:
            return
        if not any(choice.values()):
            best.setdefault("reject", path)
        elif all(choice.values()):
            best.setdefault("accept", path)


def _freeze(path) -> tuple:
    return tuple(tuple(chain) for chain in path)


def main(argv: list[str] | None = None) -> int:
    """``python tests/explore_oracle.py [PREFIX...]``: print the oracle's counts for the expected.yaml entries
    whose name starts with a prefix (all without one); how expected.yaml is written and re-checked."""
    import sys
    from pathlib import Path

    import yaml

    names = (argv if argv is not None else sys.argv[1:])
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    entries = yaml.safe_load((fixtures / "explore" / "expected.yaml").read_text())["fixtures"]
    with serve_folder(fixtures) as base, oracle_browser() as oracle:
        for entry in entries:
            if names and not entry["name"].startswith(tuple(names)):
                continue
            result = oracle.search(base + entry["path"], ChoiceSpec.from_dict(entry["choice"]),
                                   max_depth=entry.get("oracle_max_depth", 6))
            print(entry["name"], json.dumps(result.__dict__, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
