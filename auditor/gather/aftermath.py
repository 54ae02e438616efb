"""After the choice: what a path's browser held and sent before the first step, after the done condition,
and after a reload, recorded as ``PathTrace.aftermath`` (auditor/trace.py; judged by auditor/aftermath).

Cost (docs/after-the-choice.md): listening to requests is free; the capture settles ``SETTLE_S`` after the
choice, then reloads the page once and watches up to ``REPROMPT_WAIT_S`` for the prompt to come back, about
1.5 s per path in all (measured in the figures there). It runs when ``settings.after_choice`` is true.
Nothing here may fail the path: an error becomes a note, and what was captured is kept.
"""

from __future__ import annotations

import hashlib
import time

from playwright.sync_api import Error as PlaywrightError

from auditor.aftermath.sites import is_consent_record, site_of
from auditor.flow.spec import Flow, Step
from auditor.gather.locate import find_once
from auditor.gather.path_run import PathRun
from auditor.trace import AfterCapture, Aftermath, SeenCookie, SeenRequest, StoredItem

SETTLE_S = 0.5  # after the choice, for the beacons a click sends
REPROMPT_WAIT_S = 1.0  # after the reload's load event, for a consent prompt rendered late
MAX_REQUESTS = 300  # per moment
MAX_ITEMS = 200  # storage items per frame
MAX_VALUE = 4000

_STORAGE_JS = """() => { const read = (store) => { const out = [];
    try { for (let i = 0; i < store.length && i < %d; i++) { const k = store.key(i); out.push([k, store.getItem(k)]); } }
    catch (e) {} return out; };
  return {origin: location.origin, local: read(window.localStorage), session: read(window.sessionStorage)}; }""" % MAX_ITEMS

_CONSENT_API_JS = """async () => { const out = {};
  const ask = (api, cmd) => new Promise((done) => { setTimeout(() => done(null), 500);
    try { const r = api(cmd, 2, (data, ok) => done(ok === false ? null : data)); if (r) done(r); } catch (e) { done(null); } });
  if (typeof window.__tcfapi === 'function') { const d = await ask(window.__tcfapi, 'getTCData');
    if (d && typeof d.tcString === 'string') out.tcfapi = d.tcString.slice(0, 4000); }
  if (typeof window.__gpp === 'function') { const d = await ask(window.__gpp, 'ping');
    if (d && typeof d.gppString === 'string') out.gpp = d.gppString.slice(0, 4000); }
  return out; }"""


def enabled(flow: Flow) -> bool:
    """When the flow asks for it (``settings.after_choice: true``; explore's flows do)."""
    return flow.settings.after_choice


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:16]


def _kept(name: str, value: str) -> str | None:
    return value[:MAX_VALUE] if is_consent_record(name) else None


class AfterChoice:
    """Listens to a path's context from its creation; ``before`` and ``finish`` take the captures."""

    def __init__(self, context, start: str, first_step: Step | None):
        self.site = site_of(start)
        self.first_step = first_step
        self.moment = "before-choice"
        self.requests: dict[str, list[SeenRequest]] = {"before-choice": [], "after-choice": [], "after-reload": []}
        self.record = Aftermath(site=self.site)
        self._spent = 0.0
        context.on("request", self._on_request)

    def _on_request(self, request) -> None:
        try:
            url = request.url
            if not url.startswith(("http://", "https://")) or site_of(url) == self.site:
                return
            seen = self.requests[self.moment]
            if len(seen) < MAX_REQUESTS:
                try:
                    frame_url = request.frame.url[:200]
                except PlaywrightError:  # a service worker's request has no frame
                    frame_url = ""
                seen.append(SeenRequest(url=url[:500], resource_type=request.resource_type, frame_url=frame_url))
        except Exception:  # a listener must never break the browser's event loop
            pass

    def _capture(self, run: PathRun, moment: str) -> AfterCapture:
        page = run.page
        cookies = [SeenCookie(name=c["name"], domain=c["domain"], path=c.get("path", "/"),
                              third_party=site_of(c["domain"]) != self.site,
                              expires=c["expires"] if c.get("expires", -1) > 0 else None,
                              value_sha256=_digest(c["value"]), value=_kept(c["name"], c["value"]))
                   for c in page.context.cookies()]
        storage: list[StoredItem] = []
        for frame in page.frames:
            try:
                found = frame.evaluate(_STORAGE_JS)
            except PlaywrightError:
                continue
            for store in ("local", "session"):
                storage += [StoredItem(store=store, origin=str(found["origin"])[:200], key=str(k)[:200],
                                       value_sha256=_digest(str(v)), value=_kept(str(k), str(v)))
                            for k, v in found[store]]
        try:
            apis = {k: str(v) for k, v in (page.main_frame.evaluate(_CONSENT_API_JS) or {}).items()}
        except PlaywrightError:
            apis = {}
        return AfterCapture(moment=moment, cookies=cookies, storage=storage,
                            third_party_requests=list(self.requests[moment]), consent_strings=apis)

    def _timed(self, run: PathRun, what: str, action) -> None:
        began = time.monotonic()
        try:
            with run.guard(run.remaining(run.settings.step_timeout), what):
                action()
        except Exception as exc:  # noqa: BLE001 - the audit goes on without this capture
            self.record.notes.append(f"{what} failed: {type(exc).__name__}: {str(exc)[:200]}")
        finally:
            self._spent += time.monotonic() - began

    def before(self, run: PathRun) -> None:
        """Before the first step: what the start page did before anyone chose."""
        def capture() -> None:
            self.record.before = self._capture(run, "before-choice")
        self._timed(run, "the capture before the choice", capture)
        self.moment = "after-choice"

    def finish(self, run: PathRun, reached: bool) -> Aftermath:
        """After the done condition held: capture, reload, capture again and look for the prompt."""
        if not reached:
            self.record.notes.append("the done condition did not hold: nothing captured after the choice")
        else:
            self._timed(run, "the capture after the choice", lambda: self._after(run))
            self._timed(run, "the reload after the choice", lambda: self._reload(run))
        self.record.seconds = round(self._spent, 3)
        return self.record

    def _after(self, run: PathRun) -> None:
        time.sleep(SETTLE_S)
        self.record.after = self._capture(run, "after-choice")

    def _reload(self, run: PathRun) -> None:
        self.moment = "after-reload"
        run.page.reload(wait_until="load", timeout=run.remaining(run.settings.step_timeout) * 1000)
        locator = self.first_step.locator if self.first_step is not None else None
        if locator is not None:
            self.record.prompt_probe = locator.describe()
            self.record.prompt_returned = self._prompt_visible(run, locator)
        else:
            time.sleep(SETTLE_S)
        self.record.reload = self._capture(run, "after-reload")

    def _prompt_visible(self, run: PathRun, locator) -> bool:
        deadline = time.monotonic() + REPROMPT_WAIT_S
        while True:
            if find_once(run.page, locator) is not None:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
