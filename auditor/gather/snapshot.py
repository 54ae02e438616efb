"""Takes a page snapshot in one ``page.evaluate`` and turns it into trace data.

One round trip per snapshot, never one per element: the audit must cost little more than the clicks
themselves (see benchmarks/overhead.py). The page's rendered HTML comes back in the same round trip. A
frame of another origin (which the page's script cannot enter) takes one more round trip of its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

from playwright.sync_api import ElementHandle, Page
from playwright.sync_api import Error as PlaywrightError

from auditor.gather import pixels
from auditor.gather.colour import measure
from auditor.trace import Element, Snapshot

HTML_MAX_CHARS = 10_000_000  # a page that inflates its DOM beyond this is kept cut, with a note

# The main frame's markup as Playwright's page.content() serialises it: doctype, then the root element.
_HTML_JS = """(() => { let r = '';
  try { if (document.doctype) r = new XMLSerializer().serializeToString(document.doctype);
        if (document.documentElement) r += document.documentElement.outerHTML; } catch (e) {}
  return r; })()"""


@lru_cache(maxsize=1)
def snapshot_script() -> str:
    return files("auditor.gather").joinpath("js/snapshot.js").read_text(encoding="utf-8")


def from_raw(raw: dict) -> tuple[Snapshot, int | None]:
    elements = []
    for e in raw.get("elements", []):
        layers = e.pop("bg_layers", [])
        overlay = e.pop("overlay", None)  # translucent sheets over the element's text (see snapshot.js)
        seen = measure(e.get("color", "") if e.get("name") else "", layers, e.get("opacity", 1.0), overlay,
                       e.pop("text_shadow", None) or "", bool(e.pop("text_clip", False)))
        e["background"], e["contrast"], e["contrast_unknown"] = seen.background, seen.contrast, seen.unknown
        e["contrast_source"] = "colours" if seen.contrast is not None else None
        elements.append(Element.model_validate(e))
    snap = Snapshot(url=raw.get("url", ""), title=raw.get("title", ""), viewport=raw["viewport"],
                    page_width=raw.get("page_width", 0), page_height=raw.get("page_height", 0),
                    text=raw.get("text", ""), elements=elements, truncated=raw.get("truncated", False),
                    layers=raw.get("layers", []), scroll_locked=raw.get("scroll_locked", False),
                    content_obscured=raw.get("content_obscured", []))
    return snap, raw.get("target_index")


def take(page: Page, target: ElementHandle | None = None) -> tuple[Snapshot, int | None]:
    """The page's snapshot and the index of ``target`` in it (None when not given or in a child frame)."""
    snap, index, _ = take_with_html(page, target, html=False)
    return snap, index


def take_with_html(page: Page, target: ElementHandle | None = None,
                   html: bool = True) -> tuple[Snapshot, int | None, str | None]:
    """Like ``take``, plus the main frame's rendered HTML (read after the snapshot, in the same call)."""
    return read(page, page.evaluate(f"(t) => [{result_js('t', html)}]", target), target, html)


def result_js(target: str, html: bool = True) -> str:
    """The JavaScript expression (two array items, or one without ``html``) that snapshots the page with
    ``target`` (a JavaScript name) and reads its HTML; ``read`` turns the two items into trace data. Other
    code may evaluate it together with work of its own, to save a round trip (auditor.gather.capture)."""
    # Serialised with JSON.stringify in the page: Playwright's own serialiser takes seconds for the 5,000
    # entries of a huge page (docs/reliability.md), JSON text takes a few milliseconds.
    markup = f", {_HTML_JS}.slice(0, {HTML_MAX_CHARS})" if html else ""
    return f"JSON.stringify(({snapshot_script()})({target})){markup}"


def read(page: Page, result, target: ElementHandle | None = None,
         html: bool = True) -> tuple[Snapshot, int | None, str | None]:
    """Trace data from what ``result_js`` returned (as a list). A page may replace JSON.stringify: then the
    snapshot comes through Playwright's serialiser after all."""
    text = result[0] if isinstance(result, list) and result else None
    page_html = result[1] if html and isinstance(result, list) and len(result) > 1 else None
    try:
        raw = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        raw = None
    snap, index = from_raw(raw if isinstance(raw, dict) else page.evaluate(snapshot_script(), target))
    pixels.read_unknown_contrasts(page, snap, index)  # before other origins' frames: their nodes are not ours
    _add_cross_origin_frames(page, snap)
    return snap, index, page_html if isinstance(page_html, str) else None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _add_cross_origin_frames(page: Page, snap: Snapshot) -> None:
    """Controls and text of frames the page's own script cannot enter (another origin: a consent
    platform's iframe), each frame snapshotted on its own and placed where its <iframe> sits. A person
    cannot tell that a banner lives in another origin's frame, so neither may the heuristics."""
    top = _origin(page.url)
    for frame in page.frames[1:]:
        parent = frame.parent_frame
        if _origin(frame.url) == top or not frame.url.startswith(("http:", "https:")):
            continue  # same-origin frames are walked by snapshot.js from the page itself
        if parent is not None and parent is not page.main_frame and _origin(parent.url) == _origin(frame.url):
            continue  # walked from its parent frame, which is of the same origin
        try:
            box = frame.frame_element().bounding_box()
            raw = json.loads(frame.evaluate(f"() => JSON.stringify(({snapshot_script()})(null))"))
        except (PlaywrightError, ValueError, TypeError):
            continue  # a frame that went away or broke the script: the page's snapshot stands as it is
        if not box or not isinstance(raw, dict):
            continue
        inner, _ = from_raw(raw)
        dx, dy = box["x"] + snap.viewport.x, box["y"] + snap.viewport.y  # into the top page's coordinates
        for element in inner.elements:
            element.index = len(snap.elements)
            element.in_iframe = True
            if element.box is not None:
                element.box = element.box.model_copy(update={"x": element.box.x + dx, "y": element.box.y + dy})
            snap.elements.append(element)
        for layer in inner.layers:  # its share was of the frame's viewport, not the page's: not measured
            if layer.box is not None:
                layer.box = layer.box.model_copy(update={"x": layer.box.x + dx, "y": layer.box.y + dy})
            snap.layers.append(layer.model_copy(update={"viewport_share": None}))
        snap.text = f"{snap.text} {inner.text}".strip()
        snap.truncated = snap.truncated or inner.truncated


def match_by_box(snapshot: Snapshot, box: dict | None, tag: str | None) -> int | None:
    """Finds an element by position, for targets inside child frames (their handles cannot cross)."""
    if not box:
        return None
    best, best_d = None, 4.0
    sx, sy = snapshot.viewport.x, snapshot.viewport.y
    for e in snapshot.elements:
        if e.box is None or (tag and e.tag != tag):
            continue
        d = abs(e.box.x - sx - box["x"]) + abs(e.box.y - sy - box["y"]) + abs(e.box.width - box["width"])
        if d < best_d:
            best, best_d = e.index, d
    return best
