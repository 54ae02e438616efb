"""Settle, mark and snapshot the page in one round trip: the step recorder's fast path.

Before an action the recorder lets the page's animations end (auditor.gather.person.settle), notes the
DOM changes so far (``Person.mark``), snapshots the page with its HTML (auditor.gather.snapshot), notes
whether the target opens a new tab, and measures the page for the screenshot taken right after
(auditor.gather.full_page). Done one by one, that is four or five round trips to the page
per step; here it is one (more only while something is still animating), which is most of what the audit
costs over the clicks themselves (benchmarks/overhead.py). The facts are the same: the same scripts run
in the same order, only in one ``page.evaluate``.

Only a page whose target is in the main frame takes this path (a child frame's target cannot cross into
the page's script). When the combined call fails (a navigation replaced the document, the page broke a
built-in the scripts use), ``settle_and_capture`` returns None and the recorder takes the one-by-one
path, which says what went wrong as it always did.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from playwright.sync_api import Error as PlaywrightError

from auditor.gather import snapshot
from auditor.gather.full_page import MEASURE_JS
from auditor.gather.path_run import PathRun
from auditor.gather.person import ANIMATION_MAX_S, MUTATIONS_JS, RUNNING_ANIMATIONS_JS
from auditor.trace import Snapshot

# The clicked element is (in) a link or form that opens its result in another tab or window.
OPENS_TAB_JS = """e => { const a = e.closest('a[target], area[target], form[target]');
  const t = a ? (a.getAttribute('target') || '').toLowerCase() : '';
  return !!t && !['_self', '_parent', '_top'].includes(t); }"""


@lru_cache(maxsize=1)
def _capture_js() -> str:
    """[ms of animation still to run] while settling and something runs; else [0, DOM changes so far,
    whether the target opens a tab (null without a target), the page's size for the screenshot
    (auditor.gather.full_page), snapshot JSON, HTML]."""
    return f"""([t, settling]) => {{
  if (settling) {{ const left = ({RUNNING_ANIMATIONS_JS})(); if (typeof left === 'number' && left > 0) return [left]; }}
  const mutations = ({MUTATIONS_JS})();
  let tab = null;
  if (t) {{ try {{ tab = !!({OPENS_TAB_JS})(t); }} catch (e) {{}} }}
  let size = null;
  try {{ size = ({MEASURE_JS})(); }} catch (e) {{}}
  return [0, mutations, tab, size, {snapshot.result_js('t')}]; }}"""


@dataclass
class Captured:
    snapshot: Snapshot
    target: int | None
    html: str | None
    since: tuple | None  # Person.mark's tuple, taken right before the snapshot (None: the page was not settled)
    opens_tab: bool | None  # None: no target, or it could not be told
    page_size: object  # full_page.MEASURE_JS's answer, unchecked (the screenshot checks it)


def settle_and_capture(run: PathRun, handle, settles: bool) -> Captured | None:
    """The page (and ``handle``, a main-frame element or None) captured as ``capture_before_action`` does;
    None when the combined call failed and the one-by-one path must be taken. Raises when the page is
    gone or the run is stopping."""
    page = run.page
    deadline = time.monotonic() + min(run.remaining(run.settings.step_timeout), ANIMATION_MAX_S) if settles else 0.0
    while True:
        settling = settles and time.monotonic() < deadline
        started, now = run.person.network.started, time.monotonic()
        try:
            with run.guard(run.snapshot_bound(), "waiting for the page to settle" if settling else "taking a snapshot"):
                result = page.evaluate(_capture_js(), [handle, settling])
                if not isinstance(result, list) or not result:
                    return None
                if len(result) == 1:  # still animating: wait for the longest running animation to end
                    page.wait_for_timeout(min(result[0] + 20, (deadline - time.monotonic()) * 1000))
                    continue
                if len(result) < 5:
                    return None
                snap, index, html = snapshot.read(page, result[4:], handle)
        except PlaywrightError:
            if run.gone_or_stopping():
                raise
            return None
        except (KeyError, TypeError, ValueError):  # the page tampered with what the script returns
            return None
        since = (started, result[1], now) if settles else None
        return Captured(snap, index, html, since, result[2] if isinstance(result[2], bool) else None, result[3])
