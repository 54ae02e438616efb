"""The done condition: whether the page shows that the path reached its goal (or its baseline choice)."""

from __future__ import annotations

import fnmatch
import time
from urllib.parse import unquote

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from auditor.flow.spec import Done, Locator
from auditor.gather.outcome import StepFailed
from auditor.gather.path_run import PathRun
from auditor.gather.watchdog import KILL_GRACE_S


def _visible(page: Page, loc: Locator) -> bool:
    for frame in page.frames:
        try:
            if frame.get_by_text(loc.text, exact=False).filter(visible=True).count() if loc.text \
                    else frame.locator(loc.css).filter(visible=True).count():
                return True
        except PlaywrightError:
            if page.is_closed():
                raise
            continue
    return False


_STORAGE_JS = """() => { const out = {};
  for (const store of [window.localStorage, window.sessionStorage]) {
    try { for (let i = 0; i < store.length; i++) { const k = store.key(i); out[k] = store.getItem(k); } } catch (e) {}
  }
  return out; }"""


def stored_values(page: Page) -> dict[str, str]:
    """Every cookie of the context and every localStorage / sessionStorage item of every frame, by name."""
    values = {c["name"]: c["value"] for c in page.context.cookies()}
    for frame in page.frames:
        try:
            values.update(frame.evaluate(_STORAGE_JS))
        except PlaywrightError:
            if page.is_closed():
                raise
    return values


def _stored_holds(page: Page, wanted: dict[str, str]) -> bool:
    have = stored_values(page)
    return all(name in have and unquote(have[name]) == unquote(value) for name, value in wanted.items())


def holds(page: Page, done: Done) -> bool:
    if done.url is not None and not fnmatch.fnmatch(page.url, done.url):
        return False
    if done.text is not None and not _visible(page, Locator(text=done.text)):
        return False
    if done.css is not None and not _visible(page, Locator(css=done.css)):
        return False
    if done.stored is not None and not _stored_holds(page, done.stored):
        return False
    if done.gone is not None:
        gone = done.gone if isinstance(done.gone, Locator) else Locator(text=done.gone)
        if gone.text is None and gone.css is None:
            raise StepFailed("flow-mismatch", "done.gone takes text or css")
        if _visible(page, gone):
            return False
    return True


def wait_done(run: PathRun, done: Done) -> bool:
    """True as soon as the condition holds; False when it did not within its timeout."""
    wait = run.remaining(done.timeout or run.settings.step_timeout)
    deadline = time.monotonic() + wait
    with run.guard(wait + KILL_GRACE_S, "checking the done condition"):
        while True:
            run.check()
            if holds(run.page, done):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


def not_reached(done: Done, step_timeout: float) -> str:
    """Why the path did not end where the flow says it should."""
    parts = [f"{k}: {v!r}" for k, v in done.model_dump(exclude_none=True).items() if k != "timeout"]
    return (f"after the last step the done condition {{{', '.join(parts)}}} did not hold "
            f"within {done.timeout or step_timeout:g} s")
