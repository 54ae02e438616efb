"""A full-page PNG in one or two round trips through the path's CDP session; Playwright's is the fallback.

Playwright's ``page.screenshot(full_page=True)`` prepares every frame in its utility world (a world each
fresh document creates on first use), waits for the fonts, measures the page in that world, captures, and
restores every frame. Each step's capture and each path's final page take one, so on the one-click pages of
a batch that is four screenshots a site at 65-130 ms each (benchmarks/batch.py). The same picture taken
here: one evaluation measures the page with Playwright's own formula (the largest of the body's and the
document element's scroll, offset and client sizes) and says whether web fonts are still loading, and one
``Page.captureScreenshot`` takes it, the way Playwright's Chromium backend does: at device scale, beyond
the viewport only when the page does not fit it. About 45 ms a shot. The recorder's capture
(auditor.gather.capture) runs the same measurement in its own round trip just before the shot, so then
only the capture itself is sent.

What is left out on purpose: Playwright hides the text caret and stops CSS animations while it shoots,
which changes the page (a finished animation fires its ``animationend``). The recorder has already let
finite animations end (auditor.gather.person.settle); the picture shows the page as it is.

``None`` means this path does not apply and the caller takes Playwright's screenshot: no CDP session,
fonts still loading (Playwright waits for them), a measurement that is not a size (a page that replaced
the built-ins it uses), or a call that failed on a page still open.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError

# Playwright's full-page size (server/screenshotter.ts, _fullPageSize) and viewport, and whether web
# fonts are still loading: [width, height, viewport width, viewport height, fonts loading], null without a
# body. What the page returns is checked (``_size``): it may have replaced the built-ins used here.
MEASURE_JS = """() => { const b = document.body, d = document.documentElement;
  if (!b || !d) return null;
  return [Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth),
          Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight, b.clientHeight, d.clientHeight),
          window.innerWidth, window.innerHeight,
          !!(document.fonts && document.fonts.status === 'loading')]; }"""
_MEASURE_EXPRESSION = f"({MEASURE_JS})()"


@dataclass(frozen=True)
class Shot:
    png: bytes
    page_height: float  # the page's full height (CSS px); the picture stops at the caller's max_height


def full_page_png(cdp, max_height: int, touch: bool, measured=None) -> Shot | None:
    """The page of ``cdp`` (the path's CDP session) as a full-page PNG cut at ``max_height`` CSS px; None
    when Playwright's screenshot must be taken instead. ``touch``: the context emulates a touch screen,
    which a capture beyond the viewport switches off in Chromium (restored as Playwright does).
    ``measured``: MEASURE_JS's answer when the caller just had the page run it; else it is asked here."""
    if cdp is None:
        return None
    try:
        if measured is None:
            answer = cdp.send("Runtime.evaluate", {"expression": _MEASURE_EXPRESSION, "returnByValue": True})
            measured = answer.get("result", {}).get("value")
        size = _size(measured)
        if size is None:
            return None
        width, height, view_width, view_height = size
        fits = width <= view_width and height <= view_height
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, max_height), "scale": 1}
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": not fits})
        if not fits and touch:
            cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True})
        return Shot(base64.b64decode(shot["data"]), height)
    except (PlaywrightError, KeyError, TypeError, ValueError):
        return None


def _size(value) -> tuple[float, float, float, float] | None:
    """(width, height, viewport width, viewport height) when the page measured itself sensibly and no web
    font is loading; else None."""
    if not isinstance(value, list) or len(value) != 5 or value[4] is not False:
        return None
    sizes = value[:4]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0 for v in sizes):
        return None
    return tuple(float(v) for v in sizes)
