"""Contrast read from the rendered pixels, for the few controls whose colours cannot be composited.

Over a background image or gradient, under a blur or a blend mode, the colours a person sees are not
plain colours, so auditor.gather.colour reports the contrast as unknown. For the controls the heuristics
compare (the one the flow acts on and the controls of the same layer: a banner's other answers), the
page is photographed twice, once as it is and once with those controls' text made transparent for that
instant, and the two photographs are compared inside each control's box:

* the pixels that changed are the text's ink; the most changed of them (the glyphs' cores, not their
  anti-aliased edges) are compared with the pixel at the same place without the text, and the median of
  those WCAG ratios is the contrast a person sees (over a gradient, the text is judged where it is, not
  against an average colour);
* when no pixel changed, the text cannot be told apart from what is behind it in the photograph, and the
  contrast stays unknown with that reason: never a pass.

Two screenshots and two small scripts, only on pages where a control that matters has such a background:
a page of plain colours costs nothing more (benchmarks/overhead.py).
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from coloraide import Color
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from auditor.trace import Element, Snapshot

if TYPE_CHECKING:  # numpy and Pillow load only on the rare page that needs its pixels read (~0.3 s of import)
    import numpy as np

MAX_READ = 6  # controls read per snapshot: the target first, then its layer's other controls
CONTROL_ROLES = {"button", "link", "switch", "checkbox", "radio", "menuitem", "tab", "option"}
INK_MIN = 6  # a channel must change by at least this much (of 255) for a pixel to count as ink
MIN_INK_PIXELS = 4
CORE_QUANTILE = 0.7  # the most changed 30 % of the ink pixels are the glyphs' cores
MAX_COMPARED = 300
SCREENSHOT_MS = 5000

# Makes the text of the listed snapshot entries (and of everything inside them) transparent, keeping what
# each node's inline style said so RESTORE_JS can put it back exactly; no transition may soften the change.
_HIDE_JS = """(indexes) => {
  const refs = window[Symbol.for('consent-audit.snapshot-elements')] || [];
  const clear = { 'color': 'transparent', '-webkit-text-fill-color': 'transparent', 'text-shadow': 'none',
    'text-decoration-color': 'transparent', 'caret-color': 'transparent', 'transition': 'none' };
  const props = Object.keys(clear);
  const saved = [];
  for (const i of indexes) {
    const el = refs[i];
    if (!el || !el.isConnected) continue;
    for (const n of [el, ...el.querySelectorAll('*')]) {
      if (!n.style) continue;
      saved.push([n, props.map((p) => [p, n.style.getPropertyValue(p), n.style.getPropertyPriority(p)])]);
      for (const p of props) n.style.setProperty(p, clear[p], 'important');
    }
  }
  window[Symbol.for('consent-audit.hidden-text')] = saved;
  return saved.length;
}"""
_RESTORE_JS = """() => {
  const saved = window[Symbol.for('consent-audit.hidden-text')] || [];
  for (const [n, props] of saved) for (const [p, v, prio] of props) {
    if (v) n.style.setProperty(p, v, prio); else n.style.removeProperty(p);
  }
  delete window[Symbol.for('consent-audit.hidden-text')];
}"""


def worth_reading(snap: Snapshot, target: int | None) -> list[Element]:
    """The controls with an unknown contrast whose pixels are read: the target, then the named visible
    controls of its layer (all layers when there is no target), at most MAX_READ."""
    target_el = snap.element(target)
    picks = [e for e in snap.elements
             if e.contrast_unknown and e.visible and e.in_viewport and e.name and e.box is not None
             and (e.index == target or (e.role in CONTROL_ROLES and (target_el is None or e.layer == target_el.layer)))]
    picks.sort(key=lambda e: e.index != target)
    return picks[:MAX_READ]


def read_unknown_contrasts(page: Page, snap: Snapshot, target: int | None) -> None:
    """Replaces unknown contrasts of the controls that matter by the contrast read from the pixels (with
    ``contrast_source='pixels'``); a control whose text cannot be found in the pixels keeps its reason."""
    picks = worth_reading(snap, target)
    if not picks:
        return
    try:
        shown = _shot(page)
        try:
            page.evaluate(_HIDE_JS, [e.index for e in picks])
            hidden = _shot(page)
        finally:
            page.evaluate(_RESTORE_JS)
    except PlaywrightError as exc:
        for e in picks:
            e.contrast_unknown = f"{e.contrast_unknown}; the rendered pixels could not be read ({str(exc)[:80]})"
        return
    for e in picks:
        _judge(e, shown, hidden, snap.viewport.x, snap.viewport.y)


def _shot(page: Page) -> np.ndarray:
    import numpy as np
    from PIL import Image

    png = page.screenshot(type="png", scale="css", caret="hide", timeout=SCREENSHOT_MS)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _judge(e: Element, shown: np.ndarray, hidden: np.ndarray, sx: float, sy: float) -> None:
    h, w = shown.shape[:2]
    x0, y0 = max(int(e.box.x - sx), 0), max(int(e.box.y - sy), 0)
    x1, y1 = min(int(e.box.x - sx + e.box.width + 0.5), w), min(int(e.box.y - sy + e.box.height + 0.5), h)
    if x1 <= x0 or y1 <= y0:
        return
    ink_px, bg_px = shown[y0:y1, x0:x1], hidden[y0:y1, x0:x1]
    ratio = contrast_of_ink(ink_px, bg_px)
    if ratio is None:
        e.contrast_unknown = (f"{e.contrast_unknown}; the text could not be told apart from its background "
                              "in the rendered pixels")
        return
    import numpy as np

    median = np.median(bg_px.reshape(-1, 3), axis=0)
    e.contrast, e.contrast_source, e.contrast_unknown = ratio, "pixels", None
    e.background = "rgb({:g} {:g} {:g})".format(*(round(float(v), 1) for v in median))


def contrast_of_ink(shown: np.ndarray, hidden: np.ndarray) -> float | None:
    """Median WCAG contrast of the glyph cores in ``shown`` against the same pixels in ``hidden`` (arrays
    of 0..255 RGB of one box, with and without the text); None when no ink is found."""
    import numpy as np

    diff = np.abs(shown - hidden).max(axis=2)
    ink = diff >= INK_MIN
    if int(ink.sum()) < MIN_INK_PIXELS:
        return None
    core = ink & (diff >= np.quantile(diff[ink], CORE_QUANTILE))
    ys, xs = np.nonzero(core)
    step = max(len(ys) // MAX_COMPARED, 1)
    ratios = [_ratio(tuple(shown[y, x]), tuple(hidden[y, x])) for y, x in zip(ys[::step], xs[::step])]
    return round(float(np.median(ratios)), 2)


@lru_cache(maxsize=65536)
def _luminance(rgb: tuple[int, int, int]) -> float:
    return Color("srgb", [int(v) / 255 for v in rgb]).luminance()


def _ratio(a: tuple, b: tuple) -> float:
    la, lb = _luminance(tuple(int(v) for v in a)), _luminance(tuple(int(v) for v in b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
